import 'server-only';
import { Prisma, type PrismaClient } from '@/lib/generated/prisma/client';
import { invalidField, LoomError } from '@/lib/loom/core';
import { mcnemarTest, pairedMeanDifference, type PairedVerdict } from '@/lib/loom/evaluator/paired';
import type {
  CaseFlag,
  CandidateComparison,
  CompareCaseDetail,
  CompareCaseRow,
  CompareCasesPage,
  CompareEvaluation,
  Comparison,
  CompareRunInfo,
  MetricRow,
  PickableRun,
  RunIdentity,
} from '@/components/suites/compare/types';
import { formatCount } from '@/components/suites/format';
import { ACTIVE_RUN_STATUSES, isActiveRun } from '@/components/suites/types';
import { can } from '../auth/permissions';
import type { Viewer } from '../auth/session';
import { fullOutputOf } from './case-output';

// Comparing runs of one suite against a baseline: every test is paired on the cases both runs
// share, a reviewer's verdict replaces the automated one, and each verdict carries its evidence.

type Reader = Pick<Viewer, 'workspaceId' | 'role'>;

/** A comparison table of more columns stops being readable, and each candidate costs a pass over its cases. */
export const MAX_CANDIDATES = 5;
/** Significance level of every verdict (95% intervals). */
export const COMPARE_ALPHA = 0.05;
export const COMPARE_PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 200;
const PREVIEW_CHARS = 160;

export interface CompareInput {
  suiteId: string;
  baselineRunId: string;
  runIds: readonly string[];
}

function assertRead(viewer: Reader): void {
  if (!can(viewer.role, 'read')) throw new LoomError('FORBIDDEN', 'Your role may not read runs.');
}

type RunRow = Prisma.EvalRunGetPayload<object>;

interface Resolved {
  suite: { id: string; name: string; promptId: string };
  baseline: RunRow;
  candidates: RunRow[];
}

/**
 * Checks the runs of a comparison: same workspace and suite, finished, one baseline plus 1 to
 * MAX_CANDIDATES others (the baseline and repeats are dropped from the candidates).
 */
async function resolveRuns(prisma: PrismaClient, viewer: Reader, input: CompareInput): Promise<Resolved> {
  assertRead(viewer);
  const { workspaceId } = viewer;
  const suite = await prisma.suite.findUnique({
    where: { workspaceId_id: { workspaceId, id: input.suiteId } },
    select: { id: true, name: true, promptId: true },
  });
  if (!suite) throw new LoomError('NOT_FOUND', `Suite "${input.suiteId}" not found`);
  if (!input.baselineRunId) throw invalidField('baseline', 'Choose a baseline run.');
  const candidateIds = [...new Set(input.runIds.filter((id) => id && id !== input.baselineRunId))];
  if (candidateIds.length === 0) {
    throw invalidField(
      'runs',
      'A comparison needs at least 2 runs: choose one or more runs besides the baseline.',
    );
  }
  if (candidateIds.length > MAX_CANDIDATES) {
    throw invalidField(
      'runs',
      `Compare at most ${MAX_CANDIDATES} runs with the baseline at once (${candidateIds.length} chosen).`,
    );
  }
  const ids = [input.baselineRunId, ...candidateIds];
  const rows = await prisma.evalRun.findMany({ where: { workspaceId, id: { in: ids } } });
  const byId = new Map(rows.map((r) => [r.id, r]));
  const ordered = ids.map((id, index) => {
    const run = byId.get(id);
    const path = index === 0 ? 'baseline' : 'runs';
    if (!run)
      throw new LoomError('NOT_FOUND', `Run "${id}" not found`, { issues: [{ path, message: 'not found' }] });
    if (run.suiteId !== suite.id) {
      throw invalidField(
        path,
        `Run "${id}" belongs to another suite; only runs of "${suite.name}" can be compared here.`,
      );
    }
    if (isActiveRun(run.status)) {
      throw invalidField(
        path,
        `Run "${id}" is still ${run.status === 'queued' ? 'queued' : 'running'}; compare it once it has finished.`,
      );
    }
    return run;
  });
  const [baseline, ...candidates] = ordered as [RunRow, ...RunRow[]];
  return { suite, baseline, candidates };
}

/** One case result reduced to what the comparison needs (no output text). */
interface CompactRow {
  runId: string;
  caseId: string;
  pass: boolean;
  autoPass: boolean;
  reviewPass: boolean | null;
  errored: boolean;
  score: number | null;
  judgeScore: number | null;
  judgeCount: number;
  latencyMs: number | null;
  costMicros: number | null;
  judgeCostMicros: number | null;
  unpriced: boolean;
  judgeUnpriced: boolean;
}

