import 'server-only';
import { z } from 'zod';
import {
  CASE_FILTERS,
  type CaseDetail,
  type CasePage,
  type CaseRow,
  type EvaluationView,
  type Verdict,
} from '@/components/suites/run/types';
import { Prisma, type PrismaClient } from '@/lib/generated/prisma/client';
import { attach, isLoomError, LoomError } from '@/lib/loom/core';
import { getRegistry, getTemplateEngine } from '../loom';
import { withTemplateBudget } from '../template-budget';
import { fullOutputOf } from './case-output';
import { FINISHED_STATUSES, getEvalRun } from './run-page';

// The run page's case table, one page at a time, and one case in full for its drawer. Rows come in
// the order of the suite revision the run used (SuiteCase.position); filters and search run in SQL.
// The matching keys are gathered first from narrow columns (two covering indexes make that an
// index-only hash join, whatever the page: migration 20261202025954_case_table_indexes), counted,
// and only the page's 50 rows are then widened with previews read from the JSON result, so a page
// late in a 10,000-case run costs about what the first one does. Only a search reads every JSON.

/** Rows per page of the case table. */
export const CASE_PAGE_SIZE = 50;
/** Characters of input/output/expected in a table row; the drawer shows the whole text. */
const PREVIEW_CHARS = 160;
/** A search needs at least this much text, and at most this much (it scans every case). */
const MAX_SEARCH_LENGTH = 200;

export const caseQuerySchema = z.object({
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  filter: z.enum(CASE_FILTERS).default('all'),
  tag: z.string().trim().max(50).optional(),
  q: z.string().trim().max(MAX_SEARCH_LENGTH).optional(),
});
export type CaseQuery = z.infer<typeof caseQuerySchema>;
export type CaseQueryInput = z.input<typeof caseQuerySchema>;

/** Parses `?page=&filter=&tag=&q=`; bad values are INVALID_INPUT naming the parameter. */
export function parseCaseQuery(params: URLSearchParams): CaseQuery {
  const raw = Object.fromEntries(
    ['page', 'filter', 'tag', 'q'].flatMap((key) => {
      const value = params.get(key);
      return value === null || value === '' ? [] : [[key, value]];
    }),
  );
  const parsed = caseQuerySchema.safeParse(raw);
  if (!parsed.success) {
    throw new LoomError('INVALID_INPUT', 'Invalid case query', {
      issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    });
  }
  return parsed.data;
}

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

function filterSql(query: CaseQuery, searchIds?: string[]): Prisma.Sql {
  const parts: Prisma.Sql[] = [];
  const eff = Prisma.sql`COALESCE(rv."pass", r."pass")`;
  switch (query.filter) {
    case 'failed':
      parts.push(Prisma.sql`NOT ${eff} AND NOT r."errored"`);
      break;
    case 'errored':
      parts.push(Prisma.sql`NOT ${eff} AND r."errored"`);
      break;
    case 'passed':
      parts.push(eff);
      break;
    case 'overridden':
      parts.push(Prisma.sql`rv."pass" IS NOT NULL AND rv."pass" <> r."pass"`);
      break;
    case 'reviewed':
      parts.push(Prisma.sql`rv."pass" IS NOT NULL`);
      break;
    case 'all':
      break;
  }
  if (query.tag) parts.push(Prisma.sql`sc."tags" @> ARRAY[${query.tag}]::text[]`);
  if (query.q && searchIds !== undefined) {
    // A semi-join (hashed), not `= ANY(array)`, which compares each row with every id.
    parts.push(Prisma.sql`sc."caseId" IN (SELECT unnest(${searchIds}::text[]))`);
  } else if (query.q) {
    const pattern = `%${escapeLike(query.q)}%`;
    // Input: the variables' values, not their names (searching "question" should not match every case).
    parts.push(Prisma.sql`(sc."caseId" ILIKE ${pattern} OR sc."expected" ILIKE ${pattern}
      OR r."result"->>'output' ILIKE ${pattern}
      OR EXISTS (SELECT 1 FROM jsonb_each_text(CASE WHEN jsonb_typeof(sc."input") = 'object'
        THEN sc."input" ELSE '{}'::jsonb END) v WHERE v.value ILIKE ${pattern}))`);
  }
  return parts.length === 0 ? Prisma.sql`TRUE` : Prisma.join(parts, ' AND ');
}

