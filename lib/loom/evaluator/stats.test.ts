import { describe, expect, it } from 'vitest';
import { meanInterval, normalQuantile, stddev, tQuantile, wilsonInterval } from './index';

describe('quantiles', () => {
  it('match published tables', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 5);
    expect(normalQuantile(0.005)).toBeCloseTo(-2.575829, 5);
    expect(tQuantile(0.975, 1)).toBeCloseTo(12.7062, 3);
    expect(tQuantile(0.975, 9)).toBeCloseTo(2.2622, 3);
    expect(tQuantile(0.995, 30)).toBeCloseTo(2.75, 3);
    expect(tQuantile(0.975, 1000)).toBeCloseTo(1.9623, 3);
  });

  const relativeError = (actual: number, expected: number) => Math.abs(actual / expected - 1);

  // Closed forms with q = 1 - p (exact in floating point for p > 0.5): df = 1 is the Cauchy
  // distribution, t = cot(πq); df = 2 has t = (1 - 2q) / sqrt(2q(1 - q)) (Abramowitz & Stegun 26.7.4).
  it.each([1e-4, 1e-8, 1e-12, 1e-15])('keeps the upper tail precise at 1 - p = %d (closed forms)', (q0) => {
    const p = 1 - q0;
    const q = 1 - p;
    expect(relativeError(tQuantile(p, 1), 1 / Math.tan(Math.PI * q))).toBeLessThan(1e-11);
    expect(relativeError(tQuantile(p, 2), (1 - 2 * q) / Math.sqrt(2 * q * (1 - q)))).toBeLessThan(1e-11);
  });

  // References: scipy 1.17 stats.t.isf, confirmed to 17 digits by mpmath 1.3 (betainc, 40 digits).
  it.each([
    [2 ** -40, 5, 401.50315808745383536],
    [2 ** -27, 5, 66.191840975701187617],
    [2 ** -40, 30, 11.441322057996268731],
    [2 ** -27, 30, 7.6681149385286522188],
  ])('tQuantile(1 - %d, %d) is %d', (q, df, expected) => {
    expect(relativeError(tQuantile(1 - q, df), expected)).toBeLessThan(1e-11);
  });
});

describe('wilsonInterval', () => {
  it('matches the textbook example (8 of 10 at 95%)', () => {
    const interval = wilsonInterval(8, 10);
    expect(interval.value).toBe(0.8);
    expect(interval.low).toBeCloseTo(0.4902, 3);
    expect(interval.high).toBeCloseTo(0.9433, 3);
  });

  it('stays inside [0, 1] at the extremes and widens with confidence', () => {
    const all = wilsonInterval(5, 5);
    expect(all.high).toBe(1);
    expect(all.low).toBeGreaterThan(0.5);
    expect(wilsonInterval(0, 5).low).toBe(0);
    expect(wilsonInterval(8, 10, 0.99).low).toBeLessThan(wilsonInterval(8, 10, 0.9).low);
  });

  it('is the whole range with no trials, and rejects impossible counts', () => {
    expect(wilsonInterval(0, 0)).toMatchObject({ low: 0, high: 1, n: 0 });
    expect(() => wilsonInterval(3, 2)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(() => wilsonInterval(1, 2, 1.5)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });
});

describe('meanInterval', () => {
  it('uses the t distribution', () => {
    const values = [0.5, 0.6, 0.7, 0.8, 0.9];
    const interval = meanInterval(values);
    const margin = (2.776445 * stddev(values)) / Math.sqrt(5);
    expect(interval.value).toBeCloseTo(0.7, 10);
    expect(interval.low).toBeCloseTo(0.7 - margin, 4);
    expect(interval.high).toBeCloseTo(0.7 + margin, 4);
  });

  it('clamps to [0, 1] and is the whole range below two values', () => {
    expect(meanInterval([1, 1, 0.9]).high).toBe(1);
    expect(meanInterval([0.4])).toMatchObject({ value: 0.4, low: 0, high: 1, n: 1 });
  });
});