interface RawCompactRow {
  runId: string;
  caseId: string;
  autoPass: boolean;
  errored: boolean;
  reviewPass: boolean | null;
  score: number | null;
  judgeScore: number | null;
  judgeCount: number | bigint | null;
  latencyMs: number | null;
  costMicros: number | null;
  judgeCostMicros: number | null;
  unpriced: boolean | null;
  judgeUnpriced: boolean | null;
}

/**
 * The runs' case results in one query; the judge score is the mean of the llmJudge evaluators that
 * did not error. `verdictsOnly` reads no JSON (the case table's flips over every case); `caseIds`
 * narrows to one page.
 */
async function loadCompactRows(
  prisma: PrismaClient,
  workspaceId: string,
  runIds: readonly string[],
  options: { verdictsOnly?: boolean; caseIds?: readonly string[] } = {},
): Promise<CompactRow[]> {
  const measures = options.verdictsOnly
    ? Prisma.empty
    : Prisma.sql`,
      (r."result"->>'score')::float8 AS "score",
      (SELECT avg((e->>'score')::float8) FROM jsonb_array_elements(r."result"->'evaluations') e
        WHERE e->>'kind' = 'llmJudge' AND e->'error' IS NULL) AS "judgeScore",
      (SELECT count(*)::int FROM jsonb_array_elements(r."result"->'evaluations') e
        WHERE e->>'kind' = 'llmJudge') AS "judgeCount",
      (r."result"->>'latencyMs')::float8 AS "latencyMs",
      (r."result"->>'costMicros')::float8 AS "costMicros",
      (r."result"->>'judgeCostMicros')::float8 AS "judgeCostMicros",
      (r."result"->>'unpriced')::boolean AS "unpriced",
      (r."result"->>'judgeUnpriced')::boolean AS "judgeUnpriced"`;
  const onlyCases = options.caseIds
    ? Prisma.sql`AND r."caseId" = ANY(${[...options.caseIds]}::text[])`
    : Prisma.empty;
  const rows = await prisma.$queryRaw<
    Array<
      Partial<RawCompactRow> & Pick<RawCompactRow, 'runId' | 'caseId' | 'autoPass' | 'errored' | 'reviewPass'>
    >
  >`
    SELECT r."runId", r."caseId", r."pass" AS "autoPass", r."errored", cr."pass" AS "reviewPass" ${measures}
    FROM "SuiteCaseResult" r
    LEFT JOIN "CaseReview" cr
      ON cr."workspaceId" = r."workspaceId" AND cr."runId" = r."runId" AND cr."caseId" = r."caseId"
    WHERE r."workspaceId" = ${workspaceId} AND r."runId" = ANY(${[...runIds]}::text[]) ${onlyCases}`;
  return rows.map((r) => ({
    runId: r.runId,
    caseId: r.caseId,
    autoPass: r.autoPass,
    reviewPass: r.reviewPass,
    pass: r.reviewPass ?? r.autoPass,
    errored: r.errored,
    score: r.score ?? null,
    judgeScore: r.judgeScore ?? null,
    judgeCount: Number(r.judgeCount ?? 0),
    latencyMs: r.latencyMs ?? null,
    costMicros: r.costMicros ?? null,
    judgeCostMicros: r.judgeCostMicros ?? null,
    unpriced: r.unpriced === true,
    judgeUnpriced: r.judgeUnpriced === true,
  }));
}

function groupByRun(rows: readonly CompactRow[]): Map<string, Map<string, CompactRow>> {
  const byRun = new Map<string, Map<string, CompactRow>>();
  for (const row of rows) {
    let cases = byRun.get(row.runId);
    if (!cases) byRun.set(row.runId, (cases = new Map()));
    cases.set(row.caseId, row);
  }
  return byRun;
}

const isOverridden = (row: CompactRow) => row.reviewPass !== null && row.reviewPass !== row.autoPass;

function runIdentity(run: RunRow): RunIdentity {
  return {
    id: run.id,
    promptVersion: run.promptVersion,
    provider: run.provider,
    model: run.model,
    suiteRevision: run.suiteRevision,
    status: run.status,
    createdAt: run.createdAt.toISOString(),
  };
}

function runInfo(run: RunRow, cases: Map<string, CompactRow> | undefined): CompareRunInfo {
  let overridden = 0;
  for (const row of cases?.values() ?? []) if (isOverridden(row)) overridden++;
  return {
    ...runIdentity(run),
    promptId: run.promptId,
    finishedAt: run.finishedAt?.toISOString() ?? null,
    cases: cases?.size ?? 0,
    overridden,
  };
}

// ---- numbers in words -------------------------------------------------------------------------

/** "0.021", "< 0.001": a p-value as an analyst writes it. */
export function formatP(p: number): string {
  if (p < 0.001) return '< 0.001';
  return `= ${p < 0.01 ? p.toFixed(3) : p.toFixed(p >= 0.1 ? 2 : 3)}`;
}