/**
 * FROM … WHERE of a run's cases that match the table's filter (aliases sc: SuiteCase, r: its
 * result, rv: its review), for the page and its count.
 */
function matchingCasesSql(
  workspaceId: string,
  runId: string,
  run: { suiteId: string; suiteRevision: number },
  query: CaseQuery,
  searchIds?: string[],
): Prisma.Sql {
  return Prisma.sql`FROM "SuiteCase" sc
    JOIN "SuiteCaseResult" r
      ON r."workspaceId" = sc."workspaceId" AND r."runId" = ${runId} AND r."caseId" = sc."caseId"
    LEFT JOIN "CaseReview" rv
      ON rv."workspaceId" = sc."workspaceId" AND rv."runId" = ${runId} AND rv."caseId" = sc."caseId"
    WHERE sc."workspaceId" = ${workspaceId} AND sc."suiteId" = ${run.suiteId}
      AND sc."revision" = ${run.suiteRevision} AND ${filterSql(query, searchIds)}`;
}

// A finished run's text does not change (reviews add verdicts, not text), and a search box sends a
// query per pause in typing: the searchable text of the last few finished runs is kept in memory,
// lower-cased, so each search is a scan of strings instead of case-folding every JSON document of
// the run again in PostgreSQL. A run still going is searched in SQL. Either way an output kept in
// the blob store (LOOM_RUN_OUTPUT_INLINE_BYTES) is searched in its first 2,000 characters.

/** Finished runs whose searchable text is kept: about 1 KB a case, so ~10 MB for a 10,000-case run. */
const SEARCH_CACHE_RUNS = 4;
/** Between two fields, so a query cannot match across them. */
const FIELD_BREAK = '\u241e';

interface SearchHaystack {
  caseIds: string[];
  texts: string[];
}

const globalForSearch = globalThis as unknown as {
  __loomCaseSearch?: Map<string, Promise<SearchHaystack>>;
};

async function loadHaystack(
  db: PrismaClient,
  workspaceId: string,
  run: { id: string; suiteId: string; suiteRevision: number },
): Promise<SearchHaystack> {
  const rows = await db.$queryRaw<{ caseId: string; text: string | null }[]>`
    SELECT sc."caseId", concat_ws(${FIELD_BREAK}, sc."caseId", sc."expected", r."result"->>'output',
      (SELECT string_agg(v.value, ${FIELD_BREAK}) FROM jsonb_each_text(CASE WHEN jsonb_typeof(sc."input") = 'object'
        THEN sc."input" ELSE '{}'::jsonb END) v)) AS text
    FROM "SuiteCase" sc
    JOIN "SuiteCaseResult" r
      ON r."workspaceId" = sc."workspaceId" AND r."runId" = ${run.id} AND r."caseId" = sc."caseId"
    WHERE sc."workspaceId" = ${workspaceId} AND sc."suiteId" = ${run.suiteId} AND sc."revision" = ${run.suiteRevision}`;
  return { caseIds: rows.map((r) => r.caseId), texts: rows.map((r) => (r.text ?? '').toLowerCase()) };
}

/** The ids of a finished run's cases whose id, input values, expected or output contain `q`. */
async function searchFinishedRun(
  db: PrismaClient,
  workspaceId: string,
  run: { id: string; suiteId: string; suiteRevision: number; status: string; finishedAt: Date | null },
  q: string,
): Promise<string[] | undefined> {
  if (!(FINISHED_STATUSES as readonly string[]).includes(run.status) || run.finishedAt === null) {
    return undefined;
  }
  const cache: Map<string, Promise<SearchHaystack>> = (globalForSearch.__loomCaseSearch ??= new Map());
  const key = `${workspaceId}\n${run.id}\n${run.finishedAt.getTime()}`;
  let haystack: Promise<SearchHaystack> | undefined = cache.get(key);
  if (haystack) {
    cache.delete(key); // most recently used last
  } else {
    haystack = loadHaystack(db, workspaceId, run);
    haystack.catch(() => cache.delete(key));
  }
  cache.set(key, haystack);
  while (cache.size > SEARCH_CACHE_RUNS) cache.delete(cache.keys().next().value as string);
  const { caseIds, texts }: SearchHaystack = await haystack;
  const needle = q.toLowerCase();
  return caseIds.filter((_, i) => texts[i]!.includes(needle));
}

