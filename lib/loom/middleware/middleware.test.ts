import { describe, expect, it } from 'vitest';
import { LoomError } from '../core';
import type { CompletionRequest, Provider } from '../provider';
import { createFakeProvider } from '../testing/fake-provider';
import { cache, cacheKey, type CompletionCacheStore, type SharedCompletion } from './cache';
import { circuitBreaker, type CircuitState } from './circuit-breaker';
import { logging, type LogEntry } from './logging';
import { createMemoryMetricsSink, metrics, METRIC_LATENCY, METRIC_REQUESTS, METRIC_TOKENS } from './metrics';
import { rateLimit } from './rate-limit';
import { redact } from './redact';
import { collect, manualClock, request } from './test-helpers';
import { chain, type Middleware } from './wrap';

async function codeOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  return error instanceof LoomError ? error.code : `not a LoomError: ${String(error)}`;
}

const down = () => new LoomError('UNAVAILABLE', 'down');

describe('chain', () => {
  it('runs middlewares outermost first', async () => {
    const order: string[] = [];
    const tag =
      (name: string): Middleware =>
      (next) => ({ ...next, complete: (r, o) => (order.push(name), next.complete(r, o)) });
    await chain(createFakeProvider(), tag('a'), tag('b')).complete(request('hi'));
    expect(order).toEqual(['a', 'b']);
  });
});

describe('logging', () => {
  it('logs one structured entry per call with secrets redacted', async () => {
    const entries: LogEntry[] = [];
    const provider = chain(createFakeProvider(), logging({ log: (e) => entries.push(e) }));
    await provider.complete(
      request('my key is sk-abcdefghijklmnop', {
        metadata: { apiKey: 'k1', trace: 'Bearer abc.def', sessionToken: 't' },
      }),
    );
    expect(entries).toHaveLength(1);
    const [entry] = entries;
    expect(entry).toMatchObject({
      event: 'provider.complete',
      provider: 'fake',
      model: 'fake-model',
      ok: true,
      level: 'info',
    });
    expect(entry?.request).toMatchObject({
      messageCount: 1,
      metadata: { apiKey: '[REDACTED]', trace: '[REDACTED]', sessionToken: '[REDACTED]' },
    });
    expect(JSON.stringify(entries)).not.toMatch(/sk-abcdef|k1|abc\.def/);
  });

  it('includes message contents only when asked, still redacted', async () => {
    const entries: LogEntry[] = [];
    const provider = chain(
      createFakeProvider(),
      logging({ log: (e) => entries.push(e), includeMessages: true }),
    );
    await provider.complete(request('use sk-abcdefghijklmnop please'));
    expect(JSON.stringify(entries[0]?.request)).toContain('use [REDACTED] please');
  });

  it('logs failures with their code and stream outcomes', async () => {
    const entries: LogEntry[] = [];
    const fake = createFakeProvider({ steps: [{ error: down() }, { reply: 'a b' }] });
    const provider = chain(fake, logging({ log: (e) => entries.push(e) }));
    await codeOf(provider.complete(request('x')));
    await collect(provider.stream(request('y')));
    expect(entries.map((e) => [e.event, e.ok, e.errorCode])).toEqual([
      ['provider.complete', false, 'UNAVAILABLE'],
      ['provider.stream', true, undefined],
    ]);
  });

  it('redacts nested secret-named fields', () => {
    expect(
      redact({ headers: { Authorization: 'x', accept: 'json' }, password: 'p', list: [{ token: 1 }] }),
    ).toEqual({
      headers: { Authorization: '[REDACTED]', accept: 'json' },
      password: '[REDACTED]',
      list: [{ token: '[REDACTED]' }],
    });
  });
});

