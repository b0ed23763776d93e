import 'server-only';
import type { PrismaClient } from '@/lib/generated/prisma/client';
import { isLoomError, LoomError } from '@/lib/loom/core';
import type { RunSummary } from '@/lib/loom/evaluator';
import type { PromptRegistry } from '@/lib/loom/registry';
import type { RunRowView, RunsTabData } from '@/components/suites/runs-list';
import { listProviderConfigs } from '../providers';
import { CASE_RESULT_AGGREGATE, type CaseResultAggregate, toRunCounts } from './run-counts';

/** Runs shown on the tab, newest first; older ones stay reachable from their own pages. */
export const RUNS_LIST_LIMIT = 100;

type LiveRow = CaseResultAggregate & { runId: string };

/**
 * The Runs tab: the suite, the prompt's versions (for the start form), the providers, and the
 * latest runs. Finished runs read their stored summary; unfinished ones one aggregate between them.
 */
export async function loadRunsTab(
  prisma: PrismaClient,
  registry: PromptRegistry,
  workspaceId: string,
  suiteId: string,
): Promise<RunsTabData> {
  const suite = await prisma.suite.findUnique({ where: { workspaceId_id: { workspaceId, id: suiteId } } });
  if (!suite) throw new LoomError('NOT_FOUND', `Suite "${suiteId}" not found.`);
  const [revision, versions, providers, runs] = await Promise.all([
    prisma.suiteRevision.findUnique({
      where: { workspaceId_suiteId_revision: { workspaceId, suiteId, revision: suite.revision } },
      select: { caseCount: true },
    }),
    // A deleted prompt leaves a suite with nothing to run; any other failure is the page's error.
    registry.listVersions(suite.promptId).catch((error: unknown) => {
      if (isLoomError(error, 'NOT_FOUND')) return [];
      throw error;
    }),
    listProviderConfigs(prisma, workspaceId),
    prisma.evalRun.findMany({
      where: { workspaceId, suiteId },
      orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
      take: RUNS_LIST_LIMIT,
    }),
  ]);
  const unfinished = runs.filter((r) => r.summary === null).map((r) => r.id);
  const live = new Map<string, LiveRow>();
  if (unfinished.length > 0) {
    const rows = await prisma.$queryRaw<LiveRow[]>`
      SELECT "runId", ${CASE_RESULT_AGGREGATE}
      FROM "SuiteCaseResult"
      WHERE "workspaceId" = ${workspaceId} AND "runId" = ANY(${unfinished}::text[])
      GROUP BY "runId"`;
    for (const row of rows) live.set(row.runId, row);
  }
  const rows: RunRowView[] = runs.map((run) => {
    const summary = run.summary as RunSummary | null;
    const counts = summary
      ? {
          done: summary.total,
          passed: summary.passed,
          errored: summary.errored,
          costMicros: summary.costMicros,
          judgeCostMicros: summary.judgeCostMicros,
          unpricedCases: summary.unpricedCases ?? 0,
          judgeUnpricedCases: summary.judgeUnpricedCases ?? 0,
        }
      : toRunCounts(live.get(run.id));
    return {
      id: run.id,
      batchId: run.batchId,
      status: run.status,
      promptVersion: run.promptVersion,
      suiteRevision: run.suiteRevision,
      provider: run.provider,
      model: run.model,
      total: run.total,
      ...counts,
      hasJudge: run.judge !== null,
      error: run.error,
      createdBy: run.createdBy,
      createdAt: run.createdAt.toISOString(),
      startedAt: run.startedAt?.toISOString() ?? null,
      durationMs: run.startedAt && run.finishedAt ? run.finishedAt.getTime() - run.startedAt.getTime() : null,
    };
  });
  return {
    suite: {
      id: suite.id,
      name: suite.name,
      promptId: suite.promptId,
      revision: suite.revision,
      caseCount: revision?.caseCount ?? 0,
      archived: suite.archivedAt !== null,
    },
    versions: versions.map((v) => ({ version: v.version, labels: v.labels, message: v.message ?? '' })),
    providers: providers.map((p) => p.name),
    runs: rows,
  };
}
