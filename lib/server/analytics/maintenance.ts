import 'server-only';
import { createPrismaAnalyticsStore } from '@/lib/adapters/prisma/analytics';
import type { PrismaClient } from '@/lib/generated/prisma/client';
import { getPrisma } from '../db';
import type { JobQueue } from '../jobs/queue';
import type { JobHandler } from '../jobs/types';
import { logger } from '../logger';
import { checkBudgetAlerts } from './budgets';
import { getAnalyticsSettings } from './settings';

// The 'analytics-rollup' job: folds new runs into the rollups, prunes raw runs past each
// workspace's retention (only those already folded, so totals stay whole), then fires the budget
// alerts the month's spend has earned. A periodic task queues it every ANALYTICS_ROLLUP_EVERY_MS
// with one singletonKey, so however many workers run, one job waits at a time.

/**
 * How often the rollup job is queued. Queries count the not-yet-folded tail, so a run is on the
 * dashboard as soon as its batch is written (about 1 s); the rollup keeps that tail, and so the
 * queries, small.
 */
export const ANALYTICS_ROLLUP_EVERY_MS = 10_000;
const DAY_MS = 86_400_000;

export interface MaintenanceResult {
  workspaces: number;
  folded: number;
  pruned: number;
  alerts: number;
}

/** Rolls up, prunes and checks budgets for every workspace (or the given ones). */
export async function runAnalyticsMaintenance(
  db: PrismaClient,
  options: { now?: Date; signal?: AbortSignal; workspaceIds?: string[] } = {},
): Promise<MaintenanceResult> {
  const now = options.now ?? new Date();
  const ids =
    options.workspaceIds ?? (await db.workspace.findMany({ select: { id: true } })).map((w) => w.id);
  const result: MaintenanceResult = { workspaces: ids.length, folded: 0, pruned: 0, alerts: 0 };
  for (const workspaceId of ids) {
    if (options.signal?.aborted) break;
    const store = createPrismaAnalyticsStore(db, workspaceId);
    const { folded } = await store.rollup({ signal: options.signal });
    result.folded += folded;
    const { retentionDays } = await getAnalyticsSettings(db, workspaceId);
    const { deleted } = await store.prune(new Date(now.getTime() - retentionDays * DAY_MS), {
      signal: options.signal,
    });
    result.pruned += deleted;
    result.alerts += (await checkBudgetAlerts(db, workspaceId, now)).length;
  }
  if (result.folded > 0 || result.pruned > 0 || result.alerts > 0)
    logger.info({ ...result }, 'analytics maintenance');
  return result;
}

/** The job's handler (lib/server/jobs/handlers.ts registers it). */
export const runAnalyticsRollupJob: JobHandler<'analytics-rollup'> = async (_data, { signal }) => {
  await runAnalyticsMaintenance(await getPrisma(), { signal });
};

/** Queues the rollup job unless one already waits: the periodic task, and tests that need it now. */
export async function requestAnalyticsRollup(queue: Pick<JobQueue, 'send'>): Promise<string | null> {
  return queue.send('analytics-rollup', {}, { singletonKey: 'analytics-rollup' });
}
