import { describe, expect, it } from 'vitest';
import { analyze } from './analyze';
import type { ExperimentInput } from './experiment';
import { createRandom } from './simulate';
import { addOutcomes, type ArmTotals } from './store';

const experiment: ExperimentInput = {
  id: 'exp',
  promptId: 'support-reply',
  variants: [
    { name: 'control', version: 1, weight: 1 },
    { name: 'challenger', version: 2, weight: 1 },
  ],
  metric: { kind: 'binary' },
  minSamplesPerArm: 500,
  plannedSamplesPerArm: 5000,
};

function binaryArm(variant: string, exposures: number, successes: number): ArmTotals {
  const deviations = exposures > 0 ? (successes * (exposures - successes)) / exposures : 0;
  return { variant, exposures, outcomes: exposures, sum: successes, sumSquaredDeviations: deviations };
}

function numericArm(variant: string, values: number[]): ArmTotals {
  const sum = values.reduce((a, b) => a + b, 0);
  return {
    variant,
    exposures: values.length,
    outcomes: values.length,
    sum,
    sumSquaredDeviations: values.reduce((a, v) => a + (v - sum / values.length) ** 2, 0),
  };
}

describe('analyze', () => {
  it('withholds a verdict until every arm has the minimum samples, even with a huge difference', () => {
    const { verdict, arms } = analyze(experiment, {
      experimentId: 'exp',
      arms: [binaryArm('control', 499, 10), binaryArm('challenger', 499, 400)],
    });
    expect(verdict.status).toBe('insufficient-data');
    expect(verdict.message).toContain('500');
    expect(arms.map((arm) => arm.mean)).toEqual([10 / 499, 400 / 499]);
  });

  it('names the challenger when it clearly converts better, with lift and interval', () => {
    const { verdict } = analyze(experiment, {
      experimentId: 'exp',
      arms: [binaryArm('control', 5000, 500), binaryArm('challenger', 5000, 650)],
    });
    expect(verdict.status).toBe('winner');
    expect(verdict.winner).toMatchObject({ name: 'challenger', version: 2 });
    expect(verdict.lift).toBeCloseTo(0.3, 10);
    expect(verdict.pValue).toBeLessThan(0.05);
    expect(verdict.interval?.[0]).toBeGreaterThan(0);
    expect(verdict.interval?.[0]).toBeLessThan(0.3);
    expect(verdict.interval?.[1]).toBeGreaterThan(0.3);
  });

  it('keeps running on a difference a single-look test would already call significant', () => {
    // z ≈ 2.4: p ≈ 0.016 for a fixed-horizon test, not enough evidence for an always-valid one.
    const { verdict } = analyze(experiment, {
      experimentId: 'exp',
      arms: [binaryArm('control', 5000, 500), binaryArm('challenger', 5000, 570)],
    });
    expect(verdict.status).toBe('running');
    expect(verdict.pValue).toBeGreaterThan(0.05);
  });

  it('declares the control the winner when the challenger is clearly worse', () => {
    const { verdict, comparisons } = analyze(experiment, {
      experimentId: 'exp',
      arms: [binaryArm('control', 5000, 650), binaryArm('challenger', 5000, 500)],
    });
    expect(comparisons[0]?.outcome).toBe('worse');
    expect(verdict.status).toBe('winner');
    expect(verdict.winner?.name).toBe('control');
  });

  it('honours a metric whose goal is to decrease', () => {
    const { verdict } = analyze(
      { ...experiment, metric: { kind: 'binary', goal: 'decrease' } },
      { experimentId: 'exp', arms: [binaryArm('control', 5000, 650), binaryArm('challenger', 5000, 500)] },
    );
    expect(verdict.winner?.name).toBe('challenger');
  });

  it('blocks the verdict on a sample-ratio mismatch and says so', () => {
    const { verdict, srm } = analyze(experiment, {
      experimentId: 'exp',
      arms: [binaryArm('control', 5000, 500), binaryArm('challenger', 5400, 900)],
    });
    expect(srm?.mismatch).toBe(true);
    expect(srm?.pValue).toBeLessThan(0.001);
    expect(verdict.status).toBe('srm');
    expect(verdict.winner).toBeUndefined();
    expect(verdict.message).toMatch(/sample ratio mismatch/i);
  });

  it('accepts exposures that match unequal weights', () => {
    const { srm } = analyze(
      {
        ...experiment,
        variants: [
          { name: 'control', version: 1, weight: 9 },
          { name: 'challenger', version: 2, weight: 1 },
        ],
      },
      { experimentId: 'exp', arms: [binaryArm('control', 9030, 900), binaryArm('challenger', 970, 100)] },
    );
    expect(srm?.mismatch).toBe(false);
  });

  it('corrects for several challengers (Bonferroni) and picks the best significant one', () => {
    const threeArms = {
      ...experiment,
      variants: [...experiment.variants, { name: 'third', version: 3, weight: 1 }],
    };
    const stats = {
      experimentId: 'exp',
      arms: [
        binaryArm('control', 5000, 500),
        binaryArm('challenger', 5000, 640),
        binaryArm('third', 5000, 700),
      ],
    };
    const { comparisons, verdict } = analyze(threeArms, stats);
    const twoArms = analyze(experiment, { experimentId: 'exp', arms: stats.arms.slice(0, 2) });
    expect(comparisons).toHaveLength(2);
    // Each comparison runs at alpha / 2, so its p-value and interval are stricter than with one challenger.
    expect(comparisons[0]?.pValue).toBeGreaterThan(twoArms.comparisons[0]?.pValue ?? 1);
    const width = (interval: [number, number] | undefined): number =>
      interval ? interval[1] - interval[0] : 0;
    expect(width(comparisons[0]?.differenceInterval)).toBeGreaterThan(
      width(twoArms.comparisons[0]?.differenceInterval),
    );
    expect(verdict.winner?.name).toBe('third');
  });

  it('analyses numeric metrics on the mean of reported values', () => {
    const control = Array.from({ length: 2000 }, (_, i) => 3 + ((i % 5) - 2));
    const better = control.map((value) => value + 0.3);
    const { arms, verdict } = analyze(
      { ...experiment, metric: { kind: 'numeric' }, plannedSamplesPerArm: 2000 },
      { experimentId: 'exp', arms: [numericArm('control', control), numericArm('challenger', better)] },
    );
    expect(arms[0]?.mean).toBeCloseTo(3, 10);
    expect(arms[0]?.variance).toBeCloseTo(2 * (2000 / 1999), 10);
    expect(verdict.status).toBe('winner');
    expect(verdict.difference).toBeCloseTo(0.3, 10);
  });

  it('rejects stats of another experiment or with unknown variants', () => {
    expect(() => analyze(experiment, { experimentId: 'other', arms: [] })).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT' }),
    );
    expect(() => analyze(experiment, { experimentId: 'exp', arms: [binaryArm('ghost', 10, 1)] })).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT', message: expect.stringContaining('ghost') }),
    );
    expect(() =>
      analyze(experiment, { experimentId: 'exp', arms: [{ ...binaryArm('control', 10, 1), outcomes: 11 }] }),
    ).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });
});