function percentile(sorted: readonly number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return sorted[index] ?? 0;
}

function flipForCost(verdict: PairedVerdict): PairedVerdict {
  if (verdict === 'improvement') return 'regression';
  if (verdict === 'regression') return 'improvement';
  return verdict;
}

/**
 * A paired t-test on non-negative quantities (cost, latency). loom's paired interval works on
 * values in [0, 1]; the test is scale-free, so the values are divided by their largest and the
 * interval multiplied back.
 */
function pairedQuantity(pairs: Array<{ before: number; after: number }>) {
  const scale = Math.max(1e-12, ...pairs.map((p) => Math.max(p.before, p.after)));
  const result = pairedMeanDifference(
    pairs.map((p) => ({ before: p.before / scale, after: p.after / scale })),
    { alpha: COMPARE_ALPHA },
  );
  return {
    n: result.n,
    value: result.delta.value * scale,
    low: result.delta.low * scale,
    high: result.delta.high * scale,
    confidence: result.delta.confidence,
    pValue: result.pValue,
    verdict: result.verdict,
  };
}

const mean = (values: readonly number[]) =>
  values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length;

type MetricHead = Pick<MetricRow, 'key' | 'label' | 'unit' | 'notes'>;

/** A lower-is-better quantity (cost, latency) with no pair to measure it on. */
function unmeasuredQuantity(head: MetricHead, n: number, evidence: string, unpriced = false): MetricRow {
  return {
    ...head,
    lowerIsBetter: true,
    baseline: null,
    candidate: null,
    delta: null,
    interval: null,
    n,
    pValue: null,
    test: null,
    verdict: 'not-measurable',
    ...(unpriced ? { unpriced: true } : {}),
    evidence,
  };
}

/**
 * A lower-is-better quantity (cost, latency) by a paired t-test on `pairs` (`caseNoun`: what a
 * pair is, e.g. "priced case"); fewer than 2 pairs are too few for a test (`tooFew` says so).
 */
function pairedQuantityMetric(
  head: MetricHead,
  pairs: Array<{ before: number; after: number }>,
  what: string,
  caseNoun: string,
  tooFew: string,
): MetricRow {
  const q = pairedQuantity(pairs);
  const tested = q.n >= 2;
  return {
    ...head,
    lowerIsBetter: true,
    baseline: mean(pairs.map((p) => p.before)),
    candidate: mean(pairs.map((p) => p.after)),
    delta: q.value,
    interval: tested ? { low: q.low, high: q.high, confidence: q.confidence } : null,
    n: q.n,
    pValue: tested ? q.pValue : null,
    test: tested ? 'Paired t-test' : null,
    verdict: tested ? flipForCost(q.verdict) : 'not-measurable',
    evidence: tested
      ? `Paired t-test on the ${what} of ${formatCount(q.n, caseNoun)}: p ${formatP(q.pValue)}`
      : tooFew,
  };
}

