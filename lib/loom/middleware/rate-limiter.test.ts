// The per-key sliding window (on an injected clock, and through the port's contract) and the
// middleware that refuses provider calls beyond a limiter's count.
import { describe, expect, it } from 'vitest';
import { LoomError } from '../core';
import { createFakeProvider } from '../testing/fake-provider';
import { runRateLimiterContract } from './rate-limiter-contract';
import { createSlidingWindowRateLimiter, limitCalls } from './rate-limiter';
import { collect, request } from './test-helpers';

runRateLimiterContract('memory', { create: async (options) => createSlidingWindowRateLimiter(options) });

describe('createSlidingWindowRateLimiter', () => {
  it('allows the limit per window per key, then refuses with a Retry-After that is enough', async () => {
    let now = 60_000 * 100;
    const limiter = createSlidingWindowRateLimiter({ limit: 3, windowMs: 60_000, now: () => now });
    for (let i = 0; i < 3; i += 1) expect((await limiter.hit('a')).allowed).toBe(true);
    const refused = await limiter.hit('a');
    expect(refused).toMatchObject({ allowed: false, remaining: 0 });
    expect((await limiter.hit('b')).allowed).toBe(true);
    // Waiting the advised time lets one request through; much earlier does not.
    now += refused.retryAfterMs - 50;
    expect((await limiter.hit('a')).allowed).toBe(false);
    now += 50;
    const next = await limiter.hit('a');
    expect(next.allowed).toBe(true);
  });

  it('weights the previous window: no burst of twice the limit at a window boundary', async () => {
    let now = 60_000 * 100 + 59_000; // late in a window
    const limiter = createSlidingWindowRateLimiter({ limit: 10, windowMs: 60_000, now: () => now });
    for (let i = 0; i < 10; i += 1) expect((await limiter.hit('k')).allowed).toBe(true);
    now += 2_000; // just past the boundary: the previous 10 still weigh about 97%
    expect((await limiter.hit('k')).allowed).toBe(false);
    now += 30_000; // half the previous window has slid out
    let allowed = 0;
    for (let i = 0; i < 10; i += 1) if ((await limiter.hit('k')).allowed) allowed += 1;
    expect(allowed).toBeGreaterThanOrEqual(4);
    expect(allowed).toBeLessThanOrEqual(5);
  });
});

describe('limitCalls', () => {
  it('refuses calls and streams beyond the limiter, per key, with the wait to retry after', async () => {
    const fake = createFakeProvider();
    const limited = limitCalls({
      limiter: createSlidingWindowRateLimiter({ limit: 2, windowMs: 60_000 }),
      key: (r) => String(r.metadata?.apiKeyId),
    })(fake);
    const asKey = (apiKeyId: string) => ({ ...request('hi'), metadata: { apiKeyId } });
    await limited.complete(asKey('a'));
    await collect(limited.stream(asKey('a')));
    const refused = await limited.complete(asKey('a')).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(LoomError);
    expect(refused).toMatchObject({ code: 'RATE_LIMITED', details: { key: 'a', source: 'rateLimit' } });
    expect((refused as LoomError).details.retryAfterMs).toBeGreaterThan(0);
    await expect(collect(limited.stream(asKey('a')))).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    await expect(limited.complete(asKey('b'))).resolves.toBeDefined();
    // Refused calls never reached the provider.
    expect(fake.calls).toHaveLength(3);
  });
});
