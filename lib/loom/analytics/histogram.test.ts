import { describe, expect, it } from 'vitest';
import { Histogram, mergeHistograms } from './histogram';

function nearestRank(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1] as number;
}

/** mulberry32: a seeded generator so the data (and thus the test) is reproducible. */
function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const QUANTILES = [0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 1];

describe('latency histogram', () => {
  it('estimates percentiles within 2% of the exact ones on a heavy-tailed distribution', () => {
    const random = createRandom(11);
    // Log-normal latencies from about 5 ms to tens of seconds.
    const values = Array.from({ length: 50_000 }, () =>
      Math.exp(5 + 1.5 * Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random())),
    );
    const histogram = new Histogram();
    for (const value of values) histogram.record(value);
    for (const q of QUANTILES) {
      const exact = nearestRank(values, q);
      expect(Math.abs((histogram.quantile(q) ?? 0) - exact) / exact).toBeLessThanOrEqual(0.02);
    }
    expect(histogram.count).toBe(values.length);
    expect(histogram.max).toBe(Math.max(...values));
  });

  it('merges parts into the same percentiles as one histogram of everything', () => {
    const random = createRandom(5);
    const parts = Array.from({ length: 24 }, (_, hour) =>
      Array.from({ length: 500 }, () => 50 + hour * 10 + random() * 400),
    );
    const whole = new Histogram();
    parts.flat().forEach((value) => whole.record(value));
    const merged = mergeHistograms(
      parts.map((values) => values.reduce((h, value) => h.record(value), new Histogram())),
    );
    for (const q of QUANTILES) {
      expect(merged.quantile(q)).toBe(whole.quantile(q));
      const exact = nearestRank(parts.flat(), q);
      expect(Math.abs((merged.quantile(q) ?? 0) - exact) / exact).toBeLessThanOrEqual(0.02);
    }
    expect(merged.sum).toBeCloseTo(whole.sum, 6);
  });

  it('survives a JSON round trip and merges after it', () => {
    const histogram = new Histogram();
    [0, 0.0005, 1, 2.5, 250, 250, 9000].forEach((value) => histogram.record(value));
    const restored = Histogram.deserialize(JSON.parse(JSON.stringify(histogram.serialize())));
    for (const q of QUANTILES) expect(restored.quantile(q)).toBe(histogram.quantile(q));
    expect(restored.serialize()).toEqual(histogram.serialize());
    restored.merge(histogram);
    expect(restored.count).toBe(14);
    expect(restored.quantile(0)).toBe(0);
  });

  it('rejects bad values, mismatched gammas and inconsistent serialized data', () => {
    const histogram = new Histogram();
    expect(() => histogram.record(-1)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(() => histogram.record(Number.NaN)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(() => histogram.merge(new Histogram(1.05))).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT' }),
    );
    expect(() => histogram.quantile(1.5)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    const data = { ...new Histogram().record(3).serialize(), count: 2 };
    expect(() => Histogram.deserialize(data)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(new Histogram().quantile(0.5)).toBeUndefined();
  });

  it('answers several quantiles at once, in the order asked, as one at a time would', () => {
    const histogram = new Histogram();
    histogram.record(0, 5);
    for (let i = 1; i <= 200; i++) histogram.record(i * 1.7);
    const qs = [0.99, 0.01, 0.5, 1, 0, 0.5, 0.95];
    expect(histogram.quantiles(qs)).toEqual(qs.map((q) => histogram.quantile(q)));
    // 5 zeros of 205 values: rank 5 is still a zero, rank 7 the second recorded value (3.4).
    const [low, next] = histogram.quantiles([0.02, 0.03]);
    expect(low).toBe(0);
    expect(Math.abs((next ?? 0) - 3.4) / 3.4).toBeLessThan(0.01);
    expect(new Histogram().quantiles([0.5, 0.9])).toEqual([undefined, undefined]);
  });
});

describe('Histogram.fromCounts', () => {
  it('answers like the histogram whose buckets it was given', () => {
    const recorded = new Histogram();
    for (const value of [0, 3, 40, 41, 500, 500, 9000]) recorded.record(value);
    const { count, sum, min, max, zeroCount, buckets } = recorded.serialize();
    const rebuilt = Histogram.fromCounts({
      count,
      sum,
      min: min ?? 0,
      max: max ?? 0,
      zeroCount,
      buckets: new Map(buckets),
    });
    for (const q of [0, 0.1, 0.5, 0.9, 0.99, 1]) expect(rebuilt.quantile(q)).toBe(recorded.quantile(q));
    expect(rebuilt.serialize()).toEqual(recorded.serialize());
  });

  it('rejects bucket counts that do not add up to the count', () => {
    expect(() =>
      Histogram.fromCounts({ count: 3, sum: 10, min: 1, max: 5, zeroCount: 0, buckets: new Map([[10, 2]]) }),
    ).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });
});
