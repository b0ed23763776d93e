import 'server-only';
import type { JudgeAgreementView, RunInfo, RunSummaryView } from '@/components/suites/run/types';
import { Prisma, type PrismaClient } from '@/lib/generated/prisma/client';
import { LoomError } from '@/lib/loom/core';
import { meanInterval, wilsonInterval, type RunSummary } from '@/lib/loom/evaluator';
import { loadJudgeAgreement } from './agreement';
import { parseJudges } from './run-page-judges';

// One run of a suite as its page shows it: who ran what on which model, and its totals with the
// reviewers' verdicts applied. Totals are aggregated in SQL (one pass over the run's case rows),
// so a 10,000-case run costs one query, not 10,000 parsed JSON documents.

type Db = PrismaClient | Prisma.TransactionClient;

export const FINISHED_STATUSES = ['completed', 'completed_with_errors', 'cancelled', 'failed'] as const;

const runNotFound = (runId: string) => new LoomError('NOT_FOUND', `Run "${runId}" not found.`, { runId });

/** The run's row, scoped to the workspace; NOT_FOUND for another workspace's run or a wrong suite. */
export async function getEvalRun(db: Db, workspaceId: string, runId: string, suiteId?: string) {
  const run = await db.evalRun.findUnique({ where: { workspaceId_id: { workspaceId, id: runId } } });
  if (!run || (suiteId !== undefined && run.suiteId !== suiteId)) throw runNotFound(runId);
  return run;
}

export async function loadRunInfo(
  db: PrismaClient,
  workspaceId: string,
  runId: string,
  options: { suiteId?: string; now?: Date } = {},
): Promise<RunInfo> {
  const run = await getEvalRun(db, workspaceId, runId, options.suiteId);
  const [suite, prompt, user] = await Promise.all([
    db.suite.findUnique({ where: { workspaceId_id: { workspaceId, id: run.suiteId } } }),
    db.prompt.findUnique({
      where: { workspaceId_slug: { workspaceId, slug: run.promptId } },
      select: { name: true },
    }),
    run.createdBy
      ? db.user.findUnique({ where: { id: run.createdBy }, select: { id: true, name: true, email: true } })
      : null,
  ]);
  const end = run.finishedAt ?? (run.startedAt ? (options.now ?? new Date()) : null);
  return {
    id: run.id,
    suiteId: run.suiteId,
    suiteName: suite?.name ?? run.suiteId,
    suiteRevision: run.suiteRevision,
    promptId: run.promptId,
    promptName: prompt?.name ?? run.promptId,
    promptVersion: run.promptVersion,
    provider: run.provider,
    model: run.model,
    judges: parseJudges(run.judge),
    status: run.status,
    total: run.total,
    error: run.error,
    createdBy: user,
    createdAt: run.createdAt.toISOString(),
    startedAt: run.startedAt?.toISOString() ?? null,
    finishedAt: run.finishedAt?.toISOString() ?? null,
    durationMs: run.startedAt && end ? Math.max(0, end.getTime() - run.startedAt.getTime()) : null,
  };
}

interface SummaryRow {
  total: number;
  passed: number;
  errored: number;
  reviewed: number;
  overridden: number;
  automated_passed: number;
  target_micros: number;
  target_unpriced: number;
  judge_micros: number;
  judge_unpriced: number;
  input_tokens: number;
  output_tokens: number;
  judge_input_tokens: number;
  judge_output_tokens: number;
  p50: number | null;
  p95: number | null;
  latency_mean: number | null;
  latency_max: number | null;
  latency_total: number | null;
  judge_scores: number[] | null;
  case_scores: number[] | null;
  has_judge: boolean | null;
}

const num = (json: Prisma.Sql) =>
  Prisma.sql`(CASE WHEN jsonb_typeof(${json}) = 'number' THEN (${json})::text::float8 END)`;

/**
 * The run's totals with reviews applied, in one query. A case's verdict is the reviewer's when
 * reviewed, else the automated one; passed + failed + errored = total, where errored counts the
 * cases that errored and were not reviewed as passing. Latency percentiles are percentile_disc,
 * the same nearest-rank definition as loom's summarizeRun.
 */
