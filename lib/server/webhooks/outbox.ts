import 'server-only';
import { randomUUID } from 'node:crypto';
import type { Prisma, PrismaClient } from '@/lib/generated/prisma/client';

// The webhook outbox: an event is written in the transaction of the change that caused it, one
// delivery row per subscribed endpoint, so an event is never sent for a change that rolled back
// and never lost for one that committed. The job queue delivers the rows (./deliver.ts): a sweep
// every few seconds, and at once when the writer calls nudgeWebhookDelivery() after its commit.

export const WEBHOOK_EVENT_TYPES = [
  'version.created',
  'label.moved',
  'label.removed',
  'experiment.winner',
  'suite_run.completed',
  'budget.alert',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

type Db = PrismaClient | Prisma.TransactionClient;

/**
 * Queues `type` with `data` for every enabled endpoint of the workspace that subscribed to it.
 * Call it inside the transaction of the change. Returns the event's id (the `webhook-id`).
 */
export async function enqueueWebhookEvent(
  db: Db,
  workspaceId: string,
  type: WebhookEventType,
  data: Record<string, unknown>,
): Promise<string> {
  return (await queueWebhookEvent(db, workspaceId, type, data)).eventId;
}

/** A new event id: the Standard Webhooks `webhook-id`, the same on every attempt of the event. */
export const newEventId = () => `evt_${randomUUID().replaceAll('-', '')}`;

/** enqueueWebhookEvent, also saying how many deliveries it queued (0: nobody listens, no nudge needed). */
export async function queueWebhookEvent(
  db: Db,
  workspaceId: string,
  type: WebhookEventType,
  data: Record<string, unknown>,
): Promise<{ eventId: string; deliveries: number }> {
  const eventId = newEventId();
  const endpoints = await db.webhookEndpoint.findMany({
    where: { workspaceId, disabledAt: null, events: { has: type } },
    select: { id: true },
  });
  if (endpoints.length === 0) return { eventId, deliveries: 0 };
  const payload = { type, timestamp: new Date().toISOString(), data } as Prisma.InputJsonObject;
  await db.webhookDelivery.createMany({
    data: endpoints.map((endpoint) => ({
      workspaceId,
      endpointId: endpoint.id,
      eventId,
      eventType: type,
      payload,
    })),
  });
  return { eventId, deliveries: endpoints.length };
}