function compareCandidate(
  baselineRun: RunRow,
  candidateRun: RunRow,
  base: Map<string, CompactRow>,
  cand: Map<string, CompactRow>,
): CandidateComparison {
  const shared: Array<[CompactRow, CompactRow]> = [];
  for (const [caseId, b] of base) {
    const c = cand.get(caseId);
    if (c) shared.push([b, c]);
  }
  const onlyInCandidate = [...cand.keys()].filter((id) => !base.has(id)).length;
  const overriddenShared = {
    baseline: shared.filter(([b]) => isOverridden(b)).length,
    candidate: shared.filter(([, c]) => isOverridden(c)).length,
  };
  const metrics: MetricRow[] = [];

  // Pass rate: McNemar on the reviewed verdicts.
  const mc = mcnemarTest(
    shared.map(([b, c]) => ({ before: b.pass, after: c.pass })),
    { alpha: COMPARE_ALPHA },
  );
  const reviewNote =
    overriddenShared.baseline + overriddenShared.candidate > 0
      ? [
          `Reviewer verdicts replace the automated ones: ${overriddenShared.baseline} in the baseline, ${overriddenShared.candidate} in the candidate.`,
        ]
      : [];
  metrics.push({
    key: 'passRate',
    label: 'Pass rate',
    unit: 'rate',
    lowerIsBetter: false,
    baseline: mc.n ? (mc.bothPass + mc.lost) / mc.n : null,
    candidate: mc.n ? (mc.bothPass + mc.gained) / mc.n : null,
    delta: mc.n ? mc.delta.value : null,
    interval: mc.n ? { low: mc.delta.low, high: mc.delta.high, confidence: mc.delta.confidence } : null,
    n: mc.n,
    pValue: mc.n ? mc.pValue : null,
    test: 'McNemar exact test',
    verdict: mc.n ? mc.verdict : 'not-measurable',
    evidence: mc.n
      ? `McNemar exact test, ${formatCount(mc.n, 'shared case')}: ${mc.lost} lost, ${mc.gained} gained, p ${formatP(mc.pValue)}`
      : 'No case is in both runs, so there is nothing to pair.',
    notes: reviewNote,
  });

  // Mean judge score (llmJudge evaluators) or, without a judge, the case score; errored cases have no score.
  const hasJudge = shared.some(([b, c]) => b.judgeCount > 0 || c.judgeCount > 0);
  const scoreOf = (row: CompactRow) => (hasJudge ? row.judgeScore : row.errored ? null : row.score);
  const scorePairs: Array<{ before: number; after: number }> = [];
  for (const [b, c] of shared) {
    const before = scoreOf(b);
    const after = scoreOf(c);
    if (before !== null && after !== null) scorePairs.push({ before, after });
  }
  const sp = pairedMeanDifference(scorePairs, { alpha: COMPARE_ALPHA });
  const scoreLabel = hasJudge ? 'Mean judge score' : 'Mean score';
  const unscored = shared.length - sp.n;
  metrics.push({
    key: 'score',
    label: scoreLabel,
    unit: 'score',
    lowerIsBetter: false,
    baseline: sp.n ? mean(scorePairs.map((p) => p.before)) : null,
    candidate: sp.n ? mean(scorePairs.map((p) => p.after)) : null,
    delta: sp.n ? sp.delta.value : null,
    interval: sp.n >= 2 ? { low: sp.delta.low, high: sp.delta.high, confidence: sp.delta.confidence } : null,
    n: sp.n,
    pValue: sp.n >= 2 ? sp.pValue : null,
    test: 'Paired t-test',
    verdict: sp.n >= 2 ? sp.verdict : 'not-measurable',
    evidence:
      sp.n >= 2
        ? `Paired t-test, ${formatCount(sp.n, 'case')} scored in both runs: p ${formatP(sp.pValue)}`
        : `Fewer than 2 cases scored in both runs (${sp.n}), too few for a test.`,
    notes: [
      ...(hasJudge
        ? []
        : ['No LLM judge in these runs: the case score (mean of the evaluators) is compared.']),
      ...(unscored > 0
        ? [`${formatCount(unscored, 'shared case')} left out: errored or unscored on one side.`]
        : []),
    ],
  });

  // Cost per case, target and judge apart; unpriced cases are left out of the pairs, never counted as $0.
  for (const side of ['target', 'judge'] as const) {
    const costOf = (row: CompactRow) =>
      side === 'target'
        ? row.unpriced
          ? null
          : row.costMicros
        : row.judgeUnpriced
          ? null
          : row.judgeCostMicros;
    const pairs: Array<{ before: number; after: number }> = [];
    let unpriced = 0;
    for (const [b, c] of shared) {
      const before = costOf(b);
      const after = costOf(c);
      if (before === null || after === null) unpriced++;
      else pairs.push({ before, after });
    }
    const label = side === 'target' ? 'Cost per case (target)' : 'Cost per case (judge)';
    const notes = unpriced
      ? [
          `${formatCount(unpriced, 'shared case')} left out: no price for the model on one side (unpriced, not $0).`,
        ]
      : [];
    const head: MetricHead = {
      key: side === 'target' ? 'costTarget' : 'costJudge',
      label,
      unit: 'micros',
      notes,
    };
    const none = pairs.length === 0;
    const allZero = pairs.every((p) => p.before === 0 && p.after === 0);
    if (none || (side === 'judge' && allZero && !hasJudge)) {
      const evidence = none
        ? shared.length
          ? 'Unpriced: no shared case has a known price on both sides.'
          : 'No case is in both runs.'
        : 'No judge in these runs.';
      metrics.push(unmeasuredQuantity(head, pairs.length, evidence, none && shared.length > 0));
      continue;
    }
    metrics.push(
      pairedQuantityMetric(
        head,
        pairs,
        'cost',
        'priced case',
        'Fewer than 2 priced cases in both runs, too few for a test.',
      ),
    );
  }

  // Latency: the paired mean carries the verdict; the percentiles are shown for reference.
  const latencyPairs: Array<{ before: number; after: number }> = [];
  for (const [b, c] of shared) {
    if (b.latencyMs !== null && c.latencyMs !== null)
      latencyPairs.push({ before: b.latencyMs, after: c.latencyMs });
  }
  const latencyHead: MetricHead = { key: 'latencyMean', label: 'Latency (mean)', unit: 'ms', notes: [] };
  if (latencyPairs.length === 0) {
    metrics.push(unmeasuredQuantity(latencyHead, 0, 'No case is in both runs.'));
  } else {
    metrics.push(
      pairedQuantityMetric(
        latencyHead,
        latencyPairs,
        'latency',
        'shared case',
        'Fewer than 2 shared cases, too few for a test.',
      ),
    );
    const before = latencyPairs.map((p) => p.before).sort((a, b) => a - b);
    const after = latencyPairs.map((p) => p.after).sort((a, b) => a - b);
    for (const [key, p] of [
      ['latencyP50', 0.5],
      ['latencyP95', 0.95],
    ] as const) {
      const b = percentile(before, p);
      const a = percentile(after, p);
      metrics.push({
        key,
        label: `Latency p${Math.round(p * 100)}`,
        unit: 'ms',
        lowerIsBetter: true,
        baseline: b,
        candidate: a,
        delta: a - b,
        interval: null,
        n: latencyPairs.length,
        pValue: null,
        test: null,
        verdict: 'not-tested',
        evidence: `Percentile of ${formatCount(latencyPairs.length, 'shared case')}, for reference; the verdict on latency is the mean's.`,
        notes: [],
      });
    }
  }

  return {
    run: runInfo(candidateRun, cand),
    sharedCases: shared.length,
    onlyInBaseline: base.size - shared.length,
    onlyInCandidate,
    revisionMismatch: candidateRun.suiteRevision !== baselineRun.suiteRevision,
    overriddenShared,
    lost: mc.lost,
    gained: mc.gained,
    metrics,
  };
}

