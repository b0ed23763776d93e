// The run page's data as the server sends it (plain JSON: dates are ISO strings). Shared by the
// loaders in lib/server/suites and the components here, which may not import server code.

export type EvalRunStatus =
  'queued' | 'running' | 'completed' | 'completed_with_errors' | 'cancelled' | 'failed';

export interface JudgeSnapshot {
  /** The evaluator's result name, when the run recorded it. */
  evaluator?: string;
  promptId: string;
  version?: number;
  provider?: string;
  model?: string;
}

export interface RunInfo {
  id: string;
  suiteId: string;
  suiteName: string;
  suiteRevision: number;
  promptId: string;
  promptName: string;
  promptVersion: number;
  provider: string;
  model: string;
  judges: JudgeSnapshot[];
  status: EvalRunStatus | string;
  total: number;
  error: string | null;
  createdBy: { id: string; name: string; email: string } | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** From start to finish (or to now while it runs); null before it starts. */
  durationMs: number | null;
}

export interface IntervalView {
  value: number;
  low: number;
  high: number;
  confidence: number;
  n: number;
}

/** Totals of one run with the reviewers' verdicts applied. Costs are micro-dollars. */
export interface RunSummaryView {
  /** Cases with a result. */
  total: number;
  /** passed + failed + errored = total; a reviewer's verdict decides a reviewed case. */
  passed: number;
  failed: number;
  errored: number;
  reviewed: number;
  /** Reviews whose verdict differs from the automated one. */
  overridden: number;
  /** The automated pass count, before reviews. */
  automatedPassed: number;
  passRate: IntervalView;
  /** Mean of the judge evaluators' scores over cases without error; null without a judge. */
  judgeScore: (IntervalView & { stddev: number }) | null;
  /** Mean of every evaluator's score (loom's case score) over cases without error. */
  meanScore: IntervalView & { stddev: number };
  cost: {
    /** Over priced cases only. */
    targetMicros: number;
    /** Cases whose target call had no known price: not counted as free. */
    targetUnpriced: number;
    judgeMicros: number;
    judgeUnpriced: number;
  };
  usage: { inputTokens: number; outputTokens: number };
  judgeUsage: { inputTokens: number; outputTokens: number };
  latencyMs: { p50: number; p95: number; mean: number; max: number; total: number };
}

export type KappaReadingView =
  'worse than chance' | 'slight' | 'fair' | 'moderate' | 'substantial' | 'almost perfect';

export interface JudgeAgreementView {
  /** The rubric prompt (registry id) of the judge, or the evaluator's name when unknown. */
  rubricPromptId: string;
  evaluatorNames: string[];
  n: number;
  agree: number;
  disagree: number;
  table: { passPass: number; passFail: number; failPass: number; failFail: number };
  kappa: number | null;
  undefinedReason: string | null;
  reading: KappaReadingView | null;
  /** True below the number of reviewed cases a kappa needs to be steady. */
  needsMoreReviews: boolean;
  runs: number;
}

export const CASE_FILTERS = ['all', 'failed', 'errored', 'passed', 'overridden', 'reviewed'] as const;
export type CaseFilter = (typeof CASE_FILTERS)[number];

export type Verdict = 'pass' | 'fail' | 'error';

export interface CaseRow {
  caseId: string;
  position: number;
  inputPreview: string;
  outputPreview: string | null;
  expectedPreview: string | null;
  /** The evaluators' verdict: error when the case errored. */
  automated: Verdict;
  /** A reviewer's verdict, when reviewed. */
  reviewed: 'pass' | 'fail' | null;
  /** What counts: the reviewer's verdict, else the automated one. */
  verdict: Verdict;
  score: number;
  judgeScore: number | null;
  costMicros: number | null;
  judgeCostMicros: number | null;
  latencyMs: number;
  tags: string[];
  errorCode: string | null;
}

export interface CasePage {
  rows: CaseRow[];
  total: number;
  page: number;
  pageSize: number;
  pageCount: number;
}

export interface EvaluationView {
  name: string;
  kind: string;
  score: number;
  pass: boolean;
  reason: string;
  isJudge: boolean;
  scores?: number[];
  stddev?: number;
  usage?: { inputTokens: number; outputTokens: number };
  costMicros: number | null;
  unpriced: boolean;
  /** The judge's reply as it came, when the run stored it (or when the judge's reply was unreadable). */
  rawReply: string | null;
  error: { code: string; message: string } | null;
}

export interface CaseReviewView {
  pass: boolean;
  reason: string;
  reviewerEmail: string;
  createdAt: string;
}

export interface CaseDetail {
  runId: string;
  caseId: string;
  position: number;
  input: Record<string, unknown>;
  expected: string | null;
  tags: string[];
  notes: string;
  messages: { role: string; content: string }[] | null;
  /** Why the messages could not be rendered (e.g. the prompt version was deleted). */
  messagesError: string | null;
  output: string | null;
  automated: Verdict;
  score: number;
  evaluations: EvaluationView[];
  /** Whether any judge evaluation carries its raw reply; the parsed rationale is shown regardless. */
  rawReplyStored: boolean;
  latencyMs: number;
  usage: { inputTokens: number; outputTokens: number };
  costMicros: number | null;
  judgeUsage: { inputTokens: number; outputTokens: number };
  judgeCostMicros: number | null;
  error: { code: string; message: string } | null;
  review: CaseReviewView | null;
  finishedAt: string;
}
