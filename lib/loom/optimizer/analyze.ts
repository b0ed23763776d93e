import { z } from 'zod';
import { LoomError } from '../core';
import { parseExperiment, toLoomIssues, type Experiment, type Variant } from './experiment';
import { chiSquareSurvival, normalQuantile } from '../core/math';
import { mixtureSequentialTest, optimalMixingRatio } from './sequential';
import type { ExperimentStats } from './store';

/** Sample-ratio mismatch is flagged below this p-value, as Microsoft's ExP and most vendors do. */
export const SRM_P_VALUE = 0.001;
/** The chi-square approximation needs about this many expected units per arm before it is trusted. */
const SRM_MIN_EXPECTED = 5;

const count = z.number().int().nonnegative();
const armTotalsSchema = z
  .object({
    variant: z.string().min(1),
    exposures: count,
    outcomes: count,
    sum: z.number(),
    sumSquaredDeviations: z.number().nonnegative(),
  })
  .refine((arm) => arm.outcomes <= arm.exposures, {
    message: 'outcomes cannot exceed exposures',
    path: ['outcomes'],
  });
const statsSchema = z.object({ experimentId: z.string().min(1), arms: z.array(armTotalsSchema) });

export interface ArmSummary {
  variant: string;
  version: number;
  /** Share of traffic the arm should get (weights normalised). */
  share: number;
  exposures: number;
  outcomes: number;
  sum: number;
  /** Σ (x - mean)² over the outcomes. */
  sumSquaredDeviations: number;
  /**
   * Units the mean is taken over: exposures for binary metrics (no outcome = no success), outcomes
   * for numeric ones.
   */
  n: number;
  /** Conversion rate (binary) or mean value (numeric); 0 without samples. */
  mean: number;
  /** Per-unit variance estimate. */
  variance: number;
  /**
   * This arm alone, fixed-sample, at the experiment's confidence: Wilson for binary; unbounded under
   * 2 numeric samples.
   */
  interval: [number, number];
}

export interface Comparison {
  variant: string;
  control: string;
  /** challenger mean - control mean */
  difference: number;
  /** Always-valid interval on the difference, at the Bonferroni-corrected level. */
  differenceInterval: [number, number];
  /** difference / control mean; null when the control mean is 0. */
  lift: number | null;
  /** differenceInterval / control mean (treats the control mean as known); null when it is 0. */
  liftInterval: [number, number] | null;
  /** Always-valid p-value, Bonferroni-adjusted for the number of challengers. */
  pValue: number;
  /** `better`/`worse` once significant, relative to the metric's goal. */
  outcome: 'better' | 'worse' | 'undecided';
}

export interface SampleRatioCheck {
  chiSquare: number;
  degreesOfFreedom: number;
  pValue: number;
  mismatch: boolean;
}

export type VerdictStatus = 'insufficient-data' | 'running' | 'winner' | 'srm';

export interface Verdict {
  status: VerdictStatus;
  winner?: Variant;
  // The figures below come from the deciding comparison (challenger vs control): the winner's, the
  // least significant one when the control wins, otherwise the most significant one so far.
  /** Relative lift (challenger - control) / control; null when the control mean is 0. */
  lift: number | null;
  /** Always-valid interval on the relative lift; null when the control mean is 0. */
  interval: [number, number] | null;
  difference: number;
  differenceInterval: [number, number];
  /** Always-valid p-value, Bonferroni-adjusted; 1 before any comparison is possible. */
  pValue: number;
  /** One sentence for people: who wins, what blocks the verdict, or what is missing. */
  message: string;
}

export interface Analysis {
  experimentId: string;
  arms: ArmSummary[];
  comparisons: Comparison[];
  srm: SampleRatioCheck | null;
  verdict: Verdict;
}

