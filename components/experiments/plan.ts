import { plannedNumericSampleSize, plannedSampleSize } from '@/lib/loom/optimizer';

/** The part of an experiment's setup that decides its planned sample. */
export interface PlanInput {
  metric: { kind: 'binary' | 'numeric'; goal: 'increase' | 'decrease' };
  /** Binary: the control's conversion rate in percent; numeric: its mean. */
  baseline: number;
  standardDeviation: number | null;
  minimumDetectableEffectPercent: number;
  powerPercent: number;
  confidencePercent: number;
  variantCount: number;
}

/**
 * Samples per arm the always-valid test needs to find the minimum detectable effect with the power
 * asked (loom's plannedSampleSize). Shared by the setup form, which shows it before starting, and
 * the server, which tunes the test to it. Throws INVALID_INPUT for a plan it cannot make.
 */
export function planSampleSize(input: PlanInput): number {
  const common = {
    relativeLift: (input.metric.goal === 'increase' ? 1 : -1) * (input.minimumDetectableEffectPercent / 100),
    alpha: 1 - input.confidencePercent / 100,
    power: input.powerPercent / 100,
    challengers: Math.max(1, input.variantCount - 1),
  };
  if (input.metric.kind === 'binary') {
    return plannedSampleSize({ baselineRate: input.baseline / 100, ...common });
  }
  return plannedNumericSampleSize({
    baselineMean: input.baseline,
    standardDeviation: input.standardDeviation ?? 1,
    ...common,
  });
}

/** The plan, or undefined while the form holds something it cannot plan with. */
export function tryPlanSampleSize(input: PlanInput): number | undefined {
  try {
    const n = planSampleSize(input);
    return Number.isFinite(n) ? n : undefined;
  } catch {
    return undefined;
  }
}