describe('metrics', () => {
  it('counts outcomes, observes latency and sums tokens', async () => {
    const sink = createMemoryMetricsSink();
    const clock = manualClock();
    const fake = createFakeProvider({
      steps: [
        { reply: 'ok', usage: { inputTokens: 10, outputTokens: 2 } },
        { error: down() },
        { reply: 'a b c' },
      ],
    });
    const slow: Middleware = (next) => ({
      ...next,
      complete: async (r, o) => (clock.advance(30), next.complete(r, o)),
    });
    const provider = chain(fake, metrics({ sink, clock }), slow);
    await provider.complete(request('a'));
    await codeOf(provider.complete(request('b')));
    await collect(provider.stream(request('c')));
    expect(sink.counter(METRIC_REQUESTS)).toBe(3);
    expect(sink.counter(METRIC_REQUESTS, { outcome: 'UNAVAILABLE' })).toBe(1);
    expect(sink.counter(METRIC_REQUESTS, { method: 'stream', outcome: 'ok' })).toBe(1);
    expect(sink.counter(METRIC_TOKENS, { direction: 'output' })).toBe(5);
    const latency = sink.histogram(METRIC_LATENCY, { method: 'complete' });
    expect(latency.count).toBe(2);
    expect(latency.sum).toBe(60);
    expect(latency.buckets.find((b) => b.le === 25)?.count).toBe(0);
    expect(latency.buckets.find((b) => b.le === 50)?.count).toBe(2);
  });
});

describe('cache', () => {
  it('shares answers between processes through a store, and treats a failing store as a miss', async () => {
    const entries = new Map<string, SharedCompletion>();
    const store: CompletionCacheStore = {
      get: async (key) => entries.get(key.slice(0, 8)),
      set: async (entry) => void entries.set(entry.key.slice(0, 8), entry),
    };
    const fakeA = createFakeProvider();
    const fakeB = createFakeProvider();
    const a = chain(fakeA, cache({ max: 10, ttlMs: 1000, store }));
    const b = chain(fakeB, cache({ max: 10, ttlMs: 1000, store }));
    const first = await a.complete(request('shared question'));
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(await b.complete(request('shared question'))).toMatchObject({ text: first.text, cached: true });
    expect(fakeB.calls).toHaveLength(0);
    // This store keys by 8 characters, so every request collides: the full key is checked, so no wrong answer.
    expect((await b.complete(request('shared other'))).cached).toBeUndefined();
    expect(fakeB.calls).toHaveLength(1);

    const broken = chain(
      createFakeProvider(),
      cache({
        max: 10,
        ttlMs: 1000,
        store: { get: () => Promise.reject(new Error('down')), set: () => Promise.reject(new Error('down')) },
      }),
    );
    expect((await broken.complete(request('x'))).cached).toBeUndefined();
    expect((await broken.complete(request('x'))).cached).toBe(true);
  });

  it('serves a repeated request from memory, whatever the key order', async () => {
    const fake = createFakeProvider();
    const provider = chain(fake, cache({ max: 10, ttlMs: 1000 }));
    const first = await provider.complete({
      model: 'fake-model',
      temperature: 0,
      messages: [{ role: 'user', content: 'hi' }],
    });
    const second = await provider.complete({
      messages: [{ content: 'hi', role: 'user' }],
      temperature: 0,
      model: 'fake-model',
    });
    expect(fake.calls).toHaveLength(1);
    expect(second).toMatchObject({ text: first.text, cached: true });
    await provider.complete(request('hi', { temperature: 0.5 }));
    expect(fake.calls).toHaveLength(2);
  });

  it('ignores tracing metadata in the key', () => {
    expect(cacheKey(request('a', { metadata: { run: '1' } }))).toBe(
      cacheKey(request('a', { metadata: { run: '2' } })),
    );
    expect(cacheKey(request('a'))).not.toBe(cacheKey(request('b')));
  });

  it('keys on every field that shapes the answer, whatever the property order', () => {
    const base = request('a');
    const variants: Partial<CompletionRequest>[] = [
      { model: 'other-model' },
      { messages: [{ role: 'system', content: 'a' }] },
      { temperature: 0.3 },
      { maxTokens: 7 },
      { topP: 0.5 },
      { stop: ['\n'] },
      { responseFormat: 'json' },
      { seed: 1 },
      { user: 'u1' },
    ];
    const keys = new Set([cacheKey(base), ...variants.map((v) => cacheKey({ ...base, ...v }))]);
    expect(keys.size).toBe(variants.length + 1);
    const reordered = { messages: [{ content: 'a', role: 'user' as const }], model: base.model };
    expect(cacheKey(reordered)).toBe(cacheKey(base));
  });

  it('expires entries after ttl and evicts the least recently used', async () => {
    const clock = manualClock();
    const fake = createFakeProvider();
    const provider = chain(fake, cache({ max: 2, ttlMs: 100, clock }));
    await provider.complete(request('a'));
    await provider.complete(request('b'));
    await provider.complete(request('a')); // a is now the most recent
    await provider.complete(request('c')); // evicts b
    expect(fake.calls).toHaveLength(3);
    await provider.complete(request('a'));
    expect(fake.calls).toHaveLength(3);
    await provider.complete(request('b'));
    expect(fake.calls).toHaveLength(4);
    clock.advance(101);
    await provider.complete(request('a'));
    expect(fake.calls).toHaveLength(5);
  });

  it('never caches errors', async () => {
    const fake = createFakeProvider({ steps: [{ error: down() }] });
    const provider = chain(fake, cache({ max: 10, ttlMs: 1000 }));
    expect(await codeOf(provider.complete(request('a')))).toBe('UNAVAILABLE');
    expect((await provider.complete(request('a'))).cached).toBeUndefined();
    expect(fake.calls).toHaveLength(2);
  });

  it('replays a finished stream as the same deltas and done, but not an abandoned one', async () => {
    const fake = createFakeProvider();
    const provider = chain(fake, cache({ max: 10, ttlMs: 1000 }));
    for await (const event of provider.stream(request('one two three'))) {
      expect(event.type).toBe('delta');
      break;
    }
    const live = await collect(provider.stream(request('one two three')));
    const replay = await collect(provider.stream(request('one two three')));
    expect(fake.calls).toHaveLength(2);
    expect(replay).toEqual(live);
    expect(replay.at(-1)?.type).toBe('done');
    expect((await provider.complete(request('one two three'))).cached).toBe(true);
  });
});

