// The SDK against a scripted fetch: caching (TTL, stale-while-revalidate, ETag), fallbacks,
// retries with backoff and Retry-After, typed errors and local rendering. Its behaviour against
// the running studio is tested in app/api/v1/sdk.test.ts.
import { describe, expect, it } from 'vitest';
import { createLoomClient, LoomApiError, LoomConnectionError, type LoomClientOptions } from '.';

const PROMPT = {
  id: 'greet',
  version: 2,
  name: 'Greet',
  system: 'Be brief.',
  user: 'Hello {{ who }}{% if excited %}!{% endif %}',
  variables: [
    { name: 'who', type: 'string', required: true },
    { name: 'excited', type: 'boolean', default: false },
  ],
  createdAt: '2026-12-01T10:00:00.000Z',
};

type Handler = (url: URL, init: RequestInit) => Response | Promise<Response>;

function harness(handlers: Handler[], options: Partial<LoomClientOptions> = {}) {
  let clock = 1_000_000;
  const sleeps: number[] = [];
  const requests: { url: URL; init: RequestInit }[] = [];
  const fetch = async (input: string | URL | Request, init: RequestInit = {}) => {
    const url = new URL(String(input));
    requests.push({ url, init });
    const handler = handlers.shift();
    if (!handler) throw new Error(`unexpected request ${url.href}`);
    return handler(url, init);
  };
  const client = createLoomClient({
    baseUrl: 'http://studio.test/',
    apiKey: 'loom_sk_test',
    fetch: fetch as typeof globalThis.fetch,
    now: () => clock,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    cache: { ttlMs: 1_000, staleMs: 10_000 },
    ...options,
  });
  return { client, requests, sleeps, advance: (ms: number) => (clock += ms), pending: () => handlers.length };
}

const promptResponse =
  (version = 2, etag = `"v${version}"`) =>
  () =>
    Response.json({ prompt: { ...PROMPT, version }, version, labels: ['production'] }, { headers: { etag } });
const refused = () => {
  throw new TypeError('fetch failed: ECONNREFUSED');
};
const problem =
  (status: number, code: string, headers: Record<string, string> = {}) =>
  () =>
    Response.json({ status, code, title: code, detail: `${code} happened` }, { status, headers });

