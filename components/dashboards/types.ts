/** Serializable shapes the dashboards receive from their server loaders (no server code). */

export const RANGE_PRESETS = ['24h', '7d', '30d', '90d'] as const;
export type RangePreset = (typeof RANGE_PRESETS)[number];
export const DEFAULT_PRESET: RangePreset = '7d';

export const RANGE_LABELS: Record<string, string> = {
  '24h': 'Last 24 hours',
  '7d': 'Last 7 days',
  '30d': 'Last 30 days',
  '90d': 'Last 90 days',
  custom: 'Custom range',
};

/** The sums of a set of runs. Cost leaves out unpriced runs: they are counted, never taken as $0. */
export interface Totals {
  runs: number;
  errors: number;
  inputTokens: number;
  outputTokens: number;
  /** Micro-dollars of the priced runs. */
  costMicros: number;
  /** Runs whose model had no price: their cost is unknown. */
  unpricedRuns: number;
  /** Milliseconds; absent when the totals were read without percentiles. */
  p50Ms?: number;
  p95Ms?: number;
}

export interface RangeView {
  preset: string;
  /** ISO instants: [from, to), and the previous period [previousFrom, from). */
  from: string;
  to: string;
  previousFrom: string;
  grain: 'hour' | 'day';
  timeZone: string;
  /** The URL query of the filters (for links and exports), without the leading "?". */
  query: string;
}

/** One point of a time series: its start (ISO) and one number per series key. */
export interface SeriesPoint {
  t: string;
  values: Record<string, number>;
}

export interface Series {
  /** Series keys, largest first; "Other" groups what is past the chart's colours. */
  keys: string[];
  points: SeriesPoint[];
}

export interface PromptCostRow {
  promptId: string;
  name: string;
  totals: Totals;
}

/** What the dashboards show when the URL's filters cannot be answered: why, in plain words. */
export interface FilterProblem {
  problems: string[];
}

/** A model that ran without a price: by provider too, since a price is set per provider and model. */
export interface UnpricedModel {
  provider: string;
  model: string;
  runs: number;
}

export interface OverviewData {
  range: RangeView;
  current: Totals;
  previous: Totals;
  /** Cost (micro-dollars) per day or hour, stacked by model or prompt. */
  cost: Series;
  stackBy: 'model' | 'prompt';
  /** Runs and errors per hour. */
  runsPerHour: SeriesPoint[];
  /** Latency p50/p95 (ms) per day or hour. */
  latency: SeriesPoint[];
  topPrompts: PromptCostRow[];
  /** Display names of the prompts the series and filters mention. */
  promptNames: Record<string, string>;
  /** Models with runs in the range: the model filter's choices. */
  models: { model: string; runs: number; unpricedRuns: number }[];
  /** Models with runs and no price in the range, for the unpriced notice. */
  unpricedModels: UnpricedModel[];
}

export const COST_DIMENSIONS = ['prompt', 'version', 'model', 'provider', 'source', 'apiKey'] as const;
export type CostDimension = (typeof COST_DIMENSIONS)[number];

export const DIMENSION_LABELS: Record<CostDimension, string> = {
  prompt: 'Prompt',
  version: 'Version',
  model: 'Model',
  provider: 'Provider',
  source: 'Source',
  apiKey: 'API key',
};

/** Sources whose calls are evaluation (suite runs and their judge), kept apart from product cost. */
export const EVALUATION_SOURCES: readonly string[] = ['suite', 'judge'];

export interface CostRow {
  /** Stable key of the group (for sorting and React). */
  key: string;
  /** What the row is, as shown. */
  label: string;
  /** Where the row leads (a prompt's metrics), when it has a page. */
  href?: string;
  totals: Totals;
  /** Cost per day (or hour) over the range, for the sparkline: micro-dollars. */
  spark: number[];
}

export interface CostTable {
  dimension: CostDimension;
  rows: CostRow[];
  total: Totals;
}

export interface CostData {
  range: RangeView;
  total: Totals;
  /** Product calls (playground, API, experiments) and evaluation calls (suites, judges), apart. */
  product: Totals;
  evaluation: Totals;
  tables: CostTable[];
  /** Models with runs and no price in the range: each links to set its price. */
  unpricedModels: UnpricedModel[];
}

export interface VersionMetrics {
  version: number;
  totals: Totals;
  /** The latest finished suite run of this version: its pass rate in [0, 1]. */
  suite?: { runId: string; suiteId: string; suiteName: string; passRate: number; finishedAt: string };
}

export interface ProductionMove {
  at: string;
  from: number | null;
  to: number | null;
  actor: string;
}

export interface PromptMetricsData {
  range: RangeView;
  promptId: string;
  versions: VersionMetrics[];
  /** Per day (or hour): cost per call (micro-dollars), p50/p95 (ms), error rate and runs. */
  timeline: SeriesPoint[];
  /** Where production moved in the range (audit log). */
  moves: ProductionMove[];
  /** Models this prompt ran on in the range (the model filter's choices). */
  models: string[];
}

/** A monthly budget and this month's spend against it (month in the workspace's time zone). */
export interface BudgetView {
  /** '' for the workspace's budget, else the prompt's id. */
  promptId: string;
  /** "Workspace" or the prompt's name. */
  name: string;
  /** YYYY-MM */
  month: string;
  budgetMicros: number;
  spentMicros: number;
  /** Runs this month without a price: the spend leaves them out. */
  unpricedRuns: number;
  /** spent / budget */
  ratio: number;
  /** 'warning' from 80%, 'exceeded' from 100%. */
  level: 'ok' | 'warning' | 'exceeded';
}
