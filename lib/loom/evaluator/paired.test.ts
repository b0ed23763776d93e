import { describe, expect, it } from 'vitest';
import { mcnemarTest, pairedMeanDifference } from './paired';

const verdicts = (cells: { bothPass?: number; bothFail?: number; lost?: number; gained?: number }) => [
  ...Array.from({ length: cells.bothPass ?? 0 }, () => ({ before: true, after: true })),
  ...Array.from({ length: cells.bothFail ?? 0 }, () => ({ before: false, after: false })),
  ...Array.from({ length: cells.lost ?? 0 }, () => ({ before: true, after: false })),
  ...Array.from({ length: cells.gained ?? 0 }, () => ({ before: false, after: true })),
];

describe('mcnemarTest', () => {
  it('flags a regression when passes are lost far more often than gained (exact binomial p)', () => {
    const result = mcnemarTest(verdicts({ bothPass: 30, bothFail: 5, lost: 9, gained: 1 }));
    // 2 * P(X <= 1), X ~ Bin(10, 1/2) = 2 * 11/1024
    expect(result.pValue).toBeCloseTo(0.021484375, 12);
    expect(result).toMatchObject({ n: 45, lost: 9, gained: 1, verdict: 'regression' });
    expect(result.delta.value).toBeCloseTo(-8 / 45, 12);
    expect(result.delta.high).toBeLessThan(0);
  });

  it('calls an improvement when the flips go the other way', () => {
    expect(mcnemarTest(verdicts({ bothPass: 10, lost: 1, gained: 12 })).verdict).toBe('improvement');
  });

  it('sees no detectable change in a few flips, however lopsided the pass rates look', () => {
    const result = mcnemarTest(verdicts({ bothPass: 5, lost: 3, gained: 0 }));
    expect(result.pValue).toBeCloseTo(0.25, 12);
    expect(result.verdict).toBe('no-detectable-change');
    expect(result.delta.low).toBeLessThan(0);
    expect(result.delta.high).toBeGreaterThan(0);
  });

  it('has p = 1 when nothing flipped, and copes with no cases at all', () => {
    expect(mcnemarTest(verdicts({ bothPass: 20, bothFail: 3 }))).toMatchObject({
      pValue: 1,
      verdict: 'no-detectable-change',
    });
    expect(mcnemarTest([])).toMatchObject({ n: 0, pValue: 1, verdict: 'no-detectable-change' });
  });

  it('stays finite for thousands of flipped cases', () => {
    const result = mcnemarTest(verdicts({ lost: 5200, gained: 4800 }));
    expect(Number.isFinite(result.pValue)).toBe(true);
    expect(result.pValue).toBeLessThan(0.001);
    expect(result.verdict).toBe('regression');
  });

  it('refuses a significance level outside (0, 0.5)', () => {
    expect(() => mcnemarTest([], { alpha: 0.7 })).toThrow(/alpha/);
  });
});

describe('pairedMeanDifference', () => {
  it('matches a textbook paired t test', () => {
    // Differences 0.1..0.5: mean 0.3, sd 0.158, t = 4.243 on 4 df, two-sided p = 0.0132.
    const pairs = [0.1, 0.2, 0.3, 0.4, 0.5].map((d) => ({ before: 0.4, after: 0.4 + d }));
    const result = pairedMeanDifference(pairs);
    expect(result.delta.value).toBeCloseTo(0.3, 12);
    expect(result.delta.low).toBeCloseTo(0.1037, 4);
    expect(result.delta.high).toBeCloseTo(0.4963, 4);
    expect(result.pValue).toBeCloseTo(0.01324, 4);
    expect(result.verdict).toBe('improvement');
  });

  it('sees no change when the differences straddle zero', () => {
    const pairs = [0.2, -0.1, 0.05, -0.15, 0.1].map((d) => ({ before: 0.5, after: 0.5 + d }));
    expect(pairedMeanDifference(pairs).verdict).toBe('no-detectable-change');
  });

  it('treats the same drop on every case as a certain regression, and no drop as no change', () => {
    const drop = pairedMeanDifference(Array.from({ length: 4 }, () => ({ before: 0.9, after: 0.7 })));
    expect(drop).toMatchObject({ pValue: 0, verdict: 'regression' });
    const same = pairedMeanDifference(Array.from({ length: 4 }, () => ({ before: 0.8, after: 0.8 })));
    expect(same).toMatchObject({ pValue: 1, verdict: 'no-detectable-change' });
  });

  it('says nothing from fewer than two pairs', () => {
    expect(pairedMeanDifference([{ before: 0, after: 1 }])).toMatchObject({
      verdict: 'no-detectable-change',
      delta: { low: -1, high: 1 },
    });
  });
});
