import { describe, expect, it } from 'vitest';
import { FIRST_RETRY_MS, MAX_RETRY_DELAY_MS, RETRY_WINDOW_MS, nextAttemptAt } from './schedule';

const created = new Date('2026-12-02T00:00:00Z');
const after = (ms: number) => new Date(created.getTime() + ms);
const delay = (attempts: number, now: number, random: number) =>
  (nextAttemptAt(attempts, created, after(now), () => random)?.getTime() ?? NaN) - after(now).getTime();

describe('nextAttemptAt', () => {
  it('doubles the delay from 5 s, with ±25 % jitter', () => {
    expect([1, 2, 3, 4].map((n) => delay(n, 0, 0.5))).toEqual([5_000, 10_000, 20_000, 40_000]);
    expect(delay(1, 0, 0)).toBe(FIRST_RETRY_MS * 0.75);
    expect(delay(1, 0, 0.999999)).toBeGreaterThan(FIRST_RETRY_MS * 1.24);
    expect(delay(1, 0, 0.999999)).toBeLessThanOrEqual(FIRST_RETRY_MS * 1.25);
  });

  it('waits at most 3 hours between attempts', () => {
    expect(delay(30, 60_000, 0.5)).toBe(MAX_RETRY_DELAY_MS);
    expect(delay(30, 60_000, 0.999999)).toBeLessThanOrEqual(MAX_RETRY_DELAY_MS * 1.25);
  });

  it('puts the last attempt on the end of the 24 hours, and gives up after it', () => {
    expect(nextAttemptAt(20, created, after(RETRY_WINDOW_MS - 1_000), () => 0.5)).toEqual(
      after(RETRY_WINDOW_MS),
    );
    expect(nextAttemptAt(21, created, after(RETRY_WINDOW_MS))).toBeUndefined();
  });
});