function summarize(
  experiment: Experiment,
  variant: Variant,
  totals: z.infer<typeof armTotalsSchema> | undefined,
  share: number,
  zScore: number,
): ArmSummary {
  const exposures = totals?.exposures ?? 0;
  const outcomes = totals?.outcomes ?? 0;
  const sum = totals?.sum ?? 0;
  const sumSquaredDeviations = totals?.sumSquaredDeviations ?? 0;
  const binary = experiment.metric.kind === 'binary';
  const n = binary ? exposures : outcomes;
  const mean = n > 0 ? sum / n : 0;
  let variance: number;
  let interval: [number, number];
  if (binary) {
    variance = mean * (1 - mean);
    if (n === 0) {
      interval = [0, 1];
    } else {
      const z2 = zScore * zScore;
      const centre = (mean + z2 / (2 * n)) / (1 + z2 / n);
      const half = (zScore * Math.sqrt(variance / n + z2 / (4 * n * n))) / (1 + z2 / n);
      interval = [Math.max(0, centre - half), Math.min(1, centre + half)];
    }
  } else {
    variance = n > 1 ? sumSquaredDeviations / (n - 1) : 0;
    const half = n > 1 ? zScore * Math.sqrt(variance / n) : Infinity;
    interval = [mean - half, mean + half];
  }
  return {
    variant: variant.name,
    version: variant.version,
    share,
    exposures,
    outcomes,
    sum,
    sumSquaredDeviations,
    n,
    mean,
    variance,
    interval,
  };
}

function checkSampleRatio(arms: ArmSummary[]): SampleRatioCheck | null {
  const total = arms.reduce((sum, arm) => sum + arm.exposures, 0);
  const active = arms.filter((arm) => arm.share > 0);
  if (active.length < 2 || active.some((arm) => arm.share * total < SRM_MIN_EXPECTED)) return null;
  if (arms.some((arm) => arm.share === 0 && arm.exposures > 0)) {
    return { chiSquare: Infinity, degreesOfFreedom: active.length - 1, pValue: 0, mismatch: true };
  }
  let chiSquare = 0;
  for (const arm of active) {
    const expected = arm.share * total;
    chiSquare += ((arm.exposures - expected) * (arm.exposures - expected)) / expected;
  }
  const degreesOfFreedom = active.length - 1;
  const pValue = chiSquareSurvival(chiSquare, degreesOfFreedom);
  return { chiSquare, degreesOfFreedom, pValue, mismatch: pValue < SRM_P_VALUE };
}

function compare(
  experiment: Experiment,
  control: ArmSummary,
  challenger: ArmSummary,
  challengers: number,
  mixingRatio: number,
): Comparison {
  const alpha = (1 - experiment.confidence) / challengers;
  const difference = challenger.mean - control.mean;
  const standardErrorSquared =
    (control.n > 0 ? control.variance / control.n : 0) +
    (challenger.n > 0 ? challenger.variance / challenger.n : 0);
  // τ² is V at the planned horizon times the optimal ratio, so the boundary is tightest there.
  const plannedVariance = (control.variance + challenger.variance) / experiment.plannedSamplesPerArm;
  const test = mixtureSequentialTest({
    difference,
    variance: standardErrorSquared,
    mixingVariance: mixingRatio * plannedVariance,
    alpha,
  });
  const pValue = Math.min(1, test.pValue * challengers);
  const significant = test.pValue <= alpha && difference !== 0;
  const improves = experiment.metric.goal === 'increase' ? difference > 0 : difference < 0;
  const base = control.mean;
  return {
    variant: challenger.variant,
    control: control.variant,
    difference,
    differenceInterval: test.interval,
    lift: base !== 0 ? difference / base : null,
    liftInterval: base !== 0 ? [test.interval[0] / Math.abs(base), test.interval[1] / Math.abs(base)] : null,
    pValue,
    outcome: significant ? (improves ? 'better' : 'worse') : 'undecided',
  };
}

function isBetter(experiment: Experiment, a: number, b: number): boolean {
  return experiment.metric.goal === 'increase' ? a > b : a < b;
}

function verdictFrom(
  comparison: Comparison | undefined,
  status: VerdictStatus,
  message: string,
  winner?: Variant,
): Verdict {
  return {
    status,
    ...(winner ? { winner } : {}),
    lift: comparison?.lift ?? null,
    interval: comparison?.liftInterval ?? null,
    difference: comparison?.difference ?? 0,
    differenceInterval: comparison?.differenceInterval ?? [0, 0],
    pValue: comparison?.pValue ?? 1,
    message,
  };
}

/**
 * Compares every challenger with the control (the first variant) using an always-valid test, so it
 * may be called after every outcome without inflating false positives. The verdict is blocked by a
 * sample-ratio mismatch and withheld until every arm with traffic has `minSamplesPerArm` samples.
 * A winner is the best challenger significantly better than the control, or the control once every
 * active challenger is significantly worse.
 */
export function analyze(experimentInput: unknown, statsInput: unknown): Analysis {
  const experiment = parseExperiment(experimentInput);
  const parsed = statsSchema.safeParse(statsInput);
  if (!parsed.success) {
    throw new LoomError('INVALID_INPUT', 'Invalid experiment stats', { issues: toLoomIssues(parsed.error) });
  }
  return analyzeParsed(experiment, parsed.data);
}

