import { z } from 'zod';
import { LOOM_ERROR_CODES, type LoomError } from '../core';
import { meanInterval, wilsonInterval } from './stats';

export const usageSchema = z.object({
  inputTokens: z.number().int().nonnegative(),
  outputTokens: z.number().int().nonnegative(),
  cachedInputTokens: z.number().int().nonnegative().optional(),
});

export const errorInfoSchema = z.object({
  code: z.enum(LOOM_ERROR_CODES),
  message: z.string(),
  details: z.record(z.string(), z.unknown()).default({}),
});
export type ErrorInfo = z.infer<typeof errorInfoSchema>;

export function errorInfo(error: LoomError): ErrorInfo {
  return { code: error.code, message: error.message, details: error.details };
}

const unit = z.number().min(0).max(1);

export const evaluatorResultSchema = z.object({
  name: z.string(),
  kind: z.string(),
  score: unit,
  pass: z.boolean(),
  reason: z.string(),
  /** Judge samples' scores and their spread. */
  scores: z.array(unit).optional(),
  stddev: z.number().nonnegative().optional(),
  usage: usageSchema.optional(),
  costMicros: z.number().int().nonnegative().optional(),
  /** The judge's model has no price: `costMicros` counts only what was priced. */
  unpriced: z.boolean().optional(),
  /** A judge's replies as written, beside the rationale parsed from them. */
  rawReply: z.string().optional(),
  error: errorInfoSchema.optional(),
});
export type EvaluatorResult = z.infer<typeof evaluatorResultSchema>;

/** Where an output too large for its row lives (see `offloadLargeOutputs`): a blob key and its size. */
export const outputBlobSchema = z.object({
  key: z.string().min(1),
  /** UTF-8 bytes of the whole output. */
  bytes: z.number().int().nonnegative(),
});
export type OutputBlob = z.infer<typeof outputBlobSchema>;

export const caseResultSchema = z.object({
  caseId: z.string(),
  tags: z.array(z.string()).default([]),
  /** Absent when the target failed; only the first characters when `outputBlob` is set. */
  output: z.string().optional(),
  /** Set when the whole output was stored in the blob store: `output` is then a preview. */
  outputBlob: outputBlobSchema.optional(),
  evaluations: z.array(evaluatorResultSchema),
  /** Mean of the evaluators' scores; 0 when the target failed. */
  score: unit,
  /** Every evaluator passed and nothing errored. */
  pass: z.boolean(),
  latencyMs: z.number().nonnegative(),
  usage: usageSchema,
  costMicros: z.number().int().nonnegative(),
  /** The target's model has no price: its cost is unknown, not the 0 in `costMicros`. */
  unpriced: z.boolean().optional(),
  judgeUsage: usageSchema,
  judgeCostMicros: z.number().int().nonnegative(),
  /** Some judge call of this case had no price: `judgeCostMicros` undercounts. */
  judgeUnpriced: z.boolean().optional(),
  /** The target's failure, or the first evaluator error (e.g. JUDGE_ERROR). */
  error: errorInfoSchema.optional(),
});
export type CaseResult = z.infer<typeof caseResultSchema>;

const intervalSchema = z.object({
  value: z.number(),
  low: z.number(),
  high: z.number(),
  confidence: z.number(),
  n: z.number().int().nonnegative(),
});

export const runSummarySchema = z.object({
  total: z.number().int().nonnegative(),
  passed: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  /** Cases with an error; they count as failures in the pass rate and are left out of the mean score. */
  errored: z.number().int().nonnegative(),
  /** Wilson score interval over all cases. */
  passRate: intervalSchema,
  /** t-based interval over the cases that were scored without error. */
  meanScore: intervalSchema.extend({ stddev: z.number().nonnegative() }),
  usage: usageSchema,
  costMicros: z.number().int().nonnegative(),
  judgeUsage: usageSchema,
  judgeCostMicros: z.number().int().nonnegative(),
  /** Cases whose target cost is unknown (no price for the model): `costMicros` leaves them out. */
  unpricedCases: z.number().int().nonnegative().default(0),
  /** Cases with a judge call of unknown cost: `judgeCostMicros` leaves those calls out. */
  judgeUnpricedCases: z.number().int().nonnegative().default(0),
  latencyMs: z.object({
    total: z.number(),
    mean: z.number(),
    p50: z.number(),
    p95: z.number(),
    max: z.number(),
  }),
});
export type RunSummary = z.infer<typeof runSummarySchema>;

export const RUN_STATUSES = ['running', 'completed', 'cancelled'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export const suiteRunRecordSchema = z.object({
  id: z.string().min(1).max(200),
  suiteId: z.string().min(1),
  status: z.enum(RUN_STATUSES),
  startedAt: z.date(),
  finishedAt: z.date().optional(),
  summary: runSummarySchema.optional(),
});
export type SuiteRunRecord = z.infer<typeof suiteRunRecordSchema>;

export interface RunResult {
  run: SuiteRunRecord & { summary: RunSummary };
  /** In suite order. */
  cases: CaseResult[];
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return sorted[index] ?? 0;
}

/** Aggregates case results: pass rate (Wilson), mean score (t), totals of tokens, cost and latency. */
export function summarizeRun(
  cases: readonly CaseResult[],
  options: { confidence?: number } = {},
): RunSummary {
  const confidence = options.confidence ?? 0.95;
  const passed = cases.filter((c) => c.pass).length;
  const errored = cases.filter((c) => c.error).length;
  const latencies = cases.map((c) => c.latencyMs).sort((a, b) => a - b);
  const totalLatency = latencies.reduce((a, b) => a + b, 0);
  const addUsage = (pick: (c: CaseResult) => z.infer<typeof usageSchema>) =>
    cases.reduce(
      (sum, c) => ({
        inputTokens: sum.inputTokens + pick(c).inputTokens,
        outputTokens: sum.outputTokens + pick(c).outputTokens,
      }),
      { inputTokens: 0, outputTokens: 0 },
    );
  return {
    total: cases.length,
    passed,
    failed: cases.length - passed,
    errored,
    passRate: wilsonInterval(passed, cases.length, confidence),
    meanScore: meanInterval(
      cases.filter((c) => !c.error).map((c) => c.score),
      confidence,
    ),
    usage: addUsage((c) => c.usage),
    costMicros: cases.reduce((sum, c) => sum + c.costMicros, 0),
    judgeUsage: addUsage((c) => c.judgeUsage),
    judgeCostMicros: cases.reduce((sum, c) => sum + c.judgeCostMicros, 0),
    unpricedCases: cases.filter((c) => c.unpriced).length,
    judgeUnpricedCases: cases.filter((c) => c.judgeUnpriced).length,
    latencyMs: {
      total: totalLatency,
      mean: latencies.length ? totalLatency / latencies.length : 0,
      p50: percentile(latencies, 0.5),
      p95: percentile(latencies, 0.95),
      max: latencies[latencies.length - 1] ?? 0,
    },
  };
}
