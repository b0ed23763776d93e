// The runtime API as applications meet it: the official `openai` SDK on /api/v1/chat/completions,
// the official `@langfuse/client` on /api/public/v2/prompts, and the Loom SDK (lib/sdk) on the
// REST routes, all over HTTP against the real route handlers, on PostgreSQL and on the embedded
// PGlite, with the loopback fake LLM server as the workspace's provider. Only the database handle
// is injected.
import { LangfuseClient } from '@langfuse/client';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startFakeLlmServer, type FakeLlmServer } from '@/lib/adapters/fake-llm';
import { createPrismaRegistry } from '@/lib/adapters/prisma/registry';
import { createPrismaExperimentStore } from '@/lib/adapters/prisma/experiments';
import { createLoomClient, LoomApiError } from '@/lib/sdk';
import { createTestDatabase, type TestDatabase, type TestDatabaseKind } from '@/test/db';
import { startRouteServer, type RouteServer, type RouteSpec } from '@/test/route-server';

const state = vi.hoisted(() => ({ prisma: undefined as unknown }));
vi.mock('@/lib/server/db', () => ({ getPrisma: async () => state.prisma }));

const keys = await import('@/lib/server/api/keys');
const { createStudioRegistry } = await import('@/lib/server/loom');
const routes = [
  { path: '/api/v1/chat/completions', module: await import('./v1/chat/completions/route') },
  { path: '/api/public/v2/prompts/[name]', module: await import('./public/v2/prompts/[name]/route') },
  { path: '/api/v1/prompts/[id]', module: await import('./v1/prompts/[id]/route') },
  { path: '/api/v1/prompts/[id]/execute', module: await import('./v1/prompts/[id]/execute/route') },
  { path: '/api/v1/experiments/[id]/outcomes', module: await import('./v1/experiments/[id]/outcomes/route') },
];

let db: TestDatabase;
let fake: FakeLlmServer;
let server: RouteServer;
let workspaceId: string;
let key: { id: string; secret: string };
const admin = { userId: 'u1', email: 'admin@x.test', workspaceId: '' };

const SUPPORT = {
  id: 'support-reply',
  version: 0,
  name: 'Support reply',
  tags: ['support'],
  system: 'You support {{ product }}.',
  user: 'Customer {{ customer_name }} writes: {{ message }}',
  variables: [
    { name: 'customer_name', type: 'string' as const, required: true },
    { name: 'message', type: 'string' as const, required: true },
    { name: 'product', type: 'string' as const, default: 'Loom' },
  ],
  model: { provider: 'simulator', model: 'gpt-4o-mini', temperature: 0.3, maxTokens: 400 },
};
const V2_USER = 'Customer {{ customer_name }} writes: {{ message }}{% if urgent %} (urgent){% endif %}';

const openai = () => new OpenAI({ baseURL: `${server.url}/api/v1`, apiKey: key.secret, maxRetries: 0 });
const langfuse = (secret = key.secret) =>
  new LangfuseClient({ baseUrl: server.url, publicKey: key.id, secretKey: secret });
const VARIABLES = { customer_name: 'Ann', message: 'My invoice is wrong' };
/** Loom's extension of the request: the SDK sends unknown fields as they are; its types do not know them. */
const withVariables = (variables: Record<string, unknown>) => ({ variables }) as object;

/** The simulator's address is read once per process: one fake LLM server serves both databases. */
beforeAll(async () => {
  fake = await startFakeLlmServer();
  process.env.LOOM_SIMULATOR_URL = fake.url;
});
afterAll(() => fake.close());

