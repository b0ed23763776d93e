// What the comparison screen receives from lib/server/suites/compare.ts (plain JSON, no server code).

/** A paired test's answer, or why there is none. */
export type MetricVerdict =
  | 'improvement'
  | 'regression'
  | 'no-detectable-change'
  /** Shown for reference (a percentile), not tested. */
  | 'not-tested'
  /** Nothing to compare (e.g. no case scored or priced on both sides). */
  | 'not-measurable';

export type MetricKey =
  'passRate' | 'score' | 'costTarget' | 'costJudge' | 'latencyMean' | 'latencyP50' | 'latencyP95';

/** How a value is displayed: a rate (0..1), a score (0..1), micro-dollars per case, milliseconds. */
export type MetricUnit = 'rate' | 'score' | 'micros' | 'ms';

export interface MetricRow {
  key: MetricKey;
  label: string;
  unit: MetricUnit;
  /** Lower is better (cost, latency): a rise is the regression. */
  lowerIsBetter: boolean;
  baseline: number | null;
  candidate: number | null;
  /** candidate - baseline */
  delta: number | null;
  /** Interval on the delta, at `confidence`. */
  interval: { low: number; high: number; confidence: number } | null;
  /** Pairs the test used. */
  n: number;
  pValue: number | null;
  /** e.g. "McNemar exact test"; null when not tested. */
  test: string | null;
  verdict: MetricVerdict;
  /** The evidence in words: test, n, counts, p-value. */
  evidence: string;
  /** Caveats (unpriced cases left out, ...). */
  notes: string[];
  /** No shared case had a known price on both sides: the cost is unknown, not $0. */
  unpriced?: boolean;
}

/** What says which run a row is (run-columns.tsx), shared by the picker and the comparison. */
export interface RunIdentity {
  id: string;
  promptVersion: number;
  provider: string;
  model: string;
  suiteRevision: number;
  status: string;
  createdAt: string;
}

export interface CompareRunInfo extends RunIdentity {
  promptId: string;
  finishedAt: string | null;
  /** Case results stored for the run. */
  cases: number;
  /** Reviewed cases whose reviewer verdict differs from the automated one. */
  overridden: number;
}

export interface CandidateComparison {
  run: CompareRunInfo;
  sharedCases: number;
  onlyInBaseline: number;
  onlyInCandidate: number;
  revisionMismatch: boolean;
  /** Overrides applied on the shared cases, per side. */
  overriddenShared: { baseline: number; candidate: number };
  lost: number;
  gained: number;
  metrics: MetricRow[];
}

export interface Comparison {
  suite: { id: string; name: string; promptId: string };
  baseline: CompareRunInfo;
  candidates: CandidateComparison[];
  /** Set when the runs used different suite revisions. */
  revisionMismatch: { revisions: number[] } | null;
  alpha: number;
}

/** A case's state in one run, against the baseline. */
export type CaseFlag = 'regression' | 'improvement' | 'same' | 'missing';

export interface CompareCaseCell {
  runId: string;
  present: boolean;
  /** The effective verdict (a review overrides the automated one). */
  pass: boolean | null;
  overridden: boolean;
  errored: boolean;
  score: number | null;
  outputPreview: string | null;
}

export interface CompareCaseRow {
  caseId: string;
  /** 1-based place in the suite (the baseline's revision first); null when the case left the suite. */
  position: number | null;
  inputPreview: string;
  /** Per candidate, in the order of the comparison's candidates. */
  flags: CaseFlag[];
  /** Baseline first, then the candidates. */
  cells: CompareCaseCell[];
}

export interface CompareCasesPage {
  rows: CompareCaseRow[];
  page: number;
  pageSize: number;
  /** Rows matching the filters. */
  total: number;
  counts: { all: number; regressions: number; improvements: number; changed: number };
}

export interface CompareEvaluation {
  name: string;
  kind: string;
  score: number;
  pass: boolean;
  reason: string;
  error: string | null;
}

export interface CompareCaseSide {
  runId: string;
  present: boolean;
  output: string | null;
  pass: boolean | null;
  automatedPass: boolean | null;
  review: { pass: boolean; reason: string; reviewerEmail: string } | null;
  score: number | null;
  error: string | null;
  latencyMs: number | null;
  costMicros: number | null;
  judgeCostMicros: number | null;
  unpriced: boolean;
  judgeUnpriced: boolean;
  evaluations: CompareEvaluation[];
}

export interface CompareCaseDetail {
  caseId: string;
  position: number | null;
  input: unknown;
  expected: string | null;
  /** Baseline first, then the candidates. */
  sides: CompareCaseSide[];
}

/** A finished run offered by the picker. */
export interface PickableRun extends RunIdentity {
  total: number;
  passed: number | null;
  passRate: number | null;
}
