import { z } from 'zod';
import { LoomError } from '../core';
import { toLoomIssues } from './experiment';
import { normalQuantile } from '../core/math';
import { boundaryZ, optimalMixingRatio } from './sequential';

export const sampleSizeInputSchema = z.object({
  /** Conversion rate of the control, in (0, 1). */
  baselineRate: z.number().gt(0).lt(1),
  /** Relative change to detect: 0.05 means 0.10 -> 0.105. */
  relativeLift: z.number().refine((lift) => lift !== 0, 'must not be 0'),
  alpha: z.number().gt(0).lt(0.5).default(0.05),
  power: z.number().gt(0.5).lt(1).default(0.8),
  /** Challengers compared with the control; alpha is split between them (Bonferroni). */
  challengers: z.number().int().positive().default(1),
});
export type SampleSizeInput = z.input<typeof sampleSizeInputSchema>;

/**
 * Samples per arm for the sequential test of a binary metric to reach `power`:
 *
 *   n = (z_b + z_power)² · (p₁(1 - p₁) + p₂(1 - p₂)) / (p₂ - p₁)²
 *
 * where α' = alpha / challengers, r = optimalMixingRatio(α') and
 * z_b = sqrt((1 + 1/r) · (2 ln(1/α') + ln(1 + r))) is the always-valid boundary at the horizon the
 * test is tuned for (≈ 3.04 at α' = 0.05 against 1.96 for a single look). It ignores the chance of
 * crossing at an earlier look, so it errs on the safe side: simulated with 30 looks, a +5% lift on
 * a 10% baseline is found about 85% of the time at the planned size for 80% power (see simulate.test.ts).
 * Use the result as the experiment's `plannedSamplesPerArm` so the test is tuned to it.
 */
export function plannedSampleSize(input: SampleSizeInput): number {
  const parsed = sampleSizeInputSchema.safeParse(input);
  if (!parsed.success)
    throw new LoomError('INVALID_INPUT', 'Invalid sample size input', { issues: toLoomIssues(parsed.error) });
  const { baselineRate, relativeLift, alpha, power, challengers } = parsed.data;
  const treated = baselineRate * (1 + relativeLift);
  if (!(treated > 0 && treated < 1)) {
    throw new LoomError('INVALID_INPUT', 'The lifted rate must stay inside (0, 1)', {
      issues: [{ path: 'relativeLift', message: `baselineRate × (1 + relativeLift) = ${treated}` }],
    });
  }
  const corrected = alpha / challengers;
  const zBoundary = boundaryZ(corrected, optimalMixingRatio(corrected));
  const zPower = normalQuantile(power);
  const variance = baselineRate * (1 - baselineRate) + treated * (1 - treated);
  const difference = treated - baselineRate;
  return Math.ceil(((zBoundary + zPower) ** 2 * variance) / (difference * difference));
}

export const numericSampleSizeInputSchema = z.object({
  /** Mean of the control's metric; must not be 0 (the effect is relative to it). */
  baselineMean: z.number().refine((mean) => mean !== 0 && Number.isFinite(mean), 'must be a nonzero number'),
  /** Standard deviation of the metric per unit, assumed equal in every arm. */
  standardDeviation: z.number().positive(),
  relativeLift: z.number().refine((lift) => lift !== 0, 'must not be 0'),
  alpha: z.number().gt(0).lt(0.5).default(0.05),
  power: z.number().gt(0.5).lt(1).default(0.8),
  challengers: z.number().int().positive().default(1),
});
export type NumericSampleSizeInput = z.input<typeof numericSampleSizeInputSchema>;

/** `plannedSampleSize` for a numeric metric: n = (z_b + z_power)² · 2σ² / (mean · lift)². */
export function plannedNumericSampleSize(input: NumericSampleSizeInput): number {
  const parsed = numericSampleSizeInputSchema.safeParse(input);
  if (!parsed.success)
    throw new LoomError('INVALID_INPUT', 'Invalid sample size input', { issues: toLoomIssues(parsed.error) });
  const { baselineMean, standardDeviation, relativeLift, alpha, power, challengers } = parsed.data;
  const corrected = alpha / challengers;
  const zBoundary = boundaryZ(corrected, optimalMixingRatio(corrected));
  const zPower = normalQuantile(power);
  const difference = baselineMean * relativeLift;
  return Math.ceil(((zBoundary + zPower) ** 2 * 2 * standardDeviation ** 2) / (difference * difference));
}
