import 'server-only';
import { LoomError } from '@/lib/loom/core';
import { getPrisma } from '../db';

/** A run's live state, as the progress endpoint serves it (JSON: dates as ISO text). */
export interface RunProgressView {
  status: string;
  /** Cases with a stored result. */
  done: number;
  total: number;
  passed: number;
  /** Scored and did not pass (errored cases are not counted here). */
  failed: number;
  errored: number;
  /** Target cost of the priced cases so far, micro-dollars. */
  costMicros: number;
  /** Judge cost so far, always apart from the target's. */
  judgeCostMicros: number;
  /** Cases whose target cost is unknown (no price for the model): not free. */
  unpricedCases: number;
  /** Cases with a judge call of unknown cost. */
  judgeUnpricedCases: number;
  cancelRequested: boolean;
  startedAt: string | null;
  finishedAt: string | null;
  /** Remaining time at the rate so far; null before a rate is known or once finished. */
  etaMs: number | null;
  /** Why the run failed as a whole. */
  error: string | null;
}

interface ProgressRow {
  status: string;
  total: number;
  error: string | null;
  cancelRequested: boolean;
  startedAt: Date | null;
  finishedAt: Date | null;
  now: Date;
  done: number;
  passed: number;
  errored: number;
  cost: bigint;
  judgeCost: bigint;
  unpriced: number;
  judgeUnpriced: number;
}

const ACTIVE = new Set(['queued', 'running']);

/**
 * One round trip: the EvalRun row and one aggregate over its case results (primary-key prefix
 * (workspaceId, runId)). NOT_FOUND when the run is not in this workspace.
 */
export async function getRunProgress(workspaceId: string, runId: string): Promise<RunProgressView> {
  const prisma = await getPrisma();
  const rows = await prisma.$queryRaw<ProgressRow[]>`
    SELECT e."status", e."total", e."error", e."cancelRequested", e."startedAt", e."finishedAt",
      now() AS "now", a."done", a."passed", a."errored", a."cost", a."judgeCost", a."unpriced", a."judgeUnpriced"
    FROM "EvalRun" e
    CROSS JOIN LATERAL (
      SELECT count(*)::int AS "done",
        count(*) FILTER (WHERE c."pass")::int AS "passed",
        count(*) FILTER (WHERE c."errored")::int AS "errored",
        COALESCE(sum((c."result"->>'costMicros')::bigint), 0)::bigint AS "cost",
        COALESCE(sum((c."result"->>'judgeCostMicros')::bigint), 0)::bigint AS "judgeCost",
        count(*) FILTER (WHERE c."result"->>'unpriced' = 'true')::int AS "unpriced",
        count(*) FILTER (WHERE c."result"->>'judgeUnpriced' = 'true')::int AS "judgeUnpriced"
      FROM "SuiteCaseResult" c
      WHERE c."workspaceId" = e."workspaceId" AND c."runId" = e."id"
    ) a
    WHERE e."workspaceId" = ${workspaceId} AND e."id" = ${runId}`;
  const row = rows[0];
  if (!row) throw new LoomError('NOT_FOUND', 'This run does not exist in your workspace.', { runId });
  const remaining = Math.max(0, row.total - row.done);
  let etaMs: number | null = null;
  if (ACTIVE.has(row.status) && row.startedAt && row.done > 0) {
    const elapsed = new Date(row.now).getTime() - row.startedAt.getTime();
    etaMs = elapsed > 0 ? Math.round((elapsed / row.done) * remaining) : null;
  }
  return {
    status: row.status,
    done: row.done,
    total: row.total,
    passed: row.passed,
    failed: Math.max(0, row.done - row.passed - row.errored),
    errored: row.errored,
    costMicros: Number(row.cost),
    judgeCostMicros: Number(row.judgeCost),
    unpricedCases: row.unpriced,
    judgeUnpricedCases: row.judgeUnpriced,
    cancelRequested: row.cancelRequested,
    startedAt: row.startedAt?.toISOString() ?? null,
    finishedAt: row.finishedAt?.toISOString() ?? null,
    etaMs,
    error: row.error,
  };
}
