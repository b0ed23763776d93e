import 'server-only';
import { peekJobQueue } from '../jobs';
import { logger } from '../logger';

/**
 * Asks this process's worker to deliver due webhooks now rather than at its next sweep (a few
 * seconds). Call it AFTER the transaction that queued deliveries committed: a sweep that runs
 * earlier does not see them. Fire-and-forget and cheap: one queued job at most (singletonKey), and
 * nothing at all in a process that has no job queue open (tests, scripts); the sweep still runs.
 */
export function nudgeWebhookDelivery(): void {
  const queue = peekJobQueue();
  if (!queue) return;
  queue
    .then((q) => q.send('webhook-deliver', {}, { singletonKey: 'nudge' }))
    .catch((error: unknown) => logger.warn({ error }, 'could not nudge webhook delivery; the sweep will'));
}

/** Deliveries queued in a transaction that is not committed yet; flushed (one nudge) after it is. */
export interface WebhookBatch {
  queued: number;
}

/** Nudges delivery when the batch queued anything, and empties it. */
export function flushWebhookBatch(batch: WebhookBatch): void {
  if (batch.queued === 0) return;
  batch.queued = 0;
  nudgeWebhookDelivery();
}
