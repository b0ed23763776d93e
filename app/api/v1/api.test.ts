// The runtime API's routes end to end (route handler → pipeline → registry/executor → database),
// on PostgreSQL and PGlite, with the loopback fake LLM as the workspace's simulator provider.
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { startFakeLlmServer, type FakeLlmServer } from '@/lib/adapters/fake-llm';
import { createPrismaExperimentStore } from '@/lib/adapters/prisma/experiments';
import { createTestDatabase, type TestDatabase, type TestDatabaseKind } from '@/test/db';

const state = vi.hoisted(() => ({ prisma: undefined as unknown }));
vi.mock('@/lib/server/db', () => ({ getPrisma: async () => state.prisma }));

const fake: FakeLlmServer = await startFakeLlmServer();
process.env.LOOM_SIMULATOR_URL = fake.url; // read once, on the first provider lookup

const { createApiKey, revokeApiKey, setApiKeyCache, createMemoryApiKeyCache } =
  await import('@/lib/server/api/keys');
const { setPromptDocumentCache, createMemoryPromptDocumentCache } =
  await import('@/lib/server/api/prompt-cache');
const { forgetLiveExperiments } = await import('@/lib/server/experiments/live');
const { createStudioRegistry } = await import('@/lib/server/loom');
const { getRunRecorder } = await import('@/lib/server/runs');
const promptRoute = await import('./prompts/[id]/route');
const listRoute = await import('./prompts/route');
const renderRoute = await import('./prompts/[id]/render/route');
const executeRoute = await import('./prompts/[id]/execute/route');
const outcomeRoute = await import('./experiments/[id]/outcomes/route');
const openapiRoute = await import('./openapi.json/route');

afterAll(async () => {
  await fake.close();
});

const GREET = {
  id: 'greet',
  version: 0,
  name: 'Greet',
  system: 'You are terse.',
  user: 'Say hello to {{ who }} {{ times }} times',
  variables: [
    { name: 'who', type: 'string' as const, required: true },
    { name: 'times', type: 'number' as const, required: true },
  ],
  model: { provider: 'simulator', model: 'gpt-4o-mini' },
};

type Handler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;

interface Problem {
  status: number;
  title: string;
  detail: string;
  errors?: { path: string; message: string }[];
}

