import { z } from 'zod';
import { LoomError, throwIfAborted } from '../core';
import { toLoomIssues } from './experiment';

export interface ExperimentStoreCallOptions {
  signal?: AbortSignal;
}

/** Sufficient statistics of one arm; everything `analyze` derives comes from these. */
export interface ArmTotals {
  variant: string;
  /** Distinct units exposed. */
  exposures: number;
  /** Distinct units with an outcome. */
  outcomes: number;
  /** Sum of outcome values (successes for a binary metric). */
  sum: number;
  /**
   * Σ (x - mean)² over the outcomes. Kept centred because Σx² - (Σx)²/n cancels catastrophically when
   * the mean is large against the spread (every digit is lost by mean/sd ≈ 10^8).
   */
  sumSquaredDeviations: number;
}

/** Outcomes summarised as their count, sum and Σ (x - their mean)²; one outcome is `{ 1, x, 0 }`. */
export interface OutcomeBatch {
  count: number;
  sum: number;
  sumSquaredDeviations: number;
}

/**
 * Adds outcomes to an arm's totals with the pairwise update of Chan, Golub & LeVeque (1979), which for
 * one outcome is Welford's (1962): M2 += M2_batch + δ² · n · m / (n + m), δ the difference of the means.
 */
export function addOutcomes(arm: ArmTotals, batch: OutcomeBatch): void {
  const n = arm.outcomes;
  const m = batch.count;
  if (m === 0) return;
  const delta = n === 0 ? 0 : batch.sum / m - arm.sum / n;
  arm.sumSquaredDeviations += batch.sumSquaredDeviations + (delta * delta * n * m) / (n + m);
  arm.sum += batch.sum;
  arm.outcomes += m;
}

export interface ExperimentStats {
  experimentId: string;
  /** Arms that saw at least one exposure, in first-seen order. */
  arms: ArmTotals[];
}

/**
 * Where exposures and outcomes of experiments live. Implementations count a unit's exposure once
 * and its outcome once (the first value wins), and keep a unit on one variant.
 */
export interface ExperimentStore {
  /** Returns false when the unit was already exposed; CONFLICT when it was exposed to another variant. */
  recordExposure(
    experimentId: string,
    variant: string,
    unitId: string,
    options?: ExperimentStoreCallOptions,
  ): Promise<boolean>;
  /**
   * Records the unit's outcome (exposing it first when needed). Returns false when the unit already
   * has an outcome; CONFLICT when it was exposed to another variant.
   */
  recordOutcome(
    experimentId: string,
    variant: string,
    unitId: string,
    value: number,
    options?: ExperimentStoreCallOptions,
  ): Promise<boolean>;
  /** Totals per arm; an unknown experiment has no arms. */
  stats(experimentId: string, options?: ExperimentStoreCallOptions): Promise<ExperimentStats>;
  /** Atomically remembers the winner; true for the first caller only, so promotion happens once. */
  claimWinner(experimentId: string, variant: string, options?: ExperimentStoreCallOptions): Promise<boolean>;
}

const keySchema = z.string().min(1).max(200);

export const exposureSchema = z.object({ experimentId: keySchema, variant: keySchema, unitId: keySchema });
const claimSchema = z.object({ experimentId: keySchema, variant: keySchema });
export const outcomeSchema = exposureSchema.extend({ value: z.number() });
export type Exposure = z.infer<typeof exposureSchema>;
export type Outcome = z.infer<typeof outcomeSchema>;

/** Shared by every store so they reject the same inputs with the same issues. */
export function parseExposure(input: unknown): Exposure {
  const parsed = exposureSchema.safeParse(input);
  if (!parsed.success)
    throw new LoomError('INVALID_INPUT', 'Invalid exposure', { issues: toLoomIssues(parsed.error) });
  return parsed.data;
}

export function parseOutcome(input: unknown): Outcome {
  const parsed = outcomeSchema.safeParse(input);
  if (!parsed.success)
    throw new LoomError('INVALID_INPUT', 'Invalid outcome', { issues: toLoomIssues(parsed.error) });
  return parsed.data;
}

export function variantConflict(
  experimentId: string,
  unitId: string,
  exposed: string,
  requested: string,
): LoomError {
  return new LoomError('CONFLICT', `Unit "${unitId}" is in variant "${exposed}", not "${requested}"`, {
    experimentId,
    unitId,
    exposedVariant: exposed,
    requestedVariant: requested,
  });
}

interface MemoryExperiment {
  arms: Map<string, ArmTotals>;
  exposedTo: Map<string, string>;
  withOutcome: Set<string>;
  winner?: string;
}

/** In-process store for tests and single-node use; all state dies with the process. */
export function createMemoryExperimentStore(): ExperimentStore {
  const experiments = new Map<string, MemoryExperiment>();

  function experimentFor(id: string): MemoryExperiment {
    let experiment = experiments.get(id);
    if (!experiment) {
      experiment = { arms: new Map(), exposedTo: new Map(), withOutcome: new Set() };
      experiments.set(id, experiment);
    }
    return experiment;
  }

  function expose(experiment: MemoryExperiment, { experimentId, variant, unitId }: Exposure): boolean {
    const exposed = experiment.exposedTo.get(unitId);
    if (exposed !== undefined) {
      if (exposed !== variant) throw variantConflict(experimentId, unitId, exposed, variant);
      return false;
    }
    experiment.exposedTo.set(unitId, variant);
    let arm = experiment.arms.get(variant);
    if (!arm) {
      arm = { variant, exposures: 0, outcomes: 0, sum: 0, sumSquaredDeviations: 0 };
      experiment.arms.set(variant, arm);
    }
    arm.exposures += 1;
    return true;
  }

  return {
    async recordExposure(experimentId, variant, unitId, options) {
      throwIfAborted(options?.signal);
      const exposure = parseExposure({ experimentId, variant, unitId });
      return expose(experimentFor(exposure.experimentId), exposure);
    },

    async recordOutcome(experimentId, variant, unitId, value, options) {
      throwIfAborted(options?.signal);
      const outcome = parseOutcome({ experimentId, variant, unitId, value });
      const experiment = experimentFor(outcome.experimentId);
      const exposed = experiment.exposedTo.get(outcome.unitId);
      if (exposed !== undefined && exposed !== outcome.variant) {
        throw variantConflict(outcome.experimentId, outcome.unitId, exposed, outcome.variant);
      }
      if (experiment.withOutcome.has(outcome.unitId)) return false;
      expose(experiment, outcome);
      experiment.withOutcome.add(outcome.unitId);
      const arm = experiment.arms.get(outcome.variant) as ArmTotals;
      addOutcomes(arm, { count: 1, sum: outcome.value, sumSquaredDeviations: 0 });
      return true;
    },

    async stats(experimentId, options) {
      throwIfAborted(options?.signal);
      const experiment = experiments.get(experimentId);
      return {
        experimentId,
        arms: experiment ? [...experiment.arms.values()].map((arm) => ({ ...arm })) : [],
      };
    },

    async claimWinner(experimentId, variant, options) {
      throwIfAborted(options?.signal);
      const claim = claimSchema.safeParse({ experimentId, variant });
      if (!claim.success)
        throw new LoomError('INVALID_INPUT', 'Invalid winner claim', { issues: toLoomIssues(claim.error) });
      const experiment = experimentFor(claim.data.experimentId);
      if (experiment.winner !== undefined) return false;
      experiment.winner = claim.data.variant;
      return true;
    },
  };
}
