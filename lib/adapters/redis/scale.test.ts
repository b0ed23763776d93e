// The pieces several instances share through Redis, with two links standing for two instances,
// on a redis-server of this test's own (so it can be stopped and started again).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOwnRedisServer, type OwnRedisServer } from '@/test/redis';
import { createBroadcast } from './broadcast';
import { createInvalidationTopic } from './invalidation';
import { createRedisLink, type RedisLink } from './link';
import type { RateLimiter } from '@/lib/loom/middleware';
import { runRateLimiterContract } from '@/lib/loom/middleware/rate-limiter-contract';
import { createRedisRateLimiter } from './rate-limiter';

let server: OwnRedisServer;
const links: RedisLink[] = [];
beforeAll(async () => {
  server = await startOwnRedisServer();
}, 30_000);
afterAll(async () => {
  for (const link of links) await link.close();
  await server.stop();
});

function link(): RedisLink {
  const made = createRedisLink(server.url, { openCircuitMs: 300 });
  links.push(made);
  return made;
}

async function until(condition: () => boolean, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function countingFallback(): RateLimiter & { calls: number } {
  const fallback = {
    calls: 0,
    async hit() {
      fallback.calls += 1;
      return { allowed: true, limit: 0, remaining: 0, retryAfterMs: 0 };
    },
  };
  return fallback;
}

runRateLimiterContract('redis', {
  async create(options) {
    const instance = link();
    await until(() => instance.isUp());
    return createRedisRateLimiter(instance, {
      ...options,
      // Each limiter its own keys: the contract's limiters must not see each other's counts.
      prefix: `loom:contract:${Math.random().toString(36).slice(2)}:`,
      fallback: {
        hit: () => Promise.reject(new Error('the contract runs with Redis up: the fallback must not answer')),
      },
    });
  },
});

describe('shared rate limit', () => {
  it('holds N per window across two instances, not 2N', async () => {
    const [a, b] = [link(), link()];
    await until(() => a.isUp() && b.isUp());
    const options = {
      limit: 10,
      windowMs: 60_000,
      prefix: `rl-${Date.now()}:`,
      fallback: countingFallback(),
    };
    const limiters = [createRedisRateLimiter(a, options), createRedisRateLimiter(b, options)];
    const decisions = await Promise.all(Array.from({ length: 30 }, (_, i) => limiters[i % 2]!.hit('key-1')));
    expect(decisions.filter((d) => d.allowed)).toHaveLength(10);
    const refused = decisions.find((d) => !d.allowed);
    expect(refused?.retryAfterMs).toBeGreaterThan(0);
    expect(refused?.remaining).toBe(0);
    // Another key has its own budget.
    expect((await limiters[1]!.hit('key-2')).allowed).toBe(true);
    expect(options.fallback.calls).toBe(0);
  });
});

describe('cross-instance invalidation', () => {
  it('drops the entry on the other instance within milliseconds', async () => {
    const [a, b] = [link(), link()];
    const dropped: string[] = [];
    const onA = createInvalidationTopic<[string, string]>(createBroadcast(a, 'test:inv'), 'prompt', {
      drop: () => undefined,
      dropAll: () => undefined,
    });
    const broadcastB = createBroadcast(b, 'test:inv');
    createInvalidationTopic<[string, string]>(broadcastB, 'prompt', {
      drop: (ws, id) => dropped.push(`${ws}/${id}`),
      dropAll: () => dropped.push('*'),
    });
    await broadcastB.ready();
    const started = performance.now();
    await onA.invalidate('ws1', 'greet');
    await until(() => dropped.length > 0, 1_000);
    expect(performance.now() - started).toBeLessThan(100);
    expect(dropped).toEqual(['ws1/greet']);
  });
});

describe('Redis going away and coming back', () => {
  it('falls back at once while Redis is down, resyncs caches and shares again when it returns', async () => {
    const [a, b] = [link(), link()];
    await until(() => a.isUp() && b.isUp());
    const fallback = countingFallback();
    const limiter = createRedisRateLimiter(a, { limit: 1000, windowMs: 60_000, prefix: 'down:', fallback });
    const events: string[] = [];
    const broadcastB = createBroadcast(b, 'test:down');
    createInvalidationTopic(broadcastB, 'prompt', {
      drop: () => events.push('drop'),
      dropAll: () => events.push('dropAll'),
    });
    await broadcastB.ready();
    expect((await limiter.hit('k')).allowed).toBe(true);
    expect(fallback.calls).toBe(0);

    await server.stop();
    await until(() => !a.isUp());
    const started = performance.now();
    for (let i = 0; i < 20; i++) expect((await limiter.hit('k')).allowed).toBe(true);
    expect(performance.now() - started).toBeLessThan(100);
    expect(fallback.calls).toBe(20);
    expect(await a.attempt((redis) => redis.ping())).toBeUndefined();

    await server.start();
    await until(() => a.isUp() && events.includes('dropAll'));
    await limiter.hit('k');
    expect(fallback.calls).toBe(20);
  }, 30_000);
});

describe('shared response cache', () => {
  it('lets one instance serve what another cached, and misses quietly while Redis is away', async () => {
    const { createRedisCompletionCacheStore } = await import('./completion-cache');
    const [a, b] = [link(), link()];
    await until(() => a.isUp() && b.isUp());
    const prefix = `cc-${Date.now()}:`;
    const entry = {
      key: 'model|user "hi"',
      completion: {
        text: 'hello',
        usage: { inputTokens: 1, outputTokens: 1 },
        finishReason: 'stop' as const,
        model: 'm',
      },
      chunks: ['hel', 'lo'],
    };
    await createRedisCompletionCacheStore(a, prefix).set(entry, 5_000);
    expect(await createRedisCompletionCacheStore(b, prefix).get(entry.key)).toEqual(entry);
    expect(await createRedisCompletionCacheStore(b, prefix).get('other')).toBeUndefined();
    const ttl = await b.redis.pttl(
      `${prefix}${(await import('node:crypto')).createHash('sha256').update(entry.key).digest('base64url')}`,
    );
    expect(ttl).toBeGreaterThan(4_000);
  });
});