describe('analyze under repeated looks at a numeric metric', () => {
  it('rarely declares a winner between identical arms (A/A), though it looks 20 times', () => {
    // Per look, draw each arm's sufficient statistics for 200 normal(5, 2²) values directly.
    let state = 12345;
    const uniform = (): number => {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      return (state + 0.5) / 4_294_967_296;
    };
    const normal = (): number => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
    const perLook = 200;
    const numeric = {
      ...experiment,
      metric: { kind: 'numeric' as const },
      minSamplesPerArm: 200,
      plannedSamplesPerArm: 4000,
    };
    let winners = 0;
    for (let run = 0; run < 500; run++) {
      const arms = ['control', 'challenger'].map((variant) => ({
        variant,
        exposures: 0,
        outcomes: 0,
        sum: 0,
        sumSquaredDeviations: 0,
      }));
      for (let look = 0; look < 20; look++) {
        for (const arm of arms) {
          const mean = 5 + (2 * normal()) / Math.sqrt(perLook);
          const spread = 4 * Math.max(0, perLook - 1 + Math.sqrt(2 * (perLook - 1)) * normal());
          arm.exposures += perLook;
          addOutcomes(arm, { count: perLook, sum: perLook * mean, sumSquaredDeviations: spread });
        }
        if (analyze(numeric, { experimentId: 'exp', arms }).verdict.status === 'winner') {
          winners++;
          break;
        }
      }
    }
    expect(winners / 500).toBeLessThanOrEqual(0.05);
  });

  it('finds the same (rare) winners when every value is shifted by 10^9, i.e. mean/sd = 10^9', () => {
    // The verdict depends on differences and spreads only, so shifting the data must not change it.
    // Σx² - (Σx)²/n lost the variance at this scale (clamped to 0) and declared spurious winners.
    const numeric = {
      ...experiment,
      metric: { kind: 'numeric' as const },
      minSamplesPerArm: 50,
      plannedSamplesPerArm: 1000,
    };
    const winnersAt = (offset: number) => {
      let winners = 0;
      for (let run = 0; run < 200; run++) {
        const random = createRandom(run);
        const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
        const arms: ArmTotals[] = ['control', 'challenger'].map((variant) => ({
          variant,
          exposures: 0,
          outcomes: 0,
          sum: 0,
          sumSquaredDeviations: 0,
        }));
        for (let look = 0; look < 10; look++) {
          for (const arm of arms) {
            for (let i = 0; i < 50; i++) {
              arm.exposures += 1;
              addOutcomes(arm, { count: 1, sum: offset + normal(), sumSquaredDeviations: 0 });
            }
          }
          if (analyze(numeric, { experimentId: 'exp', arms }).verdict.status === 'winner') {
            winners++;
            break;
          }
        }
      }
      return winners;
    };
    const atZero = winnersAt(0);
    expect(atZero / 200).toBeLessThanOrEqual(0.05);
    expect(winnersAt(1e9)).toBe(atZero);
  });
});