/**
 * Each candidate against the baseline: pass/fail (McNemar, reviewed verdicts), mean judge score
 * (paired t), cost per case for target and judge, latency; with the shared and one-sided case
 * counts and a warning when the suite revisions differ.
 */
export async function compareRuns(
  prisma: PrismaClient,
  viewer: Reader,
  input: CompareInput,
): Promise<Comparison> {
  const { suite, baseline, candidates } = await resolveRuns(prisma, viewer, input);
  const rows = await loadCompactRows(prisma, viewer.workspaceId, [
    baseline.id,
    ...candidates.map((c) => c.id),
  ]);
  const byRun = groupByRun(rows);
  const base = byRun.get(baseline.id) ?? new Map<string, CompactRow>();
  const revisions = [...new Set([baseline, ...candidates].map((r) => r.suiteRevision))].sort((a, b) => a - b);
  return {
    suite,
    baseline: runInfo(baseline, base),
    candidates: candidates.map((c) => compareCandidate(baseline, c, base, byRun.get(c.id) ?? new Map())),
    revisionMismatch: revisions.length > 1 ? { revisions } : null,
    alpha: COMPARE_ALPHA,
  };
}

// ---- the case table -----------------------------------------------------------------------------

export interface CompareCasesQuery extends CompareInput {
  page?: number;
  pageSize?: number;
  changedOnly?: boolean;
  search?: string;
}

interface CaseMeta {
  position: number;
  input: unknown;
  expected: string | null;
}

/** The cases' places and inputs, from the baseline's revision first, then the candidates'. */
async function loadCaseMeta(
  prisma: PrismaClient,
  workspaceId: string,
  suiteId: string,
  revisions: readonly number[],
  caseIds?: readonly string[],
): Promise<Map<string, CaseMeta>> {
  const rows = await prisma.suiteCase.findMany({
    where: {
      workspaceId,
      suiteId,
      revision: { in: [...new Set(revisions)] },
      ...(caseIds ? { caseId: { in: [...caseIds] } } : {}),
    },
    select: {
      caseId: true,
      revision: true,
      position: true,
      ...(caseIds ? { input: true, expected: true } : {}),
    },
  });
  const rank = new Map(revisions.map((r, i) => [r, i] as const));
  const best = new Map<string, { rank: number; meta: CaseMeta }>();
  for (const row of rows) {
    const r = rank.get(row.revision) ?? Number.MAX_SAFE_INTEGER;
    const seen = best.get(row.caseId);
    if (!seen || r < seen.rank) {
      best.set(row.caseId, {
        rank: r,
        meta: {
          position: row.position,
          input: 'input' in row ? row.input : null,
          expected: 'expected' in row ? (row.expected ?? null) : null,
        },
      });
    }
  }
  return new Map([...best].map(([id, v]) => [id, v.meta]));
}

function preview(text: string | null | undefined): string | null {
  if (text === null || text === undefined) return null;
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > PREVIEW_CHARS ? `${flat.slice(0, PREVIEW_CHARS - 1)}…` : flat;
}