interface PageRow {
  caseId: string;
  position: number;
  total: number;
  input_preview: string | null;
  output_preview: string | null;
  expected_preview: string | null;
  auto: boolean;
  errored: boolean;
  reviewed: boolean | null;
  score: number | null;
  judge_score: number | null;
  cost: number | null;
  judge_cost: number | null;
  latency: number | null;
  tags: string[];
  error_code: string | null;
}

const verdictOf = (pass: boolean, errored: boolean): Verdict => (pass ? 'pass' : errored ? 'error' : 'fail');

/**
 * One page of a run's cases in suite order, with the reviewers' verdicts, filtered and searched in
 * SQL. NOT_FOUND for a run outside the workspace (or of another suite, when `suiteId` is given).
 */
export async function listRunCases(
  db: PrismaClient,
  workspaceId: string,
  runId: string,
  queryInput: CaseQueryInput = {},
  options: { suiteId?: string } = {},
): Promise<CasePage> {
  const query = caseQuerySchema.parse(queryInput);
  const run = await getEvalRun(db, workspaceId, runId, options.suiteId);
  const offset = (query.page - 1) * CASE_PAGE_SIZE;
  const searchIds = query.q ? await searchFinishedRun(db, workspaceId, run, query.q) : undefined;
  const rows = await db.$queryRaw<PageRow[]>`
    WITH matching AS MATERIALIZED (
      SELECT sc."caseId", sc."position"
      ${matchingCasesSql(workspaceId, runId, run, query, searchIds)}
    ), page AS (
      SELECT m."caseId", m."position", (SELECT count(*) FROM matching)::int AS total
      FROM matching m ORDER BY m."position" LIMIT ${CASE_PAGE_SIZE} OFFSET ${offset}
    )
    SELECT p."caseId", p."position", p.total,
      left((SELECT string_agg(e.key || ': ' || CASE WHEN jsonb_typeof(e.value) = 'string'
          THEN e.value #>> '{}' ELSE e.value::text END, ' · ')
        FROM jsonb_each(CASE WHEN jsonb_typeof(sc."input") = 'object' THEN sc."input" ELSE '{}'::jsonb END) e),
        ${PREVIEW_CHARS}) AS input_preview,
      left(r."result"->>'output', ${PREVIEW_CHARS}) AS output_preview,
      left(sc."expected", ${PREVIEW_CHARS}) AS expected_preview,
      r."pass" AS auto, r."errored", rv."pass" AS reviewed,
      (CASE WHEN jsonb_typeof(r."result"->'score') = 'number' THEN (r."result"->>'score')::float8 END) AS score,
      (SELECT avg((e->>'score')::float8) FROM jsonb_array_elements(
          CASE WHEN jsonb_typeof(r."result"->'evaluations') = 'array' THEN r."result"->'evaluations' ELSE '[]'::jsonb END) e
        WHERE e->>'kind' = 'llmJudge' AND jsonb_typeof(e->'score') = 'number') AS judge_score,
      (CASE WHEN jsonb_typeof(r."result"->'costMicros') = 'number' AND r."result"->'unpriced' IS DISTINCT FROM 'true'::jsonb
        THEN (r."result"->>'costMicros')::float8 END) AS cost,
      (CASE WHEN jsonb_typeof(r."result"->'judgeCostMicros') = 'number' AND r."result"->'judgeUnpriced' IS DISTINCT FROM 'true'::jsonb
        THEN (r."result"->>'judgeCostMicros')::float8 END) AS judge_cost,
      (CASE WHEN jsonb_typeof(r."result"->'latencyMs') = 'number' THEN (r."result"->>'latencyMs')::float8 END) AS latency,
      sc."tags", r."result"->'error'->>'code' AS error_code
    FROM page p
    JOIN "SuiteCase" sc ON sc."workspaceId" = ${workspaceId} AND sc."suiteId" = ${run.suiteId}
      AND sc."revision" = ${run.suiteRevision} AND sc."caseId" = p."caseId"
    JOIN "SuiteCaseResult" r ON r."workspaceId" = ${workspaceId} AND r."runId" = ${runId} AND r."caseId" = p."caseId"
    LEFT JOIN "CaseReview" rv ON rv."workspaceId" = ${workspaceId} AND rv."runId" = ${runId} AND rv."caseId" = p."caseId"
    ORDER BY p."position"`;
  let total = rows[0]?.total;
  if (total === undefined) {
    // Past the last page (or nothing matches): the count still tells the table how many there are.
    total = query.page === 1 ? 0 : await countRunCases(db, workspaceId, runId, run, query, searchIds);
  }
  return {
    rows: rows.map(toCaseRow),
    total,
    page: query.page,
    pageSize: CASE_PAGE_SIZE,
    pageCount: Math.max(1, Math.ceil(total / CASE_PAGE_SIZE)),
  };
}

