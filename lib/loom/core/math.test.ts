import { describe, expect, it } from 'vitest';
import { chiSquareSurvival, lnGamma, logNormalCdf, normalCdf, normalQuantile } from './math';
import { boundaryZ, mixtureSequentialTest, optimalMixingRatio } from '../optimizer/sequential';

describe('special functions', () => {
  it('match published tables', () => {
    expect(lnGamma(5)).toBeCloseTo(Math.log(24), 12);
    expect(lnGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 12);
    expect(chiSquareSurvival(3.841459, 1)).toBeCloseTo(0.05, 6);
    expect(chiSquareSurvival(5.991465, 2)).toBeCloseTo(0.05, 6);
    expect(chiSquareSurvival(10.827566, 1)).toBeCloseTo(0.001, 7);
    expect(chiSquareSurvival(18.307038, 10)).toBeCloseTo(0.05, 6);
    expect(chiSquareSurvival(124.342113, 100)).toBeCloseTo(0.05, 6);
    expect(chiSquareSurvival(0, 3)).toBe(1);
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 6);
    expect(normalCdf(-1)).toBeCloseTo(0.158655254, 8);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963985, 8);
    expect(normalQuantile(0.8)).toBeCloseTo(0.841621234, 8);
    expect(normalQuantile(1e-6)).toBeCloseTo(-4.753424309, 6);
  });
});

describe('special functions at the edges', () => {
  it('take the limits at infinity instead of returning NaN', () => {
    expect(normalCdf(Infinity)).toBe(1);
    expect(normalCdf(-Infinity)).toBe(0);
    // χ² survival: P(X ≥ ∞) = 0 for every df.
    for (const df of [1, 2, 10, 100]) expect(chiSquareSurvival(Infinity, df)).toBe(0);
  });

  // References: mpmath 1.3 at 50 digits, solving ln Φ(x) = ln p (findroot, anderson) for the double p.
  it.each([
    [1e-20, -9.2623400897984075796],
    [1e-300, -37.047096299361199237],
    [1e-310, -37.663060331949523732], // subnormal
    [2.5e-320, -38.245190842719395366], // subnormal
    [5e-324, -38.467405617144346251], // the smallest subnormal double
  ])('normalQuantile(%d) is %d, also for subnormal p', (p, expected) => {
    expect(normalQuantile(p)).toBeCloseTo(expected, 12);
  });

  it('keeps ln Φ finite where Φ underflows', () => {
    // mpmath: Φ(-38) = 2.8854283600687843084e-316 and Φ(-10) = 7.619853024160526066e-24.
    expect(logNormalCdf(-38)).toBeCloseTo(Math.log(2.8854283600687843084) - 316 * Math.LN10, 11);
    expect(logNormalCdf(-10)).toBeCloseTo(Math.log(7.619853024160526066) - 24 * Math.LN10, 12);
    expect(logNormalCdf(-100)).toBeLessThan(-5000);
    expect(Number.isFinite(logNormalCdf(-100))).toBe(true);
  });
});

describe('mixture sequential test', () => {
  it('gathers no evidence with a zero mixing variance (Λ ≡ 1, so p = 1)', () => {
    for (const variance of [0, 1e-5]) {
      const result = mixtureSequentialTest({ difference: 0.3, variance, mixingVariance: 0, alpha: 0.05 });
      expect(result.pValue).toBe(1);
      expect(result.interval).toEqual([-Infinity, Infinity]);
    }
  });

  it('rejects exactly when the confidence sequence excludes 0', () => {
    for (const difference of [0, 0.001, 0.004, 0.008, -0.009, 0.02]) {
      const result = mixtureSequentialTest({ difference, variance: 1e-5, mixingVariance: 8e-5, alpha: 0.05 });
      const excludesZero = result.interval[0] > 0 || result.interval[1] < 0;
      expect(result.pValue <= 0.05).toBe(excludesZero);
    }
  });

  it('is stricter than a single-look z test, most of all away from its tuned horizon', () => {
    const ratio = optimalMixingRatio(0.05);
    expect(ratio).toBeGreaterThan(5);
    expect(ratio).toBeLessThan(12);
    const atHorizon = boundaryZ(0.05, ratio);
    expect(atHorizon).toBeGreaterThan(1.96);
    expect(atHorizon).toBeLessThan(boundaryZ(0.05, ratio * 10));
    expect(atHorizon).toBeLessThan(boundaryZ(0.05, ratio / 10));
  });
});
