// The per-key sliding window, on an injected clock.
import { describe, expect, it } from 'vitest';
import { createMemoryRateLimiter } from './rate-limit';

describe('createMemoryRateLimiter', () => {
  it('allows the limit per window per key, then refuses with a Retry-After that is enough', async () => {
    let now = 60_000 * 100;
    const limiter = createMemoryRateLimiter({ limit: 3, windowMs: 60_000, now: () => now });
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
    const limiter = createMemoryRateLimiter({ limit: 10, windowMs: 60_000, now: () => now });
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