describe.each<TestDatabaseKind>(['postgres', 'pglite'])('/api/v1 on %s', (kind) => {
  let db: TestDatabase;
  let workspaceId: string;
  let secret: string;
  let keyId: string;
  const admin = { userId: 'u1', email: 'admin@x.test', workspaceId: '' };

  const call = (
    handler: Handler,
    path: string,
    params: Record<string, string>,
    init: { method?: string; body?: unknown; headers?: Record<string, string>; key?: string } = {},
  ) =>
    handler(
      new Request(`http://loom.test${path}`, {
        method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
        headers: { authorization: `Bearer ${init.key ?? secret}`, ...init.headers },
        ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      }),
      { params: Promise.resolve(params) },
    );
  const get = (id: string, query = '', init: Parameters<typeof call>[3] = {}) =>
    call(promptRoute.GET, `/api/v1/prompts/${id}${query}`, { id }, init);
  const render = (id: string, body: unknown) =>
    call(renderRoute.POST, `/api/v1/prompts/${id}/render`, { id }, { body });
  const execute = (id: string, body: unknown) =>
    call(executeRoute.POST, `/api/v1/prompts/${id}/execute`, { id }, { body });

  beforeAll(async () => {
    db = await createTestDatabase({ kind });
    state.prisma = db.prisma;
    workspaceId = (await db.prisma.workspace.create({ data: { slug: 'w', name: 'W' } })).id;
    admin.workspaceId = workspaceId;
    await db.prisma.providerConfig.create({
      data: { workspaceId, name: 'simulator', kind: 'openai', isSimulator: true },
    });
    const registry = createStudioRegistry(db.prisma, workspaceId);
    await registry.save(GREET, { author: 'a@x.test' });
    await registry.save({ ...GREET, system: 'You are warm.' }, { author: 'a@x.test' });
    await registry.setLabel('greet', 'production', 1);
    await registry.setLabel('greet', 'staging', 2);
    const created = await createApiKey(db.prisma, admin, {
      name: 'all',
      scopes: ['prompts:read', 'prompts:execute', 'experiments:write'],
    });
    secret = created.secret;
    keyId = created.key.id;
  });
  afterAll(async () => {
    await db.close();
  });
  beforeEach(() => {
    setApiKeyCache(createMemoryApiKeyCache());
    setPromptDocumentCache(createMemoryPromptDocumentCache());
    forgetLiveExperiments();
  });

  it('lists prompts with their labels', async () => {
    const response = await call(listRoute.GET, '/api/v1/prompts', {});
    expect(response.status).toBe(200);
    const body = (await response.json()) as { prompts: { id: string; labels: Record<string, number> }[] };
    expect(body.prompts).toEqual([
      expect.objectContaining({ id: 'greet', latestVersion: 2, labels: { production: 1, staging: 2 } }),
    ]);
  });

  it('serves production by default, a label or a version, with the labels on that version', async () => {
    const byDefault = await get('greet');
    expect(byDefault.status).toBe(200);
    const body = (await byDefault.json()) as {
      version: number;
      labels: string[];
      prompt: { system: string };
    };
    expect(body).toMatchObject({ id: 'greet', version: 1, labels: ['production'], experiment: null });
    expect(body.prompt).toMatchObject({
      system: 'You are terse.',
      user: GREET.user,
      variables: expect.any(Array),
    });
    expect(await (await get('greet', '?label=staging')).json()).toMatchObject({
      version: 2,
      labels: ['staging'],
    });
    expect(await (await get('greet', '?label=latest')).json()).toMatchObject({ version: 2 });
    expect(await (await get('greet', '?version=1')).json()).toMatchObject({ version: 1 });
  });

  it('404 naming the unknown prompt, label or version; 400 for both label and version', async () => {
    const cases: [string, string, RegExp][] = [
      ['nope', '', /Prompt "nope" not found/],
      ['greet', '?label=canary', /no label "canary"/],
      ['greet', '?version=9', /no version 9/],
    ];
    for (const [id, query, detail] of cases) {
      const response = await get(id, query);
      expect(response.status, `${id}${query}`).toBe(404);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      expect(((await response.json()) as Problem).detail).toMatch(detail);
    }
    const both = await get('greet', '?label=staging&version=1');
    expect(both.status).toBe(400);
    expect(((await both.json()) as Problem).errors?.[0]?.path).toBe('query.version');
  });

  it('ETag and 304 on If-None-Match; a label move changes the answer at once in this process', async () => {
    const first = await get('greet');
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^".+"$/);
    const again = await get('greet', '', { headers: { 'if-none-match': etag ?? '' } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');

    const registry = createStudioRegistry(db.prisma, workspaceId);
    await registry.setLabel('greet', 'production', 2);
    try {
      const moved = await get('greet', '', { headers: { 'if-none-match': etag ?? '' } });
      expect(moved.status).toBe(200);
      expect(await moved.json()).toMatchObject({ version: 2, labels: ['production', 'staging'] });
    } finally {
      await registry.setLabel('greet', 'production', 1);
    }
  });

  it('renders the exact messages, coercing variables', async () => {
    const response = await render('greet', { variables: { who: 'Ada', times: '3' } });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      id: 'greet',
      version: 1,
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: 'Say hello to Ada 3 times' },
      ],
      variables: { who: 'Ada', times: 3 },
      experiment: null,
    });
  });

  it('422 listing each invalid variable', async () => {
    const missing = await render('greet', { variables: {} });
    expect(missing.status).toBe(422);
    const body = (await missing.json()) as Problem;
    expect(body.title).toBe('Invalid variables');
    expect(body.errors).toEqual([
      { path: 'body.variables.who', message: '"who" is required' },
      { path: 'body.variables.times', message: '"times" is required' },
    ]);
    const wrong = await render('greet', { variables: { who: 'Ada', times: 'many', extra: 1 } });
    expect(wrong.status).toBe(422);
    const paths = ((await wrong.json()) as Problem).errors?.map((e) => e.path);
    expect(paths).toEqual(['body.variables.times', 'body.variables.extra']);
  });

  it('executes through the provider and records a run of source api with the key', async () => {
    fake.addRule({ content: 'Say hello to Bob', reply: 'Hello, Bob!' });
    const response = await execute('greet', { variables: { who: 'Bob', times: 1 } });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      id: 'greet',
      version: 1,
      output: 'Hello, Bob!',
      provider: 'simulator',
      model: 'gpt-4o-mini',
      usage: { inputTokens: expect.any(Number), outputTokens: expect.any(Number) },
      experiment: null,
    });
    await (await getRunRecorder(workspaceId)).flush();
    const runs = await db.prisma.analyticsRun.findMany({ where: { workspaceId, source: 'api' } });
    expect(runs).toEqual([
      expect.objectContaining({ apiKeyId: keyId, promptId: 'greet', version: 1, success: true }),
    ]);
  });

  it('streams server-sent events: start, deltas, done', async () => {
    fake.addRule({ content: 'Say hello to Cy', reply: 'Hello there, Cy, how are you?' });
    const response = await execute('greet', { variables: { who: 'Cy', times: 2 }, stream: true });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const text = await response.text();
    const events = [...text.matchAll(/event: (\w+)\ndata: (.*)\n\n/g)].map((m) => ({
      type: m[1],
      data: JSON.parse(m[2] ?? '{}') as Record<string, unknown>,
    }));
    expect(events[0]).toMatchObject({
      type: 'start',
      data: { id: 'greet', version: 1, model: 'gpt-4o-mini' },
    });
    const deltas = events.filter((e) => e.type === 'delta').map((e) => e.data.text);
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join('')).toBe('Hello there, Cy, how are you?');
    expect(events.at(-1)).toMatchObject({ type: 'done', data: { output: 'Hello there, Cy, how are you?' } });
  });

  it('a provider failure is a 502 with its message, an unknown provider a 404, bad variables a 422 before any call', async () => {
    fake.addRule({
      content: 'Say hello to Err',
      fault: { kind: 'status', status: 400, message: 'bad things upstream' },
    });
    const failed = await execute('greet', { variables: { who: 'Err', times: 1 } });
    expect(failed.status).toBe(502);
    const problem = (await failed.json()) as Problem;
    expect(problem.detail).toMatch(/bad things upstream/);
    expect(JSON.stringify(problem)).not.toMatch(/\.ts:\d+/);
    fake.addRule({ content: 'Say hello to Down', fault: { kind: 'status', status: 503 } });
    const down = await execute('greet', { variables: { who: 'Down', times: 1 } });
    expect(down.status).toBe(503);
    expect(down.headers.get('retry-after')).toMatch(/^\d+$/);

    const registry = createStudioRegistry(db.prisma, workspaceId);
    await registry.save({ ...GREET, id: 'elsewhere', model: { provider: 'absent', model: 'm' } });
    await registry.setLabel('elsewhere', 'production', 1);
    const unknown = await execute('elsewhere', { variables: { who: 'A', times: 1 } });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as Problem).detail).toMatch(/No provider named "absent"/);

    const before = fake.requests.length;
    const invalid = await execute('greet', { variables: { who: 'A' } });
    expect(invalid.status).toBe(422);
    expect(fake.requests.length).toBe(before);
  });

  it('403 for execute with a read-only key', async () => {
    const readOnly = await createApiKey(db.prisma, admin, { name: 'ro', scopes: ['prompts:read'] });
    const response = await call(
      executeRoute.POST,
      '/api/v1/prompts/greet/execute',
      { id: 'greet' },
      { key: readOnly.secret, body: { variables: { who: 'A', times: 1 } } },
    );
    expect(response.status).toBe(403);
  });

  it('serves a unit its sticky experiment variant by label, never for a pinned version; outcomes count once', async () => {
    const store = createPrismaExperimentStore(db.prisma, workspaceId);
    await store.saveExperiment({
      id: 'tone',
      promptId: 'greet',
      variants: [
        { name: 'control', version: 1, weight: 1 },
        { name: 'warm', version: 2, weight: 1 },
      ],
      metric: { kind: 'binary' },
    });
    const seen = new Map<string, { version: number; experiment: { id: string; variant: string } }>();
    for (let unit = 0; unit < 12; unit += 1) {
      const body = (await (await get('greet', `?unitId=u${unit}`)).json()) as {
        version: number;
        experiment: { id: string; variant: string };
      };
      expect(body.experiment.id).toBe('tone');
      expect(body.version).toBe(body.experiment.variant === 'control' ? 1 : 2);
      seen.set(`u${unit}`, body);
    }
    expect(new Set([...seen.values()].map((s) => s.version)).size).toBe(2); // both arms served
    const again = (await (await get('greet', '?unitId=u3')).json()) as { version: number };
    expect(again.version).toBe(seen.get('u3')?.version); // sticky
    const pinned = (await (await get('greet', '?version=1&unitId=u3')).json()) as { experiment: unknown };
    expect(pinned.experiment).toBeNull();

    const rendered = (await (
      await render('greet', { unitId: 'u3', variables: { who: 'A', times: 1 } })
    ).json()) as {
      version: number;
    };
    expect(rendered.version).toBe(seen.get('u3')?.version);

    fake.addRule({ content: 'Say hello to Exp', reply: 'Hi!' });
    const executed = (await (
      await execute('greet', { unitId: 'u3', variables: { who: 'Exp', times: 1 } })
    ).json()) as {
      version: number;
      experiment: { variant: string };
    };
    expect(executed.version).toBe(seen.get('u3')?.version);
    await (await getRunRecorder(workspaceId)).flush();
    const run = await db.prisma.analyticsRun.findFirstOrThrow({
      where: { workspaceId, experimentId: 'tone' },
    });
    expect(run).toMatchObject({ source: 'api', apiKeyId: keyId, variant: executed.experiment.variant });

    const outcome = (body: unknown, key?: string) =>
      call(
        outcomeRoute.POST,
        '/api/v1/experiments/tone/outcomes',
        { id: 'tone' },
        { body, ...(key ? { key } : {}) },
      );
    expect((await outcome({ unitId: 'u3', value: 1 })).status).toBe(201);
    const second = await outcome({ unitId: 'u3', value: 1 });
    expect(second.status).toBe(200);
    expect(await second.json()).toEqual({ recorded: false });
    const unknown = await call(
      outcomeRoute.POST,
      '/api/v1/experiments/nope/outcomes',
      { id: 'nope' },
      {
        body: { unitId: 'u3', value: 1 },
      },
    );
    expect(unknown.status).toBe(404);
    const invalid = await outcome({ unitId: 'u3', value: 'yes' });
    expect(invalid.status).toBe(400);
    const readOnly = await createApiKey(db.prisma, admin, { name: 'ro2', scopes: ['prompts:read'] });
    expect((await outcome({ unitId: 'u4', value: 1 }, readOnly.secret)).status).toBe(403);
    await store.saveExperiment({
      id: 'tone',
      promptId: 'greet',
      variants: [
        { name: 'control', version: 1, weight: 1 },
        { name: 'warm', version: 2, weight: 1 },
      ],
      metric: { kind: 'binary' },
      status: 'stopped',
    });
  });

  it('a revoked key gets 401', async () => {
    const temp = await createApiKey(db.prisma, admin, { name: 'temp', scopes: ['prompts:read'] });
    expect((await get('greet', '', { key: temp.secret })).status).toBe(200);
    await revokeApiKey(db.prisma, admin, temp.key.id);
    expect((await get('greet', '', { key: temp.secret })).status).toBe(401);
  });
});