describe('rateLimit', () => {
  it('rejects beyond the burst with the time until the next token', async () => {
    const clock = manualClock();
    const provider = chain(
      createFakeProvider(),
      rateLimit({ capacity: 2, refillPerSec: 4, mode: 'reject', clock }),
    );
    await provider.complete(request('a'));
    await provider.complete(request('b'));
    const error = await provider.complete(request('c')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LoomError);
    expect((error as LoomError).code).toBe('RATE_LIMITED');
    expect((error as LoomError).details.retryAfterMs).toBe(250);
    clock.advance(250);
    await expect(provider.complete(request('c'))).resolves.toBeDefined();
  });

  it('keeps a bucket per key', async () => {
    const provider = chain(
      createFakeProvider(),
      rateLimit({
        capacity: 1,
        refillPerSec: 1,
        mode: 'reject',
        key: (r) => r.user ?? 'anon',
        clock: manualClock(),
      }),
    );
    await provider.complete(request('a', { user: 'u1' }));
    await provider.complete(request('a', { user: 'u2' }));
    expect(await codeOf(provider.complete(request('a', { user: 'u1' })))).toBe('RATE_LIMITED');
  });

  it('waits for a token in wait mode, queueing callers fairly', async () => {
    const clock = manualClock();
    const waits: number[] = [];
    const sleep = async (ms: number) => {
      waits.push(ms);
    };
    const provider = chain(createFakeProvider(), rateLimit({ capacity: 1, refillPerSec: 10, clock, sleep }));
    await Promise.all([
      provider.complete(request('a')),
      provider.complete(request('b')),
      provider.complete(request('c')),
    ]);
    expect(waits).toEqual([100, 200]);
  });

  it("rejects at once a wait the call's budget cannot cover, and takes a wait out of the budget", async () => {
    const clock = manualClock();
    const budgets: (number | undefined)[] = [];
    const fake = createFakeProvider();
    const spy: Provider = {
      ...fake,
      complete: (r, callOptions) => {
        budgets.push(callOptions?.timeoutMs);
        return fake.complete(r, callOptions);
      },
    };
    const provider = chain(spy, rateLimit({ capacity: 1, refillPerSec: 10, clock, sleep: async () => {} }));
    await provider.complete(request('a'), { timeoutMs: 1_000 });
    const error = await provider.complete(request('b'), { timeoutMs: 100 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'RATE_LIMITED', details: { retryAfterMs: 100 } });
    await provider.complete(request('c'), { timeoutMs: 1_000 });
    expect(budgets).toEqual([1_000, 1_000 - 100]);
  });

  it('gives the token back when a waiting call is cancelled', async () => {
    const clock = manualClock();
    const controller = new AbortController();
    const provider = chain(
      createFakeProvider(),
      rateLimit({ capacity: 1, refillPerSec: 1, clock, mode: 'wait' }),
    );
    await provider.complete(request('a'));
    const waiting = provider.complete(request('b'), { signal: controller.signal });
    controller.abort();
    expect(await codeOf(waiting)).toBe('CANCELLED');
    clock.advance(1000);
    await expect(provider.complete(request('c'))).resolves.toBeDefined();
  });

  it('rejects invalid options', () => {
    expect(() => rateLimit({ capacity: 0, refillPerSec: 1 })).toThrow(LoomError);
  });
});

