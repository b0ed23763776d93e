import 'server-only';
import { ACTIVE_RUN_STATUSES } from '@/components/suites/types';
import { getPrisma } from '../db';
import { logger } from '../logger';
import { STALE_AFTER_MS } from './run-job';
import type { RunJobSender } from './runs';

/** Runs re-enqueued per sweep; the next sweep takes the rest. */
const MAX_RECOVERED_PER_SWEEP = 200;

/**
 * Re-enqueues runs that lost their job: queued or running, with a heartbeat older than
 * `staleAfterMs`, or never started and created longer ago than that (an enqueue that failed, or a
 * worker that stopped). The job key is the run id, so a run whose job still waits is not doubled.
 * Run it when a worker starts and every so often while it works. Returns the re-enqueued run ids.
 */
export async function recoverStaleRuns(
  queue: RunJobSender,
  options: { staleAfterMs?: number; now?: Date } = {},
): Promise<string[]> {
  const prisma = await getPrisma();
  const cutoff = new Date((options.now ?? new Date()).getTime() - (options.staleAfterMs ?? STALE_AFTER_MS));
  const stale = await prisma.evalRun.findMany({
    where: {
      status: { in: [...ACTIVE_RUN_STATUSES] },
      OR: [{ heartbeatAt: { lt: cutoff } }, { heartbeatAt: null, createdAt: { lt: cutoff } }],
    },
    select: { workspaceId: true, id: true },
    orderBy: { createdAt: 'asc' },
    take: MAX_RECOVERED_PER_SWEEP,
  });
  const recovered: string[] = [];
  for (const run of stale) {
    try {
      await queue.send('eval-run', { workspaceId: run.workspaceId, runId: run.id }, { singletonKey: run.id });
      recovered.push(run.id);
    } catch (error) {
      logger.error({ error, runId: run.id }, 'stale eval run not re-enqueued');
    }
  }
  if (recovered.length > 0) logger.info({ runs: recovered.length }, 'stale eval runs re-enqueued');
  return recovered;
}
