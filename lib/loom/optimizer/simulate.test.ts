import { describe, expect, it } from 'vitest';
import { plannedSampleSize } from './plan';
import { binomial, createRandom, simulateBinaryExperiments } from './simulate';

describe('simulation of the sequential test', () => {
  const plannedPerArm = plannedSampleSize({ baselineRate: 0.1, relativeLift: 0.05, alpha: 0.05, power: 0.8 });

  it('plans about twice the fixed-horizon sample size for 0.10 -> 0.105', () => {
    // Fixed horizon: (1.96 + 0.84)² · (0.09 + 0.094) / 0.005² ≈ 57,700 per arm.
    expect(plannedPerArm).toBeGreaterThan(100_000);
    expect(plannedPerArm).toBeLessThan(120_000);
  });

  it('keeps false positives at or below 5% over 10,000 A/A experiments with 30 looks', () => {
    const result = simulateBinaryExperiments({
      experiments: 10_000,
      looks: 30,
      samplesPerArm: plannedPerArm,
      rates: [0.1, 0.1],
      minSamplesPerArm: 1000,
      seed: 20_260_101,
    });
    expect(result.decidedRate).toBeLessThanOrEqual(0.05);
  }, 60_000);

  it('detects a +5% relative lift at least 80% of the time at the planned size', () => {
    const result = simulateBinaryExperiments({
      experiments: 2000,
      looks: 30,
      samplesPerArm: plannedPerArm,
      rates: [0.1, 0.105],
      minSamplesPerArm: 1000,
      seed: 42,
    });
    expect(result.correctRate).toBeGreaterThanOrEqual(0.8);
    expect(result.decided - result.correct).toBeLessThan(5);
  }, 60_000);

  it('draws binomials with the right mean and variance', () => {
    const random = createRandom(3);
    for (const [trials, p] of [
      [50, 0.1],
      [4000, 0.1],
      [4000, 0.97],
    ] as const) {
      const draws = Array.from({ length: 20_000 }, () => binomial(random, trials, p));
      const mean = draws.reduce((a, b) => a + b, 0) / draws.length;
      const variance = draws.reduce((a, b) => a + (b - mean) ** 2, 0) / draws.length;
      expect(Math.abs(mean - trials * p)).toBeLessThan(0.05 * Math.sqrt(trials * p * (1 - p)));
      expect(variance / (trials * p * (1 - p))).toBeGreaterThan(0.95);
      expect(variance / (trials * p * (1 - p))).toBeLessThan(1.05);
    }
  });
});
