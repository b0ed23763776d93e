import 'server-only';
import type { PrismaClient } from '@/lib/generated/prisma/client';
import type { JobQueue } from '../jobs/queue';
import type { JobHandler } from '../jobs/types';
import { getPrisma } from '../db';
import { logger } from '../logger';

// The delivery log is an outbox that would otherwise grow forever: the 'webhook-prune' job deletes
// finished deliveries (delivered, or failed for good) once they are WEBHOOK_LOG_RETENTION_DAYS old.
// Pending rows, retries included, are never touched. A periodic task queues the job every
// WEBHOOK_PRUNE_EVERY_MS with one singletonKey, so however many workers run, one job waits at a time.

/** How long the log keeps a finished delivery (the delivery log screen says so). */
export const WEBHOOK_LOG_RETENTION_DAYS = 30;
/** Hourly is plenty for a 30-day window. */
export const WEBHOOK_PRUNE_EVERY_MS = 60 * 60_000;
/** Rows per DELETE: short statements that never hold many locks or a long transaction. */
const PRUNE_BATCH = 5_000;
const DAY_MS = 86_400_000;

/**
 * Deletes the finished deliveries that finished before `now` minus the retention, batch by batch
 * until none is left. A finished row's `nextAttemptAt` is the time of its last attempt, so the
 * (status, nextAttemptAt) index finds them.
 */
export async function pruneWebhookDeliveries(
  db: PrismaClient,
  options: { now?: Date; signal?: AbortSignal; batchSize?: number } = {},
): Promise<{ deleted: number }> {
  const cutoff = new Date((options.now ?? new Date()).getTime() - WEBHOOK_LOG_RETENTION_DAYS * DAY_MS);
  const batchSize = options.batchSize ?? PRUNE_BATCH;
  let deleted = 0;
  while (!options.signal?.aborted) {
    const count = await db.$executeRaw`
      DELETE FROM "WebhookDelivery" WHERE "id" IN (
        SELECT "id" FROM "WebhookDelivery"
        WHERE "status" IN ('delivered', 'failed') AND "nextAttemptAt" < ${cutoff}
        LIMIT ${batchSize}
      )`;
    deleted += count;
    if (count < batchSize) break;
  }
  if (deleted > 0) logger.info({ deleted }, 'webhook delivery log pruned');
  return { deleted };
}

/** The job's handler (lib/server/jobs/handlers.ts registers it). */
export const runWebhookPruneJob: JobHandler<'webhook-prune'> = async (_data, { signal }) => {
  await pruneWebhookDeliveries(await getPrisma(), { signal });
};

/** Queues the prune job unless one already waits. */
export async function requestWebhookPrune(queue: Pick<JobQueue, 'send'>): Promise<string | null> {
  return queue.send('webhook-prune', {}, { singletonKey: 'webhook-prune' });
}