describe('GET /api/v1/openapi.json', () => {
  it('describes every operation with the request schemas the routes validate with', async () => {
    const response = await openapiRoute.GET(new Request('http://loom.test/api/v1/openapi.json'));
    const doc = (await response.json()) as {
      openapi: string;
      paths: Record<string, Record<string, { parameters?: { name: string }[]; requestBody?: unknown }>>;
    };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/prompts',
        '/api/v1/prompts/{id}',
        '/api/v1/prompts/{id}/render',
        '/api/v1/prompts/{id}/execute',
        '/api/v1/experiments/{id}/outcomes',
        '/api/v1/chat/completions',
      ]),
    );
    expect(doc.paths['/api/v1/prompts/{id}']?.get?.parameters?.map((p) => p.name)).toEqual([
      'id',
      'label',
      'version',
      'unitId',
    ]);
    expect(JSON.stringify(doc.paths['/api/v1/prompts/{id}/execute']?.post?.requestBody)).toContain(
      '"stream"',
    );
  });

  it('describes the OpenAI-compatible endpoint with OpenAI’s error body, not problem objects', async () => {
    const response = await openapiRoute.GET(new Request('http://loom.test/api/v1/openapi.json'));
    const doc = (await response.json()) as {
      paths: Record<string, Record<string, { requestBody?: unknown; responses: Record<string, unknown> }>>;
      components: { schemas: Record<string, unknown> };
    };
    const chat = doc.paths['/api/v1/chat/completions']?.post;
    expect(JSON.stringify(chat?.requestBody)).toContain('"variables"');
    expect(JSON.stringify(chat?.responses['200'])).toContain('chat.completion');
    expect(JSON.stringify(chat?.responses['401'])).toContain('#/components/schemas/OpenAIError');
    expect(JSON.stringify(chat?.responses['422'])).not.toContain('Problem');
    expect(doc.components.schemas.OpenAIError).toBeDefined();
  });
});
