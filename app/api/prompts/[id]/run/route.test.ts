// The playground's SSE route against a real PostgreSQL database and the loopback fake LLM server
// configured as the workspace's simulator; only the session is faked.
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { startFakeLlmServer, type FakeLlmServer } from '@/lib/adapters/fake-llm';
import { createPrismaRegistry } from '@/lib/adapters/prisma/registry';
import type { Viewer } from '@/lib/server/auth/session';
import { createTestDatabase, type TestDatabase } from '@/test/db';
import { testViewer } from '@/test/viewer';

const session = vi.hoisted(() => ({ viewer: null as Viewer | null, prisma: undefined as unknown }));
vi.mock('@/lib/server/auth/session', () => ({ getViewer: async () => session.viewer }));
vi.mock('@/lib/server/db', () => ({ getPrisma: async () => session.prisma }));

const { POST } = await import('./route');
const { getRunRecorder } = await import('@/lib/server/runs');

interface Event {
  type: string;
  [key: string]: unknown;
}

let db: TestDatabase;
let fake: FakeLlmServer;
let workspaceId: string;

const PROMPT = {
  id: 'greet',
  version: 0,
  name: 'Greet',
  system: 'You are terse.',
  user: 'Say hello to {{ who }}',
  variables: [{ name: 'who', type: 'string' as const, required: true }],
  model: { provider: 'simulator', model: 'gpt-4o-mini' },
};

beforeAll(async () => {
  [db, fake] = await Promise.all([createTestDatabase({ kind: 'postgres' }), startFakeLlmServer()]);
  process.env.LOOM_SIMULATOR_URL = fake.url; // read once, on the first provider lookup below
  fake.addRule({ model: 'slow-model', chunkDelayMs: 300 });
  session.prisma = db.prisma;
  workspaceId = (await db.prisma.workspace.create({ data: { slug: 'w', name: 'W' } })).id;
  await db.prisma.providerConfig.create({
    data: { workspaceId, name: 'simulator', kind: 'openai', isSimulator: true, baseUrl: 'http://stale:1/v1' },
  });
  await createPrismaRegistry(db.prisma, workspaceId).save(PROMPT, {
    author: 'boss@x.test',
    message: 'first',
  });
});
afterAll(async () => {
  await fake.close();
  await db.close();
});

function as(role: Viewer['role']) {
  session.viewer = testViewer(workspaceId, role);
}
beforeEach(() => as('editor'));

/** What the playground sends: a same-origin JSON POST with the session cookie. */
const PLAYGROUND_HEADERS = {
  'content-type': 'application/json',
  origin: 'http://127.0.0.1',
  'sec-fetch-site': 'same-origin',
  cookie: 'next-auth.session-token=x',
};

function post(
  body: unknown,
  init: { signal?: AbortSignal; id?: string; headers?: Record<string, string> } = {},
) {
  const id = init.id ?? 'greet';
  return POST(
    new Request(`http://127.0.0.1/api/prompts/${id}/run`, {
      method: 'POST',
      headers: { ...PLAYGROUND_HEADERS, ...init.headers },
      body: typeof body === 'string' || body instanceof ReadableStream ? body : JSON.stringify(body),
      ...(init.signal ? { signal: init.signal } : {}),
      duplex: 'half',
    } as RequestInit),
    { params: Promise.resolve({ id }) },
  );
}

/** Parses `event:`/`data:` frames as they arrive. */
async function* events(response: Response): AsyncGenerator<Event> {
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value;
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = frame.split('\n').find((line) => line.startsWith('data: '));
        if (data) yield JSON.parse(data.slice(6)) as Event;
      }
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

async function collect(response: Response): Promise<Event[]> {
  const all: Event[] = [];
  for await (const event of events(response)) all.push(event);
  return all;
}

async function storedRuns() {
  await (await getRunRecorder(workspaceId)).flush();
  return db.prisma.analyticsRun.findMany({ where: { workspaceId }, orderBy: { id: 'asc' } });
}