async function countRunCases(
  db: PrismaClient,
  workspaceId: string,
  runId: string,
  run: { suiteId: string; suiteRevision: number },
  query: CaseQuery,
  searchIds?: string[],
): Promise<number> {
  const [row] = await db.$queryRaw<{ total: number }[]>`
    SELECT count(*)::int AS total ${matchingCasesSql(workspaceId, runId, run, query, searchIds)}`;
  return row?.total ?? 0;
}

function toCaseRow(row: PageRow): CaseRow {
  const automated = verdictOf(row.auto, row.errored);
  const reviewed = row.reviewed === null ? null : row.reviewed ? 'pass' : 'fail';
  return {
    caseId: row.caseId,
    position: row.position,
    inputPreview: row.input_preview ?? '',
    outputPreview: row.output_preview,
    expectedPreview: row.expected_preview,
    automated,
    reviewed,
    verdict: reviewed ?? automated,
    score: row.score ?? 0,
    judgeScore: row.judge_score === null ? null : Number(row.judge_score),
    costMicros: row.cost === null ? null : Math.round(row.cost),
    judgeCostMicros: row.judge_cost === null ? null : Math.round(row.judge_cost),
    latencyMs: row.latency ?? 0,
    tags: row.tags,
    errorCode: row.error_code,
  };
}

// ---------------------------------------------------------------------------------------------------
// One case in full

const usageOf = (value: unknown) => {
  const u = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  return {
    inputTokens: typeof u.inputTokens === 'number' ? u.inputTokens : 0,
    outputTokens: typeof u.outputTokens === 'number' ? u.outputTokens : 0,
  };
};

const errorOf = (value: unknown): { code: string; message: string } | null => {
  if (typeof value !== 'object' || value === null) return null;
  const e = value as Record<string, unknown>;
  return { code: String(e.code ?? 'INTERNAL'), message: String(e.message ?? '') };
};

/** The judge's reply as written: stored with the verdict, or kept by the error of an unreadable one. */
function rawReplyOf(e: Record<string, unknown>): string | null {
  if (typeof e.rawReply === 'string') return e.rawReply;
  const details = (e.error as { details?: Record<string, unknown> } | undefined)?.details;
  return typeof details?.output === 'string' ? details.output : null;
}

function toEvaluation(value: unknown): EvaluationView {
  const e = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const isJudge = e.kind === 'llmJudge';
  const costMicros = typeof e.costMicros === 'number' ? e.costMicros : null;
  return {
    name: String(e.name ?? e.kind ?? 'evaluator'),
    kind: String(e.kind ?? ''),
    score: typeof e.score === 'number' ? e.score : 0,
    pass: e.pass === true,
    reason: typeof e.reason === 'string' ? e.reason : '',
    isJudge,
    ...(Array.isArray(e.scores)
      ? { scores: e.scores.filter((s): s is number => typeof s === 'number') }
      : {}),
    ...(typeof e.stddev === 'number' ? { stddev: e.stddev } : {}),
    ...(e.usage ? { usage: usageOf(e.usage) } : {}),
    costMicros: e.unpriced === true ? null : costMicros,
    unpriced: e.unpriced === true || (isJudge && costMicros === null && !e.error),
    rawReply: isJudge ? rawReplyOf(e) : null,
    error: errorOf(e.error),
  };
}