describe.each<TestDatabaseKind>(['postgres', 'pglite'])('on %s', (kind) => {
  beforeAll(async () => {
    db = await createTestDatabase({ kind });
    state.prisma = db.prisma;
    workspaceId = (await db.prisma.workspace.create({ data: { slug: 'w', name: 'W' } })).id;
    admin.workspaceId = workspaceId;
    await db.prisma.providerConfig.create({
      data: {
        workspaceId,
        name: 'simulator',
        kind: 'openai',
        isSimulator: true,
        baseUrl: 'http://stale:1/v1',
      },
    });
    const registry = createPrismaRegistry(db.prisma, workspaceId);
    await registry.save(SUPPORT, { author: 'admin@x.test', message: 'first' });
    await registry.save(
      {
        ...SUPPORT,
        user: V2_USER,
        variables: [...SUPPORT.variables, { name: 'urgent', type: 'boolean' as const }],
      },
      { author: 'admin@x.test', message: 'urgency' },
    );
    await registry.setLabel('support-reply', 'production', 1);
    const created = await keys.createApiKey(db.prisma, admin, {
      name: 'App',
      scopes: ['prompts:read', 'prompts:execute', 'experiments:write'],
    });
    key = { id: created.key.id, secret: created.secret };
    server = await startRouteServer(
      routes.map(({ path, module }) => ({ path, handlers: module as unknown as RouteSpec['handlers'] })),
    );
  });
  afterAll(async () => {
    await server.close();
    await db.close();
  });

  describe('OpenAI-compatible chat completions, through the official openai SDK', () => {
    it('executes the production version with variables and appends the messages sent', async () => {
      const before = fake.requests.length;
      const completion = await openai().chat.completions.create({
        model: 'support-reply',
        messages: [{ role: 'user', content: 'Also: thanks!' }],
        ...withVariables(VARIABLES),
      });
      expect(completion.object).toBe('chat.completion');
      expect(completion.id).toMatch(/^chatcmpl-/);
      expect(completion.choices[0]?.message).toMatchObject({ role: 'assistant' });
      expect(completion.choices[0]?.message.content).toBe('Simulated reply to: Also: thanks!');
      expect(completion.choices[0]?.finish_reason).toBe('stop');
      expect(completion.usage?.total_tokens).toBe(
        (completion.usage?.prompt_tokens ?? 0) + (completion.usage?.completion_tokens ?? 0),
      );
      expect(completion).toMatchObject({ loom: { promptId: 'support-reply', version: 1 } });
      const sent = fake.requests.slice(before).find((r) => r.path.endsWith('/chat/completions'));
      expect(sent?.body).toMatchObject({
        model: 'gpt-4o-mini',
        temperature: 0.3,
        messages: [
          { role: 'system', content: 'You support Loom.' },
          { role: 'user', content: 'Customer Ann writes: My invoice is wrong' },
          { role: 'user', content: 'Also: thanks!' },
        ],
      });
      // A run record of source `api` with the key, like the REST execute.
      await vi.waitFor(
        async () => {
          const runs = await db.prisma.analyticsRun.findMany({ where: { workspaceId, apiKeyId: key.id } });
          expect(runs.length).toBeGreaterThan(0);
          expect(runs[0]).toMatchObject({ source: 'api', promptId: 'support-reply', version: 1 });
        },
        { timeout: 5_000 },
      );
    });

    it('selects a version with id@v2 and a label with id@label, and honours sampling settings', async () => {
      const before = fake.requests.length;
      const completion = await openai().chat.completions.create({
        model: 'support-reply@v2',
        messages: [],
        temperature: 0,
        max_tokens: 3,
        ...withVariables({ ...VARIABLES, urgent: true }),
      });
      expect(completion).toMatchObject({ loom: { version: 2 } });
      expect(completion.choices[0]?.finish_reason).toBe('length');
      const sent = fake.requests.slice(before).find((r) => r.path.endsWith('/chat/completions'));
      expect(sent?.body).toMatchObject({
        temperature: 0,
        max_tokens: 3,
        messages: [
          expect.anything(),
          { role: 'user', content: 'Customer Ann writes: My invoice is wrong (urgent)' },
        ],
      });
      const latest = await openai().chat.completions.create({
        model: 'support-reply@latest',
        messages: [],
        ...withVariables(VARIABLES),
      });
      expect(latest).toMatchObject({ loom: { version: 2 } });
    });

    it('streams chunks in OpenAI shape, with the usage chunk when asked', async () => {
      const stream = await openai().chat.completions.create({
        model: 'support-reply',
        messages: [],
        stream: true,
        stream_options: { include_usage: true },
        ...withVariables(VARIABLES),
      });
      let text = '';
      const chunks: OpenAI.ChatCompletionChunk[] = [];
      for await (const chunk of stream) {
        chunks.push(chunk);
        text += chunk.choices[0]?.delta.content ?? '';
      }
      expect(text).toBe('Simulated reply to: Customer Ann writes: My invoice is wrong');
      expect(chunks[0]?.choices[0]?.delta.role).toBe('assistant');
      expect(chunks.every((c) => c.object === 'chat.completion.chunk' && c.id === chunks[0]?.id)).toBe(true);
      const finish = chunks.at(-2);
      expect(finish?.choices[0]?.finish_reason).toBe('stop');
      const usage = chunks.at(-1);
      expect(usage?.choices).toEqual([]);
      expect(usage?.usage?.completion_tokens).toBeGreaterThan(0);
    });

    it('answers errors in OpenAI shape, raised as the SDK error classes', async () => {
      const client = openai();
      const unknown = await client.chat.completions
        .create({ model: 'no-such-prompt', messages: [] })
        .catch((e: unknown) => e);
      expect(unknown).toBeInstanceOf(OpenAI.NotFoundError);
      expect(unknown).toMatchObject({
        status: 404,
        code: 'model_not_found',
        param: 'model',
        type: 'invalid_request_error',
      });
      expect((unknown as Error).message).toContain('Prompt "no-such-prompt" not found');

      const unknownLabel = await client.chat.completions
        .create({ model: 'support-reply@staging', messages: [] })
        .catch((e: unknown) => e);
      expect(unknownLabel).toBeInstanceOf(OpenAI.NotFoundError);
      expect((unknownLabel as Error).message).toContain('has no label "staging"');

      const badVariables = await client.chat.completions
        .create({
          model: 'support-reply',
          messages: [],
          ...withVariables({ customer_name: 'Ann' }),
        })
        .catch((e: unknown) => e);
      expect(badVariables).toBeInstanceOf(OpenAI.UnprocessableEntityError);
      expect(badVariables).toMatchObject({ status: 422, param: 'variables.message' });

      const badRequest = await client.chat.completions
        .create({ model: 'support-reply', messages: [], temperature: 7 })
        .catch((e: unknown) => e);
      expect(badRequest).toBeInstanceOf(OpenAI.BadRequestError);
      expect(badRequest).toMatchObject({ status: 400, param: 'temperature', type: 'invalid_request_error' });

      const badKey = await new OpenAI({
        baseURL: `${server.url}/api/v1`,
        apiKey: 'loom_sk_nope',
        maxRetries: 0,
      }).chat.completions
        .create({ model: 'support-reply', messages: [] })
        .catch((e: unknown) => e);
      expect(badKey).toBeInstanceOf(OpenAI.AuthenticationError);
      expect(badKey).toMatchObject({ status: 401, code: 'invalid_api_key' });
    });
  });

  describe('provider failures and unsupported parameters, through the official openai SDK', () => {
    beforeAll(async () => {
      fake.addRule({
        model: 'broken-model',
        fault: { kind: 'status', status: 500, message: 'upstream exploded' },
      });
      fake.addRule({ model: 'dropping-model', fault: { kind: 'drop-connection', afterChunks: 1 } });
      const registry = createPrismaRegistry(db.prisma, workspaceId);
      for (const [id, model] of [
        ['broken', 'broken-model'],
        ['dropping', 'dropping-model'],
      ] as const) {
        await registry.save({
          id,
          version: 0,
          name: id,
          user: 'Say hi',
          model: { provider: 'simulator', model },
        });
        await registry.setLabel(id, 'production', 1);
      }
    });

    it('answers a provider error with its status and a clear message, never a stack trace', async () => {
      const error = await openai()
        .chat.completions.create({ model: 'broken', messages: [] })
        .catch((e: unknown) => e);
      // The simulator's 500 is the provider being unavailable: 503, with the provider's message.
      expect(error).toBeInstanceOf(OpenAI.InternalServerError);
      expect(error).toMatchObject({ status: 503, type: 'api_error', code: 'unavailable' });
      expect((error as Error).message).toContain('upstream exploded');
      expect((error as Error).message).not.toMatch(/at .*\.ts:\d+/);
    });

    it('ends a stream that fails midway with an error the SDK raises', async () => {
      const stream = await openai().chat.completions.create({
        model: 'dropping',
        messages: [],
        stream: true,
      });
      const error = await (async () => {
        for await (const _chunk of stream) {
          // drain
        }
      })().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OpenAI.APIError);
      expect((error as { error: { type: string } }).error.type).toBe('api_error');
    });

    it('refuses parameters it cannot honour, by name', async () => {
      const error = await openai()
        .chat.completions.create({
          model: 'support-reply',
          messages: [],
          tools: [{ type: 'function', function: { name: 'f', parameters: {} } }],
          ...withVariables(VARIABLES),
        })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OpenAI.BadRequestError);
      expect(error).toMatchObject({ param: 'tools' });
      expect((error as Error).message).toContain('"tools" is not supported by managed prompts');
    });
  });

  describe('Langfuse-compatible prompt fetch, through the official @langfuse/client', () => {
    it('gets a prompt with Basic auth and compiles it as Loom renders it', async () => {
      const prompt = await langfuse().prompt.get('support-reply', { type: 'chat', cacheTtlSeconds: 0 });
      expect(prompt.version).toBe(1);
      expect(prompt.labels).toEqual(['production']);
      expect(prompt.config).toMatchObject({ model: 'gpt-4o-mini', temperature: 0.3, max_tokens: 400 });
      expect(prompt.compile({ customer_name: 'Bo', message: 'Hi' })).toEqual([
        { role: 'system', content: 'You support Loom.' },
        { role: 'user', content: 'Customer Bo writes: Hi' },
      ]);
      expect(prompt.compile({ customer_name: 'Bo', message: 'Hi', product: 'Acme' })[0]).toEqual({
        role: 'system',
        content: 'You support Acme.',
      });
    });

    it('refuses a version whose Liquid the client would compile differently, naming the construct', async () => {
      const error = await langfuse()
        .prompt.get('support-reply', { version: 2, cacheTtlSeconds: 0 })
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ statusCode: 422 });
      const body = (error as { body: { message: string; error: string; details: unknown } }).body;
      expect(body.error).toBe('LANGFUSE_INCOMPATIBLE');
      expect(body.message).toContain(
        'uses `{% if %}` in its user template (line 1, column 51): a Liquid tag',
      );
      expect(body.details).toEqual({ construct: '`{% if %}`', template: 'user', line: 1, column: 51 });
    });

    it('answers 404 for an unknown prompt and 401 for a wrong secret', async () => {
      const missing = await langfuse()
        .prompt.get('nothing-here', { cacheTtlSeconds: 0, maxRetries: 0 })
        .catch((e: unknown) => e);
      expect(missing).toMatchObject({ statusCode: 404 });
      const wrong = await langfuse('loom_sk_' + 'x'.repeat(43))
        .prompt.get('support-reply', { cacheTtlSeconds: 0, maxRetries: 0 })
        .catch((e: unknown) => e);
      expect(wrong).toMatchObject({ statusCode: 401 });
    });
  });

  describe('the Loom SDK against the running routes', () => {
    it('gets, renders locally, executes and streams', async () => {
      const loom = createLoomClient({ baseUrl: server.url, apiKey: key.secret });
      const prompt = await loom.getPrompt('support-reply');
      expect([prompt.version, prompt.labels, prompt.source]).toEqual([1, ['production'], 'studio']);
      expect((await prompt.render(VARIABLES)).messages.at(-1)?.content).toBe(
        'Customer Ann writes: My invoice is wrong',
      );
      const result = await loom.execute('support-reply', { variables: VARIABLES, version: 2 });
      expect(result).toMatchObject({
        id: 'support-reply',
        version: 2,
        provider: 'simulator',
        experiment: null,
      });
      expect(result.output).toBe('Simulated reply to: Customer Ann writes: My invoice is wrong');
      const events = [];
      for await (const event of loom.stream('support-reply', { variables: VARIABLES }))
        events.push(event.type);
      expect(events[0]).toBe('start');
      expect(events.at(-1)).toBe('done');
      expect(events).toContain('delta');
    });

    it('sees a promotion once its cache TTL has passed', async () => {
      const loom = createLoomClient({ baseUrl: server.url, apiKey: key.secret, cache: { ttlMs: 200 } });
      expect((await loom.getPrompt('support-reply')).version).toBe(1);
      await createStudioRegistry(db.prisma, workspaceId).setLabel('support-reply', 'staging', 2);
      await createStudioRegistry(db.prisma, workspaceId).setLabel('support-reply', 'production', 2);
      await expect
        .poll(async () => (await loom.getPrompt('support-reply')).version, { timeout: 5_000 })
        .toBe(2);
      await createStudioRegistry(db.prisma, workspaceId).setLabel('support-reply', 'production', 1);
    });

    it('serves the experiment variant for a unit and records its outcome', async () => {
      await createPrismaExperimentStore(db.prisma, workspaceId).saveExperiment({
        id: 'exp-support',
        promptId: 'support-reply',
        variants: [
          { name: 'control', version: 1, weight: 1 },
          { name: 'urgency', version: 2, weight: 1 },
        ],
        metric: { kind: 'binary' },
      });
      const loom = createLoomClient({ baseUrl: server.url, apiKey: key.secret });
      const served = await Promise.all(
        ['u1', 'u2', 'u3', 'u4', 'u5', 'u6'].map((unitId) => loom.getPrompt('support-reply', { unitId })),
      );
      for (const prompt of served) {
        expect(prompt.experiment?.id).toBe('exp-support');
        expect(prompt.version).toBe(prompt.experiment?.variant === 'control' ? 1 : 2);
      }
      const again = await createLoomClient({ baseUrl: server.url, apiKey: key.secret }).getPrompt(
        'support-reply',
        { unitId: 'u1' },
      );
      expect(again.experiment).toEqual(served[0]?.experiment); // sticky
      expect(await loom.recordOutcome({ experimentId: 'exp-support', unitId: 'u1', value: 1 })).toEqual({
        recorded: true,
      });
      expect(await loom.recordOutcome({ experimentId: 'exp-support', unitId: 'u1', value: 1 })).toEqual({
        recorded: false,
      });
      await createPrismaExperimentStore(db.prisma, workspaceId).saveExperiment({
        id: 'exp-support',
        promptId: 'support-reply',
        variants: [
          { name: 'control', version: 1, weight: 1 },
          { name: 'urgency', version: 2, weight: 1 },
        ],
        metric: { kind: 'binary' },
        status: 'stopped',
      });
    });

    it('throws LoomApiError with the problem details, and 401 once the key is revoked', async () => {
      const loom = createLoomClient({ baseUrl: server.url, apiKey: key.secret, retry: { retries: 0 } });
      const invalid = (await loom
        .execute('support-reply', { variables: {} })
        .catch((e: unknown) => e)) as LoomApiError;
      expect(invalid).toBeInstanceOf(LoomApiError);
      expect([invalid.status, invalid.code]).toEqual([422, 'MISSING_VARIABLES']);
      expect(invalid.errors.map((e) => e.path)).toEqual([
        'body.variables.customer_name',
        'body.variables.message',
      ]);

      await keys.revokeApiKey(db.prisma, admin, key.id);
      const revoked = await loom.getPrompt('support-reply', { label: 'latest' }).catch((e: unknown) => e);
      expect(revoked).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
      const viaOpenAI = await openai()
        .chat.completions.create({ model: 'support-reply', messages: [] })
        .catch((e: unknown) => e);
      expect(viaOpenAI).toBeInstanceOf(OpenAI.AuthenticationError);
      const viaLangfuse = await langfuse()
        .prompt.get('support-reply', { label: 'latest', cacheTtlSeconds: 0, maxRetries: 0 })
        .catch((e: unknown) => e);
      expect(viaLangfuse).toMatchObject({ statusCode: 401 });
    });
  });
});