/** `analyze` for inputs already validated; simulations call it hundreds of thousands of times. */
export function analyzeParsed(experiment: Experiment, stats: ExperimentStats): Analysis {
  if (stats.experimentId !== experiment.id) {
    throw new LoomError(
      'INVALID_INPUT',
      `Stats of "${stats.experimentId}" cannot be analysed for "${experiment.id}"`,
      {
        issues: [{ path: 'experimentId', message: `expected "${experiment.id}"` }],
      },
    );
  }
  const byName = new Map(stats.arms.map((arm) => [arm.variant, arm]));
  for (const name of byName.keys()) {
    if (!experiment.variants.some((variant) => variant.name === name)) {
      throw new LoomError(
        'INVALID_INPUT',
        `Stats mention variant "${name}" which the experiment does not have`,
        {
          issues: [{ path: 'arms', message: `unknown variant "${name}"` }],
        },
      );
    }
  }

  const totalWeight = experiment.variants.reduce((sum, variant) => sum + variant.weight, 0);
  const zScore = normalQuantile(1 - (1 - experiment.confidence) / 2);
  const arms = experiment.variants.map((variant) =>
    summarize(experiment, variant, byName.get(variant.name), variant.weight / totalWeight, zScore),
  );
  const [control, ...others] = arms as [ArmSummary, ...ArmSummary[]];
  const challengers = others.filter((arm) => arm.share > 0);
  const mixingRatio = optimalMixingRatio((1 - experiment.confidence) / Math.max(1, challengers.length));
  const comparisons = challengers.map((arm) =>
    compare(experiment, control, arm, challengers.length, mixingRatio),
  );
  const srm = checkSampleRatio(arms);
  const mostSignificant = comparisons.reduce<Comparison | undefined>(
    (best, comparison) => (!best || comparison.pValue < best.pValue ? comparison : best),
    undefined,
  );
  const base = { experimentId: experiment.id, arms, comparisons, srm };

  if (srm?.mismatch) {
    const observed = arms.map((arm) => `${arm.variant}=${arm.exposures}`).join(', ');
    return {
      ...base,
      verdict: verdictFrom(
        mostSignificant,
        'srm',
        `Sample ratio mismatch (p=${srm.pValue.toExponential(2)}; exposures ${observed}): assignment or logging is broken, so no verdict is given.`,
      ),
    };
  }
  if (control.share === 0 || challengers.length === 0) {
    return {
      ...base,
      verdict: verdictFrom(
        mostSignificant,
        'running',
        'The control and at least one challenger need traffic.',
      ),
    };
  }
  const short = [control, ...challengers].filter((arm) => arm.n < experiment.minSamplesPerArm);
  if (short.length > 0) {
    const list = short.map((arm) => `${arm.variant} has ${arm.n}`).join(', ');
    return {
      ...base,
      verdict: verdictFrom(
        mostSignificant,
        'insufficient-data',
        `Every arm needs ${experiment.minSamplesPerArm} samples; ${list}.`,
      ),
    };
  }

  const better = comparisons.filter((comparison) => comparison.outcome === 'better');
  if (better.length > 0) {
    const meanOf = new Map(arms.map((arm) => [arm.variant, arm.mean]));
    const best = better.reduce((a, b) =>
      isBetter(experiment, meanOf.get(b.variant) ?? 0, meanOf.get(a.variant) ?? 0) ? b : a,
    );
    const winner = experiment.variants.find((variant) => variant.name === best.variant) as Variant;
    return {
      ...base,
      verdict: verdictFrom(
        best,
        'winner',
        `${winner.name} (version ${winner.version}) beats ${control.variant}.`,
        winner,
      ),
    };
  }
  if (comparisons.every((comparison) => comparison.outcome === 'worse')) {
    const weakest = comparisons.reduce((a, b) => (b.pValue > a.pValue ? b : a));
    const winner = experiment.variants[0] as Variant;
    return {
      ...base,
      verdict: verdictFrom(
        weakest,
        'winner',
        `${winner.name} (version ${winner.version}, the control) beats every challenger.`,
        winner,
      ),
    };
  }
  return {
    ...base,
    verdict: verdictFrom(mostSignificant, 'running', 'No significant difference yet; keep collecting data.'),
  };
}
