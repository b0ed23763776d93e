import { afterEach, describe, expect, it } from 'vitest';
import type { RateLimiter } from './rate-limiter';

export interface RateLimiterUnderTest {
  /** A limiter of `limit` requests per `windowMs`, on the real clock. */
  create(options: { limit: number; windowMs: number }): Promise<RateLimiter>;
  cleanup?: () => Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * What every RateLimiter (memory, Redis, ...) must do. Keys are unique per test, so a shared store
 * needs no reset between tests.
 */
export function runRateLimiterContract(name: string, subject: RateLimiterUnderTest): void {
  describe(`RateLimiter contract: ${name}`, () => {
    afterEach(async () => {
      await subject.cleanup?.();
    });
    const unique = (prefix: string) => `${prefix}-${Math.random().toString(36).slice(2, 10)}`;

    it('allows the limit, counting down what remains, then refuses with a wait within two windows', async () => {
      const limiter = await subject.create({ limit: 3, windowMs: 60_000 });
      const key = unique('k');
      const allowed = [];
      for (let i = 0; i < 3; i += 1) allowed.push(await limiter.hit(key));
      expect(allowed.map((d) => [d.allowed, d.remaining])).toEqual([
        [true, 2],
        [true, 1],
        [true, 0],
      ]);
      const refused = await limiter.hit(key);
      expect(refused).toMatchObject({ allowed: false, limit: 3, remaining: 0 });
      expect(refused.retryAfterMs).toBeGreaterThan(0);
      expect(refused.retryAfterMs).toBeLessThanOrEqual(120_000);
    });

    it('counts every key apart', async () => {
      const limiter = await subject.create({ limit: 1, windowMs: 60_000 });
      const [a, b] = [unique('a'), unique('b')];
      expect((await limiter.hit(a)).allowed).toBe(true);
      expect((await limiter.hit(a)).allowed).toBe(false);
      expect((await limiter.hit(b)).allowed).toBe(true);
    });

    it('allows exactly the limit under concurrent hits', async () => {
      const limiter = await subject.create({ limit: 10, windowMs: 60_000 });
      const key = unique('burst');
      const decisions = await Promise.all(Array.from({ length: 40 }, () => limiter.hit(key)));
      expect(decisions.filter((d) => d.allowed)).toHaveLength(10);
    });

    it('allows again once the window has slid past', async () => {
      const limiter = await subject.create({ limit: 2, windowMs: 200 });
      const key = unique('slide');
      await limiter.hit(key);
      await limiter.hit(key);
      expect((await limiter.hit(key)).allowed).toBe(false);
      await sleep(450); // two whole windows: nothing of the old count is left
      expect((await limiter.hit(key)).allowed).toBe(true);
    });
  });
}
