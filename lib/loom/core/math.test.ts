import { describe, expect, it } from 'vitest';
import { chiSquareSurvival, lnGamma, normalCdf, normalQuantile } from './math';
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

describe('mixture sequential test', () => {
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