export async function computeRunSummary(
  db: Db,
  workspaceId: string,
  runId: string,
  confidence = 0.95,
): Promise<RunSummaryView> {
  const rows = await db.$queryRaw<SummaryRow[]>`
    WITH c AS (
      SELECT r."pass" AS auto, rv."pass" AS reviewed, r."errored", COALESCE(rv."pass", r."pass") AS eff,
        r."result" AS res, j.judge_score, j.judge_unpriced, j.has_judge
      FROM "SuiteCaseResult" r
      LEFT JOIN "CaseReview" rv
        ON rv."workspaceId" = r."workspaceId" AND rv."runId" = r."runId" AND rv."caseId" = r."caseId"
      LEFT JOIN LATERAL (
        SELECT avg(${num(Prisma.sql`e->'score'`)}) AS judge_score,
          bool_or(e->'unpriced' = 'true'::jsonb
            OR (jsonb_typeof(e->'costMicros') IS DISTINCT FROM 'number' AND e->'error' IS NULL)) AS judge_unpriced,
          count(*) > 0 AS has_judge
        FROM jsonb_array_elements(CASE WHEN jsonb_typeof(r."result"->'evaluations') = 'array'
          THEN r."result"->'evaluations' ELSE '[]'::jsonb END) e
        WHERE e->>'kind' = 'llmJudge'
      ) j ON true
      WHERE r."workspaceId" = ${workspaceId} AND r."runId" = ${runId}
    )
    SELECT
      count(*)::int AS total,
      count(*) FILTER (WHERE eff)::int AS passed,
      count(*) FILTER (WHERE NOT eff AND errored)::int AS errored,
      count(reviewed)::int AS reviewed,
      count(*) FILTER (WHERE reviewed IS NOT NULL AND reviewed <> auto)::int AS overridden,
      count(*) FILTER (WHERE auto)::int AS automated_passed,
      COALESCE(sum(${num(Prisma.sql`res->'costMicros'`)}), 0)::float8 AS target_micros,
      count(*) FILTER (WHERE res->'unpriced' = 'true'::jsonb
        OR jsonb_typeof(res->'costMicros') IS DISTINCT FROM 'number')::int AS target_unpriced,
      COALESCE(sum(${num(Prisma.sql`res->'judgeCostMicros'`)}), 0)::float8 AS judge_micros,
      count(*) FILTER (WHERE res->'judgeUnpriced' = 'true'::jsonb OR judge_unpriced
        OR (has_judge AND jsonb_typeof(res->'judgeCostMicros') IS DISTINCT FROM 'number'))::int AS judge_unpriced,
      COALESCE(sum(${num(Prisma.sql`res->'usage'->'inputTokens'`)}), 0)::float8 AS input_tokens,
      COALESCE(sum(${num(Prisma.sql`res->'usage'->'outputTokens'`)}), 0)::float8 AS output_tokens,
      COALESCE(sum(${num(Prisma.sql`res->'judgeUsage'->'inputTokens'`)}), 0)::float8 AS judge_input_tokens,
      COALESCE(sum(${num(Prisma.sql`res->'judgeUsage'->'outputTokens'`)}), 0)::float8 AS judge_output_tokens,
      percentile_disc(0.5) WITHIN GROUP (ORDER BY ${num(Prisma.sql`res->'latencyMs'`)}) AS p50,
      percentile_disc(0.95) WITHIN GROUP (ORDER BY ${num(Prisma.sql`res->'latencyMs'`)}) AS p95,
      avg(${num(Prisma.sql`res->'latencyMs'`)}) AS latency_mean,
      max(${num(Prisma.sql`res->'latencyMs'`)}) AS latency_max,
      sum(${num(Prisma.sql`res->'latencyMs'`)}) AS latency_total,
      array_agg(judge_score) FILTER (WHERE NOT errored AND judge_score IS NOT NULL) AS judge_scores,
      array_agg(COALESCE(${num(Prisma.sql`res->'score'`)}, 0)) FILTER (WHERE NOT errored) AS case_scores,
      bool_or(has_judge) AS has_judge
    FROM c`;
  const row = rows[0];
  if (!row) throw new Error('summary query returned no row');
  const failed = row.total - row.passed - row.errored;
  const judgeScores = (row.judge_scores ?? []).map(Number);
  return {
    total: row.total,
    passed: row.passed,
    failed,
    errored: row.errored,
    reviewed: row.reviewed,
    overridden: row.overridden,
    automatedPassed: row.automated_passed,
    passRate: wilsonInterval(row.passed, row.total, confidence),
    judgeScore: row.has_judge ? meanInterval(judgeScores, confidence) : null,
    meanScore: meanInterval((row.case_scores ?? []).map(Number), confidence),
    cost: {
      targetMicros: Math.round(row.target_micros),
      targetUnpriced: row.target_unpriced,
      judgeMicros: Math.round(row.judge_micros),
      judgeUnpriced: row.judge_unpriced,
    },
    usage: { inputTokens: row.input_tokens, outputTokens: row.output_tokens },
    judgeUsage: { inputTokens: row.judge_input_tokens, outputTokens: row.judge_output_tokens },
    latencyMs: {
      p50: Number(row.p50 ?? 0),
      p95: Number(row.p95 ?? 0),
      mean: Number(row.latency_mean ?? 0),
      max: Number(row.latency_max ?? 0),
      total: Number(row.latency_total ?? 0),
    },
  };
}

