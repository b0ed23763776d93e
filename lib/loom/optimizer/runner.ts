import { LoomError, throwIfAborted } from '../core';
import { analyze, type Analysis, type Verdict } from './analyze';
import { createAssigner, type Assigner } from './assign';
import { getVariant, parseExperiment, type Experiment, type Variant } from './experiment';
import type { ExperimentStore } from './store';

export interface CallOptions {
  signal?: AbortSignal;
}

/** What the promoter is asked to do: point `label` at the winner's version. */
export interface PromotionRequest {
  experimentId: string;
  promptId: string;
  label: string;
  winner: Variant;
}

/**
 * Moves the label for `promote`. The host application supplies it, so a promotion passes the same
 * permission check, audit entry and release gate as a person's promote: deliberately not a
 * PromptRegistry, whose setLabel would move production around all three.
 */
export interface Promoter {
  moveLabel(request: PromotionRequest, options?: CallOptions): Promise<{ from?: number; to: number }>;
}

export interface PromoteOptions extends CallOptions {
  /** Defaults to `production`. */
  label?: string;
}

export interface Promotion {
  promptId: string;
  label: string;
  /** Where the label pointed before, if anywhere. */
  from?: number;
  to: number;
  winner: Variant;
}

/** Asks `promoter` to point the label (production by default) at the winner's version; CONFLICT without a winner. */
export async function promote(
  experimentInput: unknown,
  verdict: Verdict,
  promoter: Promoter,
  options: PromoteOptions = {},
): Promise<Promotion> {
  const experiment = parseExperiment(experimentInput);
  throwIfAborted(options.signal);
  if (verdict.status !== 'winner' || !verdict.winner) {
    throw new LoomError(
      'CONFLICT',
      `Experiment "${experiment.id}" has no winner to promote (${verdict.status})`,
      {
        experimentId: experiment.id,
        status: verdict.status,
      },
    );
  }
  const winner = getVariant(experiment, verdict.winner.name);
  if (winner.version !== verdict.winner.version) {
    throw new LoomError(
      'CONFLICT',
      `The verdict's winner does not match variant "${winner.name}" of the experiment`,
      {
        experimentId: experiment.id,
        variant: winner.name,
      },
    );
  }
  const label = options.label ?? 'production';
  const move = await promoter.moveLabel(
    { experimentId: experiment.id, promptId: experiment.promptId, label, winner },
    options.signal ? { signal: options.signal } : {},
  );
  return {
    promptId: experiment.promptId,
    label,
    ...(move.from !== undefined ? { from: move.from } : {}),
    to: move.to,
    winner,
  };
}

export interface ExperimentRunnerOptions {
  store: ExperimentStore;
  /**
   * Called once per experiment, when its verdict first names a winner; the store's `claimWinner`
   * makes it once across processes too. Errors propagate to the `recordOutcome` call that fired it.
   */
  onWinner?: (experiment: Experiment, verdict: Verdict) => void | Promise<void>;
}

export interface ExperimentRunner {
  /** Assigns the unit (sticky) and records its exposure; CONFLICT unless the experiment is running. */
  expose(experiment: Experiment, unitId: string, options?: CallOptions): Promise<Variant>;
  /**
   * Records the unit's outcome in the variant it is assigned to (binary metrics take true/false or
   * 1/0; late outcomes of a stopped experiment are still accepted), then analyses the experiment
   * and fires `onWinner` when a winner first appears.
   */
  recordOutcome(
    experiment: Experiment,
    unitId: string,
    value: number | boolean,
    options?: CallOptions,
  ): Promise<Analysis>;
  analyze(experiment: Experiment, options?: CallOptions): Promise<Analysis>;
}

/** Wires assignment, the store and winner detection for running experiments. */
export function createExperimentRunner({ store, onWinner }: ExperimentRunnerOptions): ExperimentRunner {
  // Assigners are compiled once per experiment object; a changed experiment is a new object.
  const assigners = new WeakMap<Experiment, { experiment: Experiment; assign: Assigner }>();

  function compiled(input: Experiment): { experiment: Experiment; assign: Assigner } {
    let entry = assigners.get(input);
    if (!entry) {
      const experiment = parseExperiment(input);
      entry = { experiment, assign: createAssigner(experiment) };
      assigners.set(input, entry);
    }
    return entry;
  }

  function outcomeValue(experiment: Experiment, value: number | boolean): number {
    const number = typeof value === 'boolean' ? Number(value) : value;
    const valid =
      experiment.metric.kind === 'binary' ? number === 0 || number === 1 : Number.isFinite(number);
    if (!valid) {
      throw new LoomError('INVALID_INPUT', `Invalid outcome value for a ${experiment.metric.kind} metric`, {
        issues: [
          {
            path: 'value',
            message:
              experiment.metric.kind === 'binary' ? 'expected true/false or 1/0' : 'expected a finite number',
          },
        ],
      });
    }
    return number;
  }

  async function analyzeStored(experiment: Experiment, options: CallOptions): Promise<Analysis> {
    const stats = await store.stats(experiment.id, options);
    return analyze(experiment, stats);
  }

  return {
    async expose(input, unitId, options = {}) {
      const { experiment, assign } = compiled(input);
      if (experiment.status !== 'running') {
        throw new LoomError(
          'CONFLICT',
          `Experiment "${experiment.id}" is ${experiment.status}, not running`,
          {
            experimentId: experiment.id,
            status: experiment.status,
          },
        );
      }
      const variant = assign(unitId);
      await store.recordExposure(experiment.id, variant.name, unitId, options);
      return variant;
    },

    async recordOutcome(input, unitId, value, options = {}) {
      const { experiment, assign } = compiled(input);
      const number = outcomeValue(experiment, value);
      const variant = assign(unitId);
      await store.recordOutcome(experiment.id, variant.name, unitId, number, options);
      const analysis = await analyzeStored(experiment, options);
      const { verdict } = analysis;
      if (verdict.status === 'winner' && verdict.winner && onWinner) {
        if (await store.claimWinner(experiment.id, verdict.winner.name, options))
          await onWinner(experiment, verdict);
      }
      return analysis;
    },

    async analyze(input, options = {}) {
      return analyzeStored(compiled(input).experiment, options);
    },
  };
}