function inputPreview(input: unknown): string {
  if (input === null || input === undefined) return '';
  if (typeof input === 'object' && !Array.isArray(input)) {
    const parts = Object.entries(input as Record<string, unknown>).map(
      ([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`,
    );
    return preview(parts.join(' · ')) ?? '';
  }
  return preview(JSON.stringify(input)) ?? '';
}

interface FlipRow {
  caseId: string;
  b: boolean | null;
  c: Array<boolean | null>;
  rank: number;
}

/**
 * The flips of every case in SQL (one scan of the runs' verdicts, reviews applied): a page of case
 * ids in table order (regressions, improvements, then the rest by suite position) and the counts.
 */
async function pageOfFlips(
  prisma: PrismaClient,
  workspaceId: string,
  input: {
    suiteId: string;
    baselineId: string;
    candidateIds: readonly string[];
    revisions: readonly number[];
    changedOnly: boolean;
    search: string;
    limit: number;
    offset: number;
  },
): Promise<{ rows: FlipRow[]; total: number; counts: CompareCasesPage['counts'] }> {
  const runIds = [input.baselineId, ...input.candidateIds];
  const revisions = [...input.revisions];
  const candidateColumns = Prisma.join(
    input.candidateIds.map((id) => Prisma.sql`bool_or(v."pass") FILTER (WHERE v."runId" = ${id})`),
  );
  const pattern = `%${input.search.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
  // An output kept in the blob store (LOOM_RUN_OUTPUT_INLINE_BYTES) is searched in its row's
  // preview, its first 2,000 characters.
  const filters = Prisma.sql`TRUE
    ${input.changedOnly ? Prisma.sql`AND f."rank" < 2` : Prisma.empty}
    ${
      input.search
        ? Prisma.sql`AND f."caseId" IN (
            SELECT r."caseId" FROM "SuiteCaseResult" r
            WHERE r."workspaceId" = ${workspaceId} AND r."runId" = ANY(${runIds}::text[])
              AND (r."caseId" ILIKE ${pattern} OR (r."result"->>'output') ILIKE ${pattern})
            UNION
            SELECT sc."caseId" FROM "SuiteCase" sc
            WHERE sc."workspaceId" = ${workspaceId} AND sc."suiteId" = ${input.suiteId}
              AND sc."revision" = ANY(${revisions}::int[])
              AND (sc."caseId" ILIKE ${pattern} OR sc."input"::text ILIKE ${pattern} OR sc."expected" ILIKE ${pattern}))`
        : Prisma.empty
    }`;
  const flagged = Prisma.sql`
    WITH v AS (
      SELECT r."caseId", r."runId", COALESCE(cr."pass", r."pass") AS "pass"
      FROM "SuiteCaseResult" r
      LEFT JOIN "CaseReview" cr
        ON cr."workspaceId" = r."workspaceId" AND cr."runId" = r."runId" AND cr."caseId" = r."caseId"
      WHERE r."workspaceId" = ${workspaceId} AND r."runId" = ANY(${runIds}::text[])
    ), per_case AS (
      SELECT v."caseId", bool_or(v."pass") FILTER (WHERE v."runId" = ${input.baselineId}) AS "b",
        ARRAY[${candidateColumns}]::boolean[] AS "c"
      FROM v GROUP BY v."caseId"
    ), positions AS (
      SELECT DISTINCT ON (sc."caseId") sc."caseId", sc."position"
      FROM "SuiteCase" sc
      WHERE sc."workspaceId" = ${workspaceId} AND sc."suiteId" = ${input.suiteId}
        AND sc."revision" = ANY(${revisions}::int[])
      ORDER BY sc."caseId", array_position(${revisions}::int[], sc."revision")
    ), f AS (
      SELECT p."caseId", p."b", p."c", pos."position",
        COALESCE(p."b" AND false = ANY(p."c"), false) AS "regressed",
        COALESCE(NOT p."b" AND true = ANY(p."c"), false) AS "improved",
        CASE WHEN p."b" AND false = ANY(p."c") THEN 0 WHEN NOT p."b" AND true = ANY(p."c") THEN 1 ELSE 2 END AS "rank"
      FROM per_case p LEFT JOIN positions pos ON pos."caseId" = p."caseId"
    )`;
  const [rows, aggregate] = await Promise.all([
    prisma.$queryRaw<FlipRow[]>`${flagged}
      SELECT f."caseId", f."b", f."c", f."rank" FROM f WHERE ${filters}
      ORDER BY f."rank", f."position" NULLS LAST, f."caseId"
      LIMIT ${input.limit} OFFSET ${input.offset}`,
    prisma.$queryRaw<
      Array<{ all: number; regressions: number; improvements: number; changed: number; total: number }>
    >`${flagged}
      SELECT count(*)::int AS "all",
        count(*) FILTER (WHERE f."regressed")::int AS "regressions",
        count(*) FILTER (WHERE f."improved")::int AS "improvements",
        count(*) FILTER (WHERE f."rank" < 2)::int AS "changed",
        count(*) FILTER (WHERE ${filters})::int AS "total"
      FROM f`,
  ]);
  const a = aggregate[0];
  return {
    rows,
    total: a?.total ?? 0,
    counts: {
      all: a?.all ?? 0,
      regressions: a?.regressions ?? 0,
      improvements: a?.improvements ?? 0,
      changed: a?.changed ?? 0,
    },
  };
}

/**
 * One page of the comparison's cases: flips are computed in one pass over compact rows (no query
 * per case), sorted regressions first, then improvements, then the rest by suite position; only
 * the page's outputs and inputs are read.
 */
export async function listCompareCases(
  prisma: PrismaClient,
  viewer: Reader,
  query: CompareCasesQuery,
): Promise<CompareCasesPage> {
  const { baseline, candidates } = await resolveRuns(prisma, viewer, query);
  const { workspaceId } = viewer;
  const runIds = [baseline.id, ...candidates.map((c) => c.id)];
  const revisions = [baseline.suiteRevision, ...candidates.map((c) => c.suiteRevision)];
  const pageSize = Math.min(MAX_PAGE_SIZE, Math.max(1, Math.floor(query.pageSize ?? COMPARE_PAGE_SIZE)));
  const page = Math.max(1, Math.floor(query.page ?? 1));
  const search = query.search?.trim() ?? '';

  const flips = await pageOfFlips(prisma, workspaceId, {
    suiteId: query.suiteId,
    baselineId: baseline.id,
    candidateIds: candidates.map((c) => c.id),
    revisions,
    changedOnly: query.changedOnly === true,
    search,
    limit: pageSize,
    offset: (page - 1) * pageSize,
  });
  const slice = flips.rows.map((row) => ({
    caseId: row.caseId,
    flags: candidates.map((_, i): CaseFlag => {
      const after = row.c[i] ?? null;
      if (row.b === null || after === null) return 'missing';
      if (row.b && !after) return 'regression';
      if (!row.b && after) return 'improvement';
      return 'same';
    }),
  }));
  const ids = slice.map((e) => e.caseId);

  const [details, meta, measured] = await Promise.all([
    ids.length
      ? prisma.$queryRaw<Array<{ runId: string; caseId: string; output: string | null }>>`
          SELECT "runId", "caseId", left("result"->>'output', ${PREVIEW_CHARS * 2}) AS "output"
          FROM "SuiteCaseResult"
          WHERE "workspaceId" = ${workspaceId} AND "runId" = ANY(${runIds}::text[])
            AND "caseId" = ANY(${ids}::text[])`
      : [],
    ids.length
      ? loadCaseMeta(prisma, workspaceId, query.suiteId, revisions, ids)
      : new Map<string, CaseMeta>(),
    ids.length ? loadCompactRows(prisma, workspaceId, runIds, { caseIds: ids }) : [],
  ]);
  const pageRows = groupByRun(measured);
  const outputs = new Map(details.map((d) => [`${d.runId}\u0000${d.caseId}`, d.output]));

  const result: CompareCaseRow[] = slice.map((entry) => {
    const m = meta.get(entry.caseId);
    return {
      caseId: entry.caseId,
      position: m ? m.position + 1 : null,
      inputPreview: inputPreview(m?.input),
      flags: entry.flags,
      cells: runIds.map((runId) => {
        const row = pageRows.get(runId)?.get(entry.caseId);
        return row
          ? {
              runId,
              present: true,
              pass: row.pass,
              overridden: isOverridden(row),
              errored: row.errored,
              score: row.judgeCount > 0 ? row.judgeScore : row.errored ? null : row.score,
              outputPreview: preview(outputs.get(`${runId}\u0000${entry.caseId}`)),
            }
          : {
              runId,
              present: false,
              pass: null,
              overridden: false,
              errored: false,
              score: null,
              outputPreview: null,
            };
      }),
    };
  });
  return { rows: result, page, pageSize, total: flips.total, counts: flips.counts };
}

// ---- one case, in full -------------------------------------------------------------------------

interface StoredEvaluation {
  name?: unknown;
  kind?: unknown;
  score?: unknown;
  pass?: unknown;
  reason?: unknown;
  error?: { message?: unknown } | null;
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

const numberOrNull = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** A case in every run of the comparison: full outputs, the expected answer, each evaluator's verdict and any review. */
export async function getCompareCase(
  prisma: PrismaClient,
  viewer: Reader,
  input: CompareInput & { caseId: string },
): Promise<CompareCaseDetail> {
  const { baseline, candidates } = await resolveRuns(prisma, viewer, input);
  const { workspaceId } = viewer;
  const runIds = [baseline.id, ...candidates.map((c) => c.id)];
  const revisions = [baseline.suiteRevision, ...candidates.map((c) => c.suiteRevision)];
  const [results, reviews, meta] = await Promise.all([
    prisma.suiteCaseResult.findMany({ where: { workspaceId, runId: { in: runIds }, caseId: input.caseId } }),
    prisma.caseReview.findMany({ where: { workspaceId, runId: { in: runIds }, caseId: input.caseId } }),
    loadCaseMeta(prisma, workspaceId, input.suiteId, revisions, [input.caseId]),
  ]);
  if (results.length === 0) {
    throw new LoomError('NOT_FOUND', `Case "${input.caseId}" is in none of the compared runs`);
  }
  const outputs = new Map(
    await Promise.all(results.map(async (r) => [r.runId, await fullOutputOf(r.result)] as const)),
  );
  const m = meta.get(input.caseId);
  return {
    caseId: input.caseId,
    position: m ? m.position + 1 : null,
    input: m?.input ?? null,
    expected: m?.expected ?? null,
    sides: runIds.map((runId) => {
      const row = results.find((r) => r.runId === runId);
      const review = reviews.find((r) => r.runId === runId);
      if (!row) {
        return {
          runId,
          present: false,
          output: null,
          pass: null,
          automatedPass: null,
          review: null,
          score: null,
          error: null,
          latencyMs: null,
          costMicros: null,
          judgeCostMicros: null,
          unpriced: false,
          judgeUnpriced: false,
          evaluations: [],
        };
      }
      const result = asRecord(row.result);
      const evaluations: CompareEvaluation[] = (
        Array.isArray(result.evaluations) ? result.evaluations : []
      ).map((raw: StoredEvaluation) => ({
        name: String(raw.name ?? ''),
        kind: String(raw.kind ?? ''),
        score: numberOrNull(raw.score) ?? 0,
        pass: raw.pass === true,
        reason: typeof raw.reason === 'string' ? raw.reason : '',
        error: raw.error && typeof raw.error.message === 'string' ? raw.error.message : null,
      }));
      const error = asRecord(result.error);
      return {
        runId,
        present: true,
        output: outputs.get(runId) ?? null,
        pass: review ? review.pass : row.pass,
        automatedPass: row.pass,
        review: review
          ? { pass: review.pass, reason: review.reason, reviewerEmail: review.reviewerEmail }
          : null,
        score: numberOrNull(result.score),
        error:
          typeof error.message === 'string' ? `${String(error.code ?? 'ERROR')}: ${error.message}` : null,
        latencyMs: numberOrNull(result.latencyMs),
        costMicros: result.unpriced === true ? null : numberOrNull(result.costMicros),
        judgeCostMicros: result.judgeUnpriced === true ? null : numberOrNull(result.judgeCostMicros),
        unpriced: result.unpriced === true,
        judgeUnpriced: result.judgeUnpriced === true,
        evaluations,
      };
    }),
  };
}

// ---- the picker ---------------------------------------------------------------------------------

/** The suite's finished runs, newest first, for choosing a baseline and candidates. */
export async function listComparableRuns(
  prisma: PrismaClient,
  viewer: Reader,
  suiteId: string,
): Promise<{ suite: { id: string; name: string; promptId: string }; runs: PickableRun[] }> {
  assertRead(viewer);
  const suite = await prisma.suite.findUnique({
    where: { workspaceId_id: { workspaceId: viewer.workspaceId, id: suiteId } },
    select: { id: true, name: true, promptId: true },
  });
  if (!suite) throw new LoomError('NOT_FOUND', `Suite "${suiteId}" not found`);
  const runs = await prisma.evalRun.findMany({
    where: { workspaceId: viewer.workspaceId, suiteId, status: { notIn: [...ACTIVE_RUN_STATUSES] } },
    orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
    take: 200,
  });
  const passed = runs.length
    ? await prisma.$queryRaw<Array<{ runId: string; passed: number; total: number }>>`
        SELECT r."runId", count(*)::int AS "total",
          count(*) FILTER (WHERE COALESCE(cr."pass", r."pass"))::int AS "passed"
        FROM "SuiteCaseResult" r
        LEFT JOIN "CaseReview" cr
          ON cr."workspaceId" = r."workspaceId" AND cr."runId" = r."runId" AND cr."caseId" = r."caseId"
        WHERE r."workspaceId" = ${viewer.workspaceId} AND r."runId" = ANY(${runs.map((r) => r.id)}::text[])
        GROUP BY r."runId"`
    : [];
  const counts = new Map(passed.map((p) => [p.runId, p]));
  return {
    suite,
    runs: runs.map((run) => {
      const c = counts.get(run.id);
      return {
        ...runIdentity(run),
        total: c?.total ?? 0,
        passed: c ? c.passed : null,
        passRate: c && c.total > 0 ? c.passed / c.total : null,
      };
    }),
  };
}
