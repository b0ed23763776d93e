import { describe, expect, it } from 'vitest';
import { cohensKappa, readKappa, type AgreementPair } from './agreement';

const pairs = (counts: { pp?: number; pf?: number; fp?: number; ff?: number }): AgreementPair[] => [
  ...Array.from({ length: counts.pp ?? 0 }, () => ({ a: true, b: true })),
  ...Array.from({ length: counts.pf ?? 0 }, () => ({ a: true, b: false })),
  ...Array.from({ length: counts.fp ?? 0 }, () => ({ a: false, b: true })),
  ...Array.from({ length: counts.ff ?? 0 }, () => ({ a: false, b: false })),
];

describe('cohensKappa', () => {
  it('is 1 for perfect agreement on both verdicts', () => {
    const result = cohensKappa(pairs({ pp: 7, ff: 3 }));
    expect(result.kappa).toBe(1);
    expect(result).toMatchObject({ n: 10, agree: 10, disagree: 0, observed: 1 });
  });

  it('is 0 when agreement is exactly what chance predicts', () => {
    // Both raters pass half of the items, independently: observed 0.5 = expected 0.5.
    const result = cohensKappa(pairs({ pp: 5, pf: 5, fp: 5, ff: 5 }));
    expect(result.kappa).toBeCloseTo(0, 12);
    expect(result.expected).toBeCloseTo(0.5, 12);
  });

  it('matches the textbook example (Wikipedia, 50 proposals: κ = 0.4)', () => {
    // Yes/yes 20, A yes B no 5, A no B yes 10, no/no 15: po = 0.7, pe = 0.5.
    const result = cohensKappa(pairs({ pp: 20, pf: 5, fp: 10, ff: 15 }));
    expect(result.observed).toBeCloseTo(0.7, 12);
    expect(result.expected).toBeCloseTo(0.5, 12);
    expect(result.kappa).toBeCloseTo(0.4, 12);
    expect(result.table).toEqual({ passPass: 20, passFail: 5, failPass: 10, failFail: 15 });
  });

  it('is -1 for perfect disagreement on balanced verdicts', () => {
    expect(cohensKappa(pairs({ pf: 4, fp: 4 })).kappa).toBeCloseTo(-1, 12);
  });

  it('is undefined, with a reason, without pairs', () => {
    const result = cohensKappa([]);
    expect(result.kappa).toBeUndefined();
    expect(result.undefinedReason).toMatch(/no reviewed cases/);
    expect(result.n).toBe(0);
  });

  it('is undefined, not NaN, when both raters give every case the same verdict', () => {
    for (const result of [cohensKappa(pairs({ pp: 12 })), cohensKappa(pairs({ ff: 3 }))]) {
      expect(result.kappa).toBeUndefined();
      expect(result.undefinedReason).toMatch(/same verdict/);
      expect(result.agree).toBe(result.n);
    }
  });

  it('is 0, not undefined, when one rater uses one class and the other varies', () => {
    // Chance agreement = observed agreement whenever one rater never varies.
    const result = cohensKappa(pairs({ pp: 6, pf: 4 }));
    expect(result.kappa).toBeCloseTo(0, 12);
  });
});

describe('readKappa', () => {
  it('reads kappa in Landis and Koch bands', () => {
    expect(readKappa(-0.1)).toBe('worse than chance');
    expect(readKappa(0.1)).toBe('slight');
    expect(readKappa(0.3)).toBe('fair');
    expect(readKappa(0.5)).toBe('moderate');
    expect(readKappa(0.61)).toBe('substantial');
    expect(readKappa(0.95)).toBe('almost perfect');
  });
});