describe('POST /api/prompts/[id]/run', () => {
  it('streams a saved version through the simulator and records the run', async () => {
    const response = await post({ source: { kind: 'version', version: 1 }, input: { who: 'Ada' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const all = await collect(response);
    expect(all[0]).toEqual({
      type: 'start',
      promptId: 'greet',
      version: 1,
      provider: 'simulator',
      model: 'gpt-4o-mini',
      // What the provider is sent, shown in the playground beside the answer.
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: 'Say hello to Ada' },
      ],
    });
    const deltas = all.filter((e) => e.type === 'delta');
    expect(deltas.length).toBeGreaterThan(2);
    expect(deltas.map((e) => e.text).join('')).toBe('Simulated reply to: Say hello to Ada');
    expect(all.at(-1)).toMatchObject({
      type: 'done',
      inputTokens: 7,
      outputTokens: 7,
      costMicros: expect.any(Number),
      model: 'gpt-4o-mini',
      finishReason: 'stop',
    });
    expect((all.at(-1)?.costMicros as number) > 0).toBe(true);

    const runs = await storedRuns();
    expect(runs).toEqual([
      expect.objectContaining({
        promptId: 'greet',
        version: 1,
        provider: 'simulator',
        success: true,
        inputTokens: 7,
      }),
    ]);
  });

  it('runs an unsaved draft with a model override', async () => {
    const draft = { ...PROMPT, user: 'Wave at {{ who }} twice', createdAt: '2026-01-01T00:00:00Z' };
    const all = await collect(
      await post({ source: { kind: 'draft', draft }, input: { who: 'Grace' }, model: 'gpt-4o' }),
    );
    expect(all[0]).toMatchObject({
      version: 0,
      model: 'gpt-4o',
      messages: [expect.anything(), { role: 'user', content: 'Wave at Grace twice' }],
    });
    expect(
      all
        .filter((e) => e.type === 'delta')
        .map((e) => e.text)
        .join(''),
    ).toBe('Simulated reply to: Wave at Grace twice');
    expect((await storedRuns()).at(-1)).toMatchObject({ version: 0, model: 'gpt-4o', success: true });
  });

  it('answers 422 with the field at fault for an invalid draft or request, before streaming', async () => {
    const invalid = await post({
      source: { kind: 'draft', draft: { ...PROMPT, variables: [{ name: '1x', type: 'string' }] } },
    });
    expect(invalid.status).toBe(422);
    expect(await invalid.json()).toMatchObject({
      code: 'INVALID_INPUT',
      issues: [expect.objectContaining({ path: 'variables.0.name' })],
    });
    const otherPrompt = await post({ source: { kind: 'draft', draft: { ...PROMPT, id: 'other' } } });
    expect(await otherPrompt.json()).toMatchObject({ code: 'INVALID_INPUT', issues: [{ path: 'id' }] });
    expect((await post({ source: { kind: 'version', version: 0 } })).status).toBe(422);
    expect((await post('{not json')).status).toBe(400);
    expect((await post({ source: { kind: 'version', version: 9 } })).status).toBe(404);
  });

  it('reports a missing variable as an error event naming it', async () => {
    const all = await collect(await post({ source: { kind: 'version', version: 1 }, input: {} }));
    expect(all[0]).not.toHaveProperty('messages');
    expect(all.at(-1)).toMatchObject({
      type: 'error',
      code: 'MISSING_VARIABLES',
      message: expect.stringContaining('who'),
    });
  });

  it('stops a draft whose template would hold the server, saying it took too long and where', async () => {
    const draft = {
      ...PROMPT,
      user: 'Hi {{ who }}\n{% for a in items %}{% for b in items %}{% for c in items %}{% endfor %}{% endfor %}{% endfor %}',
      variables: [...PROMPT.variables, { name: 'items', type: 'list' as const, required: true }],
    };
    const items = JSON.stringify(Array.from({ length: 1_000 }, (_, i) => i));
    const started = performance.now();
    const all = await collect(await post({ source: { kind: 'draft', draft }, input: { who: 'Ada', items } }));
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(all.at(-1)).toMatchObject({
      type: 'error',
      code: 'TEMPLATE_LIMIT',
      message: expect.stringMatching(/^Template user took longer than 80 ms to render; it stopped at line 2/),
    });
  });

  it('names an unconfigured provider', async () => {
    const response = await post({
      source: { kind: 'version', version: 1 },
      input: { who: 'x' },
      provider: 'openai',
    });
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringContaining('"openai"'),
    });
  });

  it('refuses a cross-site post, even one a form or text/plain fetch could send, before running', async () => {
    const before = fake.requests.length;
    const run = { source: { kind: 'version', version: 1 }, input: { who: 'x' } };
    const forged = await post(run, {
      headers: {
        origin: 'https://evil.example',
        'sec-fetch-site': 'cross-site',
        'content-type': 'text/plain',
      },
    });
    expect(forged.status).toBe(403);
    expect(await forged.json()).toMatchObject({
      code: 'FORBIDDEN',
      message: expect.stringContaining('evil.example'),
    });
    const textPlain = await post(run, { headers: { 'content-type': 'text/plain;charset=UTF-8' } });
    expect(textPlain.status).toBe(415);
    expect(fake.requests.length).toBe(before);
  });

  it('refuses a body over the cap while it streams, without reading the rest', async () => {
    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        controller.enqueue(new TextEncoder().encode(' '.repeat(64 * 1024)));
      },
    });
    const response = await post(endless);
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({
      code: 'PAYLOAD_TOO_LARGE',
      message: expect.stringMatching(/larger than \d+(\.\d)? MB/),
    });
    expect(pulled * 64 * 1024).toBeLessThan(4 * 1024 * 1024);
  });

  it('refuses viewers', async () => {
    as('viewer');
    const response = await post({ source: { kind: 'version', version: 1 }, input: { who: 'x' } });
    expect(response.status).toBe(403);
  });

  it('stops the provider call when the client goes away, and records it as cancelled', async () => {
    const before = fake.requests.length;
    const client = new AbortController();
    const response = await post(
      { source: { kind: 'version', version: 1 }, input: { who: 'a slow listener' }, model: 'slow-model' },
      { signal: client.signal },
    );
    const seen: Event[] = [];
    for await (const event of events(response)) {
      seen.push(event);
      if (event.type === 'delta') {
        client.abort();
        break;
      }
    }
    expect(seen.map((e) => e.type)).toEqual(['start', 'delta']);
    await vi.waitFor(async () => {
      expect((await storedRuns()).at(-1)).toMatchObject({
        model: 'slow-model',
        success: false,
        errorKind: 'CANCELLED',
      });
    });
    // The whole reply takes 6 × 300 ms of chunk delays; the cancelled call ended right after the first.
    expect((await storedRuns()).at(-1)?.latencyMs).toBeLessThan(1_000);
    expect(fake.requests.length).toBe(before + 1);
  });
});
