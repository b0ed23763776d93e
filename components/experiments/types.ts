// What the experiment screens receive from the server (lib/server/experiments): plain data, no Dates.

export const EXPERIMENT_PHASES = ['draft', 'running', 'paused', 'stopped', 'completed'] as const;
export type ExperimentPhase = (typeof EXPERIMENT_PHASES)[number];

export type MetricKind = 'binary' | 'numeric';
export type MetricGoal = 'increase' | 'decrease';

/** Limits on what a variant may cost; a null limit is not checked. */
export interface GuardrailLimits {
  latencyP95Ms: number | null;
  costPerCallUsd: number | null;
  /** Share of failed calls, in [0, 1]. */
  errorRate: number | null;
}

/** The setup kept with an experiment besides its loom definition. */
export interface ExperimentSettings {
  /** Control's conversion rate (binary) or mean (numeric) the plan assumes. */
  baseline: number;
  /** Numeric metrics: per-unit standard deviation the plan assumes. */
  standardDeviation: number | null;
  /** Relative minimum detectable effect: 0.05 is +5% of the baseline. */
  minimumDetectableEffect: number;
  power: number;
  guardrails: GuardrailLimits;
}

export interface ExperimentVariantView {
  name: string;
  version: number;
  weight: number;
  /** Weight normalised to a share of the experiment's traffic. */
  share: number;
}

export interface ExperimentSummaryView {
  id: string;
  name: string;
  promptId: string;
  phase: ExperimentPhase;
  metric: { kind: MetricKind; goal: MetricGoal };
  variants: ExperimentVariantView[];
  trafficShare: number;
  plannedSamplesPerArm: number;
  minSamplesPerArm: number;
  confidence: number;
  autoPromote: boolean;
  createdBy: string | null;
  createdAt: string;
  startedAt: string | null;
  endedAt: string | null;
  endReason: string | null;
  promotion: PromotionView | null;
  /** Total exposures so far (list pages). */
  exposures: number;
}

export interface PromotionView {
  label: string;
  from: number | null;
  to: number;
  variant: string;
  by: string;
  at: string;
}

export type VariantStatus =
  | { kind: 'control' }
  | { kind: 'collecting'; n: number; planned: number }
  | { kind: 'no-difference-yet' }
  | { kind: 'winner' }
  | { kind: 'better' }
  | { kind: 'worse' };

export interface VariantResult {
  name: string;
  version: number;
  share: number;
  exposures: number;
  outcomes: number;
  /** Conversion rate or mean. */
  value: number;
  /** Anytime-valid interval on `value`. */
  interval: [number, number];
  /** Relative lift over the control and its confidence sequence; null for the control. */
  lift: number | null;
  liftInterval: [number, number] | null;
  pValue: number | null;
  status: VariantStatus;
}

export interface GuardrailRow {
  variant: string;
  calls: number;
  latencyP95Ms: number | null;
  costPerCallUsd: number | null;
  errorRate: number | null;
  /** Which limits the variant breaks. */
  breaches: (keyof GuardrailLimits)[];
}

export interface SrmView {
  pValue: number;
  mismatch: boolean;
  observed: { variant: string; exposures: number; expectedShare: number; observedShare: number }[];
}

export interface ExperimentResults {
  experiment: ExperimentSummaryView;
  settings: ExperimentSettings;
  variants: VariantResult[];
  verdict: {
    status: 'insufficient-data' | 'running' | 'winner' | 'srm';
    message: string;
    winner: string | null;
  };
  srm: SrmView | null;
  /** One point per day: cumulative exposures per variant and what the configured split expects. */
  exposuresOverTime: { day: string; observed: Record<string, number>; expected: Record<string, number> }[];
  /** One point per day and challenger: cumulative lift with its confidence sequence. */
  liftOverTime: {
    day: string;
    variant: string;
    lift: number | null;
    low: number | null;
    high: number | null;
  }[];
  /** Metric per variant per day (that day's outcomes over that day's exposures, or that day's mean). */
  metricByDay: { day: string; values: Record<string, number | null> }[];
  guardrails: GuardrailRow[];
  /** Why Promote winner is disabled, or null when it is allowed. */
  promoteBlockedBy: string | null;
  canPromote: boolean;
  canManage: boolean;
}

export interface NewExperimentOptions {
  versions: { version: number; labels: string[]; createdAt: string }[];
  production: number | null;
}