/**
 * loom's RunSummary shape of the same totals (reviews applied), plus the review counts, for
 * EvalRun.summary: what other readers (the promotion gate, run lists) take the pass rate from.
 */
export function toStoredSummary(view: RunSummaryView): RunSummary & {
  unpricedCases: number;
  judgeUnpricedCases: number;
  reviewed: number;
  overridden: number;
  automatedPassed: number;
} {
  return {
    total: view.total,
    passed: view.passed,
    failed: view.total - view.passed,
    errored: view.errored,
    passRate: view.passRate,
    meanScore: view.meanScore,
    usage: view.usage,
    costMicros: view.cost.targetMicros,
    judgeUsage: view.judgeUsage,
    judgeCostMicros: view.cost.judgeMicros,
    latencyMs: view.latencyMs,
    unpricedCases: view.cost.targetUnpriced,
    judgeUnpricedCases: view.cost.judgeUnpriced,
    reviewed: view.reviewed,
    overridden: view.overridden,
    automatedPassed: view.automatedPassed,
  };
}

/** The tags of the run's suite revision, for the case table's tag filter. */
export async function listRunTags(
  db: PrismaClient,
  workspaceId: string,
  run: { suiteId: string; suiteRevision: number },
): Promise<string[]> {
  const rows = await db.$queryRaw<{ tag: string }[]>`
    SELECT DISTINCT unnest("tags") AS tag FROM "SuiteCase"
    WHERE "workspaceId" = ${workspaceId} AND "suiteId" = ${run.suiteId} AND "revision" = ${run.suiteRevision}
    ORDER BY 1 LIMIT 500`;
  return rows.map((r) => r.tag);
}

/**
 * Everything the run page renders on the server: the run, its totals with reviews applied, the
 * judge agreement of the suite's judges and the tags for the case filter.
 */
export async function loadRunPage(
  db: PrismaClient,
  workspaceId: string,
  suiteId: string,
  runId: string,
): Promise<{
  run: RunInfo;
  summary: RunSummaryView;
  agreement: JudgeAgreementView[];
  tags: string[];
}> {
  const run = await loadRunInfo(db, workspaceId, runId, { suiteId });
  const [summary, agreement, tags] = await Promise.all([
    computeRunSummary(db, workspaceId, runId),
    loadJudgeAgreement(db, workspaceId, suiteId),
    listRunTags(db, workspaceId, run),
  ]);
  return { run, summary, agreement, tags };
}
