import 'server-only';
import type { RunProgressView } from '@/components/suites/run-progress';
import { isActiveRun } from '@/components/suites/types';
import { LoomError } from '@/lib/loom/core';
import { getPrisma } from '../db';
import { CASE_RESULT_AGGREGATE, type CaseResultAggregate, toRunCounts } from './run-counts';

interface ProgressRow extends CaseResultAggregate {
  status: string;
  total: number;
  error: string | null;
  cancelRequested: boolean;
  startedAt: Date | null;
  finishedAt: Date | null;
  now: Date;
}

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
      SELECT ${CASE_RESULT_AGGREGATE}
      FROM "SuiteCaseResult" c
      WHERE c."workspaceId" = e."workspaceId" AND c."runId" = e."id"
    ) a
    WHERE e."workspaceId" = ${workspaceId} AND e."id" = ${runId}`;
  const row = rows[0];
  if (!row) throw new LoomError('NOT_FOUND', 'This run does not exist in your workspace.', { runId });
  const remaining = Math.max(0, row.total - row.done);
  let etaMs: number | null = null;
  if (isActiveRun(row.status) && row.startedAt && row.done > 0) {
    const elapsed = new Date(row.now).getTime() - row.startedAt.getTime();
    etaMs = elapsed > 0 ? Math.round((elapsed / row.done) * remaining) : null;
  }
  return {
    status: row.status,
    total: row.total,
    ...toRunCounts(row),
    failed: Math.max(0, row.done - row.passed - row.errored),
    cancelRequested: row.cancelRequested,
    startedAt: row.startedAt?.toISOString() ?? null,
    finishedAt: row.finishedAt?.toISOString() ?? null,
    etaMs,
    error: row.error,
  };
}