describe('circuitBreaker', () => {
  function setup(steps: Parameters<typeof createFakeProvider>[0] = {}) {
    const clock = manualClock();
    const states: CircuitState[] = [];
    const fake = createFakeProvider(steps);
    const provider = chain(
      fake,
      circuitBreaker({
        failureThreshold: 0.5,
        minRequests: 4,
        cooldownMs: 1000,
        clock,
        onStateChange: (s) => states.push(s),
      }),
    );
    return { clock, states, fake, provider };
  }

  it('opens at the failure ratio, fails fast, then closes after a good trial', async () => {
    const { clock, states, fake, provider } = setup({
      steps: [{ reply: 'ok' }, { error: down() }, { reply: 'ok' }, { error: down() }],
    });
    for (const content of ['1', '2', '3', '4'])
      await provider.complete(request(content)).catch(() => undefined);
    expect(states).toEqual(['open']);
    const error = await provider.complete(request('5')).catch((e: unknown) => e);
    expect((error as LoomError).code).toBe('CIRCUIT_OPEN');
    expect((error as LoomError).details.retryAfterMs).toBe(1000);
    expect(fake.calls).toHaveLength(4);
    clock.advance(1000);
    await provider.complete(request('trial'));
    expect(states).toEqual(['open', 'half-open', 'closed']);
  });

  it('admits a single trial while half-open and reopens when it fails', async () => {
    const { clock, states, provider } = setup({ fallback: () => ({ error: down(), delayMs: 5 }) });
    for (const content of ['1', '2', '3', '4'])
      await provider.complete(request(content)).catch(() => undefined);
    clock.advance(1000);
    const [trial, concurrent] = await Promise.all([
      codeOf(provider.complete(request('t'))),
      codeOf(provider.complete(request('u'))),
    ]);
    expect([trial, concurrent]).toEqual(['UNAVAILABLE', 'CIRCUIT_OPEN']);
    expect(states).toEqual(['open', 'half-open', 'open']);
  });

  it('does not count caller mistakes as failures', async () => {
    const { states, provider } = setup({
      fallback: () => ({ error: new LoomError('INVALID_INPUT', 'bad') }),
    });
    for (let i = 0; i < 10; i++) await provider.complete(request(String(i))).catch(() => undefined);
    expect(states).toEqual([]);
  });

  it('needs minRequests before judging', async () => {
    const { states, provider } = setup({ fallback: () => ({ error: down() }) });
    for (const content of ['1', '2', '3']) await provider.complete(request(content)).catch(() => undefined);
    expect(states).toEqual([]);
  });

  it('judges streams by how they end', async () => {
    const { states, provider } = setup({
      fallback: () => ({ reply: 'a b', failAfterChunks: { chunks: 1, error: down() } }),
    });
    for (const content of ['1', '2', '3', '4'])
      await collect(provider.stream(request(content))).catch(() => undefined);
    expect(states).toEqual(['open']);
  });
});

describe('circuitBreaker window', () => {
  it('forgets failures older than the window', async () => {
    const clock = manualClock();
    const states: CircuitState[] = [];
    const provider = chain(
      createFakeProvider({ steps: [{ error: down() }, { error: down() }, { error: down() }] }),
      circuitBreaker({
        failureThreshold: 0.5,
        minRequests: 4,
        windowMs: 1000,
        cooldownMs: 1000,
        clock,
        onStateChange: (s) => states.push(s),
      }),
    );
    for (const content of ['1', '2', '3']) await provider.complete(request(content)).catch(() => undefined);
    clock.advance(1500);
    for (const content of ['4', '5', '6', '7']) await provider.complete(request(content));
    expect(states).toEqual([]);
  });
});