/**
 * One case of a run as the drawer shows it: the messages the run's prompt version renders from the
 * case's input, the output, the expected answer, each evaluator's verdict (the judge's with its
 * rationale, and its raw reply where stored), spend and timing, the error and the review.
 */
export async function loadCaseDetail(
  db: PrismaClient,
  workspaceId: string,
  runId: string,
  caseId: string,
  options: { suiteId?: string } = {},
): Promise<CaseDetail> {
  const run = await getEvalRun(db, workspaceId, runId, options.suiteId);
  const [testCase, result, review] = await Promise.all([
    db.suiteCase.findUnique({
      where: {
        workspaceId_suiteId_revision_caseId: {
          workspaceId,
          suiteId: run.suiteId,
          revision: run.suiteRevision,
          caseId,
        },
      },
    }),
    db.suiteCaseResult.findUnique({ where: { workspaceId_runId_caseId: { workspaceId, runId, caseId } } }),
    db.caseReview.findUnique({ where: { workspaceId_runId_caseId: { workspaceId, runId, caseId } } }),
  ]);
  if (!testCase || !result) {
    throw new LoomError('NOT_FOUND', `Case "${caseId}" has no result in this run.`, { runId, caseId });
  }
  const input = (
    typeof testCase.input === 'object' && testCase.input !== null && !Array.isArray(testCase.input)
      ? testCase.input
      : {}
  ) as Record<string, unknown>;
  const res = (result.result ?? {}) as Record<string, unknown>;
  const evaluations = Array.isArray(res.evaluations) ? res.evaluations.map(toEvaluation) : [];
  const [rendered, output] = await Promise.all([
    renderMessages(workspaceId, run.promptId, run.promptVersion, input),
    fullOutputOf(res),
  ]);
  const costMicros = typeof res.costMicros === 'number' && res.unpriced !== true ? res.costMicros : null;
  const judgeUnpriced = res.judgeUnpriced === true || evaluations.some((e) => e.isJudge && e.unpriced);
  return {
    runId,
    caseId,
    position: testCase.position,
    input,
    expected: testCase.expected,
    tags: testCase.tags,
    notes: testCase.notes,
    ...rendered,
    output,
    automated: verdictOf(result.pass, result.errored),
    score: typeof res.score === 'number' ? res.score : 0,
    evaluations,
    rawReplyStored: evaluations.some((e) => e.isJudge && e.rawReply !== null),
    latencyMs: typeof res.latencyMs === 'number' ? res.latencyMs : 0,
    usage: usageOf(res.usage),
    costMicros,
    judgeUsage: usageOf(res.judgeUsage),
    judgeCostMicros: typeof res.judgeCostMicros === 'number' && !judgeUnpriced ? res.judgeCostMicros : null,
    error: errorOf(res.error),
    review: review
      ? {
          pass: review.pass,
          reason: review.reason,
          reviewerEmail: review.reviewerEmail,
          createdAt: review.createdAt.toISOString(),
        }
      : null,
    finishedAt: result.finishedAt.toISOString(),
  };
}

/** The messages the run's prompt version renders for this input, or why it cannot. */
async function renderMessages(
  workspaceId: string,
  promptId: string,
  version: number,
  input: Record<string, unknown>,
): Promise<{ messages: CaseDetail['messages']; messagesError: string | null }> {
  try {
    const data = await (await getRegistry({ workspaceId })).get(promptId, version);
    const rendered = await attach(data, withTemplateBudget(getTemplateEngine())).render(input);
    return {
      messages: rendered.messages.map((m) => ({ role: m.role, content: m.content })),
      messagesError: null,
    };
  } catch (error) {
    if (isLoomError(error)) {
      return { messages: null, messagesError: `The messages could not be rendered: ${error.message}` };
    }
    throw error;
  }
}
