import 'server-only';
import type { ProductionMove, PromptMetricsData, VersionMetrics } from '@/components/dashboards/types';
import type { PrismaClient } from '@/lib/generated/prisma/client';
import type { DashboardFilters } from './params';
import {
  bucketOf,
  bucketStarts,
  denseSeries,
  rangeView,
  storeFilter,
  totalsOf,
  unknownFilterProblems,
  workspaceStore,
  type Loaded,
} from './shared';

/** Statuses of an evaluation run that has a summary worth showing. */
const FINISHED = ['completed', 'completed_with_errors'];

/**
 * A prompt's Metrics tab: per version its cost per call, latency, error rate and the latest
 * finished suite run's pass rate; a timeline of the prompt's cost and latency; and where
 * production moved (the audit log), so a change in cost or latency can be traced to a promotion.
 */
export async function loadPromptMetrics(
  db: PrismaClient,
  workspaceId: string,
  promptId: string,
  filters: DashboardFilters,
): Promise<Loaded<PromptMetricsData>> {
  const store = await workspaceStore(db, workspaceId);
  const scoped = { ...filters, promptId };
  const filter = storeFilter(scoped);
  const range = { from: filters.from, to: filters.to, filter, timeZone: filters.timeZone };
  const [byVersion, byModel, timeline, events, evalRuns] = await Promise.all([
    store.query({ ...range, groupBy: ['version'] }),
    store.query({
      ...range,
      filter: storeFilter({ ...scoped, model: undefined }),
      groupBy: ['model'],
      latency: false,
    }),
    store.query({ ...range, groupBy: [filters.grain] }),
    db.auditEvent.findMany({
      where: {
        workspaceId,
        action: 'label.set',
        subject: `prompt:${promptId}`,
        createdAt: { gte: filters.from, lt: filters.to },
      },
      orderBy: { createdAt: 'asc' },
      select: { createdAt: true, details: true, actorEmail: true },
    }),
    // Latest finished run per version: DISTINCT ON keeps one row per version.
    db.$queryRawUnsafe<
      {
        id: string;
        suiteId: string;
        suiteName: string;
        promptVersion: number;
        summary: unknown;
        finishedAt: Date;
      }[]
    >(
      `SELECT DISTINCT ON (r."promptVersion") r."id", r."suiteId", s."name" AS "suiteName", r."promptVersion",
              r."summary", r."finishedAt"
       FROM "EvalRun" r JOIN "Suite" s ON s."workspaceId" = r."workspaceId" AND s."id" = r."suiteId"
       WHERE r."workspaceId" = $1 AND r."promptId" = $2 AND r."status" = ANY($3::text[])
         AND r."summary" IS NOT NULL AND r."finishedAt" IS NOT NULL
       ORDER BY r."promptVersion", r."finishedAt" DESC`,
      workspaceId,
      promptId,
      FINISHED,
    ),
  ]);

  const problems = await unknownFilterProblems(db, workspaceId, filters, byVersion.length === 0);
  if (problems.length > 0) return { ok: false, problems };

  const suiteByVersion = new Map(evalRuns.map((run) => [run.promptVersion, run]));
  const versionNumbers = new Set([
    ...byVersion.map((row) => row.version ?? 0),
    ...evalRuns.map((run) => run.promptVersion),
  ]);
  const rowByVersion = new Map(byVersion.map((row) => [row.version ?? 0, row]));
  const versions: VersionMetrics[] = [...versionNumbers]
    .sort((a, b) => b - a)
    .map((version) => {
      const run = suiteByVersion.get(version);
      const passRate = passRateOf(run?.summary);
      return {
        version,
        totals: totalsOf(rowByVersion.get(version)),
        ...(run && passRate !== undefined
          ? {
              suite: {
                runId: run.id,
                suiteId: run.suiteId,
                suiteName: run.suiteName,
                passRate,
                finishedAt: run.finishedAt.toISOString(),
              },
            }
          : {}),
      };
    });

  const values = new Map(
    timeline.map((row) => [
      bucketOf(row)?.getTime() ?? 0,
      {
        runs: row.count,
        costPerCall: row.count > 0 ? row.costMicros / row.count : 0,
        errorRate: row.count > 0 ? 1 - row.successRate : 0,
        p50: row.latency?.p50 ?? 0,
        p95: row.latency?.p95 ?? 0,
      },
    ]),
  );
  const moves: ProductionMove[] = events.flatMap((event) => {
    const details = (event.details ?? {}) as Record<string, unknown>;
    if (details.label !== 'production') return [];
    return [
      {
        at: event.createdAt.toISOString(),
        from: typeof details.from === 'number' ? details.from : null,
        to: typeof details.to === 'number' ? details.to : null,
        actor: event.actorEmail,
      },
    ];
  });

  return {
    ok: true,
    data: {
      range: rangeView(scoped),
      promptId,
      versions,
      timeline: denseSeries(bucketStarts(filters), values, {
        runs: 0,
        costPerCall: 0,
        errorRate: 0,
        p50: 0,
        p95: 0,
      }),
      moves,
      models: byModel.map((row) => row.model ?? ''),
    },
  };
}

function passRateOf(summary: unknown): number | undefined {
  if (typeof summary !== 'object' || summary === null) return undefined;
  const passRate = (summary as { passRate?: { value?: unknown } }).passRate?.value;
  return typeof passRate === 'number' ? passRate : undefined;
}