describe('createLoomClient', () => {
  it('fetches with the key, renders locally with the studio engine, and serves from cache within the TTL', async () => {
    const { client, requests } = harness([promptResponse()]);
    const prompt = await client.getPrompt('greet');
    expect(requests[0]?.url.href).toBe('http://studio.test/api/v1/prompts/greet');
    expect(new Headers(requests[0]?.init.headers).get('authorization')).toBe('Bearer loom_sk_test');
    expect([prompt.id, prompt.version, prompt.labels, prompt.source]).toEqual([
      'greet',
      2,
      ['production'],
      'studio',
    ]);
    expect((await prompt.render({ who: 'Ann', excited: 'on' })).messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hello Ann!' },
    ]);
    expect((await client.render('greet', { who: 'Bo' })).user).toBe('Hello Bo');
    expect(requests).toHaveLength(1);
  });

  it('serves a stale prompt at once while one background refresh asks with its ETag', async () => {
    const { client, requests, advance } = harness([
      promptResponse(2),
      () => new Response(null, { status: 304 }),
      promptResponse(3),
    ]);
    await client.getPrompt('greet');
    advance(1_500);
    const [a, b] = await Promise.all([client.getPrompt('greet'), client.getPrompt('greet')]);
    expect([a.source, b.source, a.version]).toEqual(['stale', 'stale', 2]);
    await new Promise((r) => setTimeout(r, 0));
    expect(requests).toHaveLength(2); // one refresh for both callers
    expect(new Headers(requests[1]?.init.headers).get('if-none-match')).toBe('"v2"');
    expect((await client.getPrompt('greet')).source).toBe('cache'); // 304 made it fresh again
    advance(1_500);
    await client.getPrompt('greet');
    await new Promise((r) => setTimeout(r, 0));
    expect((await client.getPrompt('greet')).version).toBe(3);
  });

  it('waits for the studio once the stale window has passed, and keeps the old prompt if it is down', async () => {
    const { client, advance } = harness([promptResponse(2), refused, refused, refused]);
    await client.getPrompt('greet');
    advance(20_000);
    const prompt = await client.getPrompt('greet');
    expect([prompt.source, prompt.version]).toEqual(['stale', 2]);
  });

  it('keys the cache by label, version and experiment unit', async () => {
    const { client, requests } = harness([promptResponse(1), promptResponse(2), promptResponse(2)]);
    await client.getPrompt('greet', { version: 1 });
    await client.getPrompt('greet', { label: 'staging' });
    await client.getPrompt('greet', { unitId: 'user 7' });
    await client.getPrompt('greet', { version: 1 });
    expect(requests.map((r) => r.url.search)).toEqual(['?version=1', '?label=staging', '?unitId=user+7']);
  });

  it('uses the fallback only when the studio is unreachable and nothing is cached', async () => {
    const { client, sleeps } = harness([refused, refused, refused, problem(404, 'NOT_FOUND')]);
    const fallback = await client.getPrompt('greet', {
      fallback: { user: 'Hi {{ who }}', variables: [{ name: 'who', type: 'string' }] },
    });
    expect([fallback.source, fallback.version]).toEqual(['fallback', 0]);
    expect((await fallback.render({ who: 'Cy' })).user).toBe('Hi Cy');
    expect(sleeps).toEqual([125, 250]); // full jitter (random 0.5) of 250 ms, then 500 ms
    const notFound = await client.getPrompt('nope', { fallback: { user: 'x' } }).catch((e: unknown) => e);
    expect(notFound).toBeInstanceOf(LoomApiError);
    expect(notFound).toMatchObject({ status: 404, code: 'NOT_FOUND', message: 'NOT_FOUND happened' });
  });

  it('throws LoomConnectionError when unreachable with no fallback', async () => {
    const { client } = harness([refused, refused, refused]);
    await expect(client.getPrompt('greet')).rejects.toBeInstanceOf(LoomConnectionError);
  });

  it('retries 5xx and 429 honouring Retry-After, and gives up past maxRetryAfterMs', async () => {
    const { client, sleeps } = harness([
      problem(503, 'UNAVAILABLE', { 'retry-after': '2' }),
      problem(429, 'RATE_LIMITED', { 'retry-after': '1' }),
      promptResponse(),
    ]);
    expect((await client.getPrompt('greet')).version).toBe(2);
    expect(sleeps).toEqual([2_000, 1_000]);

    const slow = harness([problem(429, 'RATE_LIMITED', { 'retry-after': '120' })]);
    const error = await slow.client.getPrompt('greet').catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 429, code: 'RATE_LIMITED', retryAfterMs: 120_000 });
    expect(slow.sleeps).toEqual([]);
  });

  it('does not retry a refusal, and exposes the problem details', async () => {
    const { client, requests } = harness([
      () =>
        Response.json(
          {
            status: 422,
            code: 'MISSING_VARIABLES',
            title: 'Invalid variables',
            detail: 'Missing who',
            errors: [{ path: 'body.variables.who', message: 'required' }],
          },
          { status: 422, headers: { 'content-type': 'application/problem+json' } },
        ),
    ]);
    const error = (await client.execute('greet').catch((e: unknown) => e)) as LoomApiError;
    expect(requests).toHaveLength(1);
    expect([error.status, error.code, error.message]).toEqual([422, 'MISSING_VARIABLES', 'Missing who']);
    expect(error.errors).toEqual([{ path: 'body.variables.who', message: 'required' }]);
  });

  it('streams server-sent events split anywhere across chunks', async () => {
    const result = {
      output: 'Hi!',
      id: 'greet',
      version: 2,
      model: 'm',
      usage: { inputTokens: 3, outputTokens: 2 },
    };
    const text = `event: start\ndata: {"id":"greet","version":2}\n\nevent: delta\r\ndata: {"text":"Hi"}\r\n\r\n: keep-alive\n\nevent: delta\ndata: {"text":"!"}\n\nevent: done\ndata: ${JSON.stringify(result)}\n\n`;
    const bytes = new TextEncoder().encode(text);
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 7) controller.enqueue(bytes.slice(i, i + 7));
        controller.close();
      },
    });
    const { client, requests } = harness([
      () => new Response(body, { headers: { 'content-type': 'text/event-stream' } }),
    ]);
    const events = [];
    for await (const event of client.stream('greet', { variables: { who: 'A' }, unitId: 'u1' }))
      events.push(event);
    expect(events).toEqual([
      { type: 'start', id: 'greet', version: 2 },
      { type: 'delta', text: 'Hi' },
      { type: 'delta', text: '!' },
      { type: 'done', result },
    ]);
    expect(JSON.parse(String(requests[0]?.init.body))).toEqual({
      variables: { who: 'A' },
      unitId: 'u1',
      stream: true,
    });
  });

  it('turns an error event mid-stream into a LoomApiError', async () => {
    const body =
      'event: delta\ndata: {"text":"a"}\n\nevent: error\ndata: {"status":504,"code":"TIMEOUT","detail":"slow"}\n\n';
    const { client } = harness([() => new Response(body)]);
    const seen: unknown[] = [];
    const error = await (async () => {
      for await (const event of client.stream('greet')) seen.push(event);
    })().catch((e: unknown) => e);
    expect(seen).toEqual([{ type: 'delta', text: 'a' }]);
    expect(error).toMatchObject({ status: 504, code: 'TIMEOUT', message: 'slow' });
  });

  it('refuses a base URL that is not http(s) and a missing key', () => {
    expect(() => createLoomClient({ baseUrl: 'studio.test', apiKey: 'k' })).toThrow(/baseUrl must be/);
    expect(() => createLoomClient({ baseUrl: 'http://s', apiKey: '' })).toThrow(/apiKey is required/);
  });
});
