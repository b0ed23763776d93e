import 'server-only';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Prisma, PrismaClient, WebhookDelivery, WebhookEndpoint } from '@/lib/generated/prisma/client';
import { LoomError, isLoomError } from '@/lib/loom/core';
import { writeAudit } from '../audit';
import type { Viewer } from '../auth/session';
import { checkEgressUrl, type AllowList } from '../egress';
import { getEnv } from '../env';
import { nudgeWebhookDelivery } from './nudge';
import { newEventId, WEBHOOK_EVENT_TYPES, type WebhookEventType } from './outbox';
import { generateWebhookSecret, openWebhookSecret, SECRET_GRACE_MS, sealWebhookSecret } from './secrets';

// A workspace's webhook endpoints (admins only): where events go, which events, the signing
// secret (sealed at rest, revealed and rotated on request), and the delivery log with a test ping
// and manual redelivery. Every change is audited in its own transaction.

/** Endpoints per workspace: more is a fan-out problem, not a configuration. */
export const MAX_ENDPOINTS = 20;
/** Deliveries the log shows, newest first. */
export const DELIVERY_LOG_SIZE = 50;
/** The ping "Send test" delivers; receivers can tell it from real events by its type. */
export const TEST_EVENT_TYPE = 'webhook.test';

type Actor = Pick<Viewer, 'workspaceId' | 'userId' | 'email'>;

const blankToEmpty = (value: unknown) => (typeof value === 'string' ? value.trim() : value);

export const webhookEndpointDraftSchema = z
  .object({
    url: z
      .string()
      .trim()
      .min(1, 'Enter the URL events are sent to.')
      .max(2000, 'Use at most 2,000 characters.')
      .pipe(z.url({ protocol: /^https?$/, error: 'Enter an http:// or https:// URL.' })),
    description: z.preprocess(blankToEmpty, z.string().max(200, 'Use at most 200 characters.')).default(''),
    events: z
      .array(z.enum(WEBHOOK_EVENT_TYPES, { error: 'Choose events from the list.' }))
      .min(1, 'Choose at least one event.')
      .transform((events) => [...new Set(events)]),
    enabled: z.boolean().default(true),
  })
  .strict();
export type WebhookEndpointDraft = z.output<typeof webhookEndpointDraftSchema>;

export const webhookEndpointRefSchema = z.object({ id: z.string().min(1).max(100) }).strict();
export const webhookEndpointUpdateSchema = webhookEndpointDraftSchema.extend({
  id: z.string().min(1).max(100),
});
export const webhookDeliveryRefSchema = z.object({ deliveryId: z.string().min(1).max(100) }).strict();

/** What the browser may see of an endpoint: never its secret. */
export interface WebhookEndpointView {
  id: string;
  url: string;
  description: string;
  events: WebhookEventType[];
  enabled: boolean;
  createdAt: Date;
  createdBy: string | null;
  updatedAt: Date;
  /** Deliveries waiting for an attempt or a retry, and those that gave up. */
  pending: number;
  failed: number;
  lastDelivery: { status: string; createdAt: Date; lastStatus: number | null } | null;
}

export interface WebhookDeliveryView {
  id: string;
  eventId: string;
  eventType: string;
  status: string;
  attempts: number;
  /** When the next attempt is due (pending only). */
  nextAttemptAt: Date | null;
  createdAt: Date;
  deliveredAt: Date | null;
  lastStatus: number | null;
  lastLatencyMs: number | null;
  lastResponse: string | null;
  lastError: string | null;
}

export interface WebhookDeliveryLog {
  deliveries: WebhookDeliveryView[];
  total: number;
}

const isEventType = (e: string): e is WebhookEventType =>
  (WEBHOOK_EVENT_TYPES as readonly string[]).includes(e);

function toView(
  row: WebhookEndpoint,
  counts: { pending: number; failed: number },
  last: WebhookDelivery | undefined,
): WebhookEndpointView {
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    events: row.events.filter(isEventType),
    enabled: row.disabledAt === null,
    createdAt: row.createdAt,
    createdBy: row.createdBy,
    updatedAt: row.updatedAt,
    pending: counts.pending,
    failed: counts.failed,
    lastDelivery: last
      ? { status: last.status, createdAt: last.createdAt, lastStatus: last.lastStatus }
      : null,
  };
}

export function toDeliveryView(row: WebhookDelivery): WebhookDeliveryView {
  return {
    id: row.id,
    eventId: row.eventId,
    eventType: row.eventType,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.status === 'pending' ? row.nextAttemptAt : null,
    createdAt: row.createdAt,
    deliveredAt: row.deliveredAt,
    lastStatus: row.lastStatus,
    lastLatencyMs: row.lastLatencyMs,
    lastResponse: row.lastResponse,
    lastError: row.lastError,
  };
}

function notFound(id: string): LoomError {
  return new LoomError('NOT_FOUND', `No webhook endpoint "${id}" in this workspace.`, { endpointId: id });
}

/** The egress guard's words are about providers; say the same for endpoints, at the URL field. */
export function webhookEgressMessage(message: string): string {
  return message.replace('providers may not reach', 'webhook endpoints may not reach');
}

/** Refuses a URL that is, or resolves to, an internal address the operator has not allowed. */
async function checkEndpointUrl(url: string, allow: AllowList): Promise<void> {
  try {
    await checkEgressUrl(url, allow);
  } catch (error) {
    if (!isLoomError(error, 'INVALID_INPUT')) throw error;
    const message = webhookEgressMessage(error.message);
    throw new LoomError('INVALID_INPUT', message, { issues: [{ path: 'url', message }] });
  }
}

async function statsOf(db: PrismaClient, endpointIds: string[]) {
  const grouped = await db.webhookDelivery.groupBy({
    by: ['endpointId', 'status'],
    where: { endpointId: { in: endpointIds }, status: { in: ['pending', 'failed'] } },
    _count: { _all: true },
  });
  const counts = new Map<string, { pending: number; failed: number }>();
  for (const g of grouped) {
    const entry = counts.get(g.endpointId) ?? { pending: 0, failed: 0 };
    if (g.status === 'pending') entry.pending = g._count._all;
    else entry.failed = g._count._all;
    counts.set(g.endpointId, entry);
  }
  return counts;
}

async function lastDeliveries(db: PrismaClient, endpointIds: string[]) {
  if (endpointIds.length === 0) return new Map<string, WebhookDelivery>();
  const rows = await db.webhookDelivery.findMany({
    where: { endpointId: { in: endpointIds } },
    orderBy: [{ endpointId: 'asc' }, { createdAt: 'desc' }],
    distinct: ['endpointId'],
  });
  return new Map(rows.map((r) => [r.endpointId, r]));
}

export async function listWebhookEndpoints(
  db: PrismaClient,
  workspaceId: string,
): Promise<WebhookEndpointView[]> {
  const rows = await db.webhookEndpoint.findMany({ where: { workspaceId }, orderBy: { createdAt: 'asc' } });
  const ids = rows.map((r) => r.id);
  const [counts, last] = await Promise.all([statsOf(db, ids), lastDeliveries(db, ids)]);
  return rows.map((row) => toView(row, counts.get(row.id) ?? { pending: 0, failed: 0 }, last.get(row.id)));
}

async function getRow(db: PrismaClient | Prisma.TransactionClient, workspaceId: string, id: string) {
  const row = await db.webhookEndpoint.findFirst({ where: { workspaceId, id } });
  if (!row) throw notFound(id);
  return row;
}

export async function getWebhookEndpoint(
  db: PrismaClient,
  workspaceId: string,
  id: string,
): Promise<WebhookEndpointView> {
  const row = await getRow(db, workspaceId, id);
  const [counts, last] = await Promise.all([statsOf(db, [id]), lastDeliveries(db, [id])]);
  return toView(row, counts.get(id) ?? { pending: 0, failed: 0 }, last.get(id));
}

/** Adds an endpoint with a new secret, returned once here (and on request to admins later). */
export async function createWebhookEndpoint(
  db: PrismaClient,
  actor: Actor,
  draft: WebhookEndpointDraft,
  allow: AllowList = getEnv().LOOM_PROVIDER_ALLOWLIST,
): Promise<{ endpoint: WebhookEndpointView; secret: string }> {
  await checkEndpointUrl(draft.url, allow);
  const id = randomUUID();
  const secret = generateWebhookSecret();
  const secretCipher = sealWebhookSecret(secret, actor.workspaceId, id);
  const row = await db.$transaction(async (tx) => {
    const count = await tx.webhookEndpoint.count({ where: { workspaceId: actor.workspaceId } });
    if (count >= MAX_ENDPOINTS) {
      throw new LoomError(
        'INVALID_INPUT',
        `A workspace has at most ${MAX_ENDPOINTS} webhook endpoints: delete one first, or subscribe an existing one to more events.`,
      );
    }
    const created = await tx.webhookEndpoint.create({
      data: {
        id,
        workspaceId: actor.workspaceId,
        url: draft.url,
        description: draft.description,
        events: draft.events,
        disabledAt: draft.enabled ? null : new Date(),
        secretCipher,
        createdBy: actor.email,
      },
    });
    await writeAudit(tx, actor, 'webhook.create', `webhook:${id}`, {
      url: draft.url,
      events: draft.events,
      enabled: draft.enabled,
    });
    return created;
  });
  return { endpoint: toView(row, { pending: 0, failed: 0 }, undefined), secret };
}

export async function updateWebhookEndpoint(
  db: PrismaClient,
  actor: Actor,
  input: WebhookEndpointDraft & { id: string },
  allow: AllowList = getEnv().LOOM_PROVIDER_ALLOWLIST,
): Promise<WebhookEndpointView> {
  await checkEndpointUrl(input.url, allow);
  await db.$transaction(async (tx) => {
    const existing = await getRow(tx, actor.workspaceId, input.id);
    await tx.webhookEndpoint.update({
      where: { id: existing.id },
      data: {
        url: input.url,
        description: input.description,
        events: input.events,
        // Keep the first disabling time when it stays disabled.
        disabledAt: input.enabled ? null : (existing.disabledAt ?? new Date()),
      },
    });
    await writeAudit(tx, actor, 'webhook.update', `webhook:${input.id}`, {
      url: input.url,
      events: input.events,
      enabled: input.enabled,
      ...(existing.url !== input.url ? { previousUrl: existing.url } : {}),
    });
  });
  return getWebhookEndpoint(db, actor.workspaceId, input.id);
}

/** Deletes an endpoint and its delivery log (pending deliveries are never sent). */
export async function deleteWebhookEndpoint(db: PrismaClient, actor: Actor, id: string): Promise<void> {
  await db.$transaction(async (tx) => {
    const existing = await getRow(tx, actor.workspaceId, id);
    await tx.webhookEndpoint.delete({ where: { id: existing.id } });
    await writeAudit(tx, actor, 'webhook.delete', `webhook:${id}`, { url: existing.url });
  });
}

/** The endpoint's signing secret in clear, for an admin to paste into the receiver; audited. */
export async function revealWebhookSecret(
  db: PrismaClient,
  actor: Actor,
  id: string,
): Promise<{ secret: string }> {
  const row = await getRow(db, actor.workspaceId, id);
  const secret = openWebhookSecret(row);
  await writeAudit(db, actor, 'webhook.secret_reveal', `webhook:${id}`);
  return { secret };
}

/** Whether this server can open the endpoint's current secret (its encryption key may have changed). */
function opens(row: WebhookEndpoint): boolean {
  try {
    openWebhookSecret(row);
    return true;
  } catch {
    return false;
  }
}

/**
 * Replaces the signing secret. For SECRET_GRACE_MS the replaced one (sealed as it was) still signs
 * every attempt beside the new one, so the receiver can switch without losing events; a second
 * rotation within that time ends the grace of the first secret. A secret this server cannot open
 * is dropped at once.
 */
export async function rotateWebhookSecret(
  db: PrismaClient,
  actor: Actor,
  id: string,
): Promise<{ secret: string; previousValidUntil: Date | null }> {
  const secret = generateWebhookSecret();
  const previousValidUntil = await db.$transaction(async (tx) => {
    const row = await getRow(tx, actor.workspaceId, id);
    const until = opens(row) ? new Date(Date.now() + SECRET_GRACE_MS) : null;
    await tx.webhookEndpoint.update({
      where: { id: row.id },
      data: {
        secretCipher: sealWebhookSecret(secret, actor.workspaceId, row.id),
        previousSecretCipher: until ? row.secretCipher : null,
        previousSecretExpiresAt: until,
      },
    });
    await writeAudit(tx, actor, 'webhook.secret_rotate', `webhook:${id}`, {
      previousValidUntil: until?.toISOString() ?? null,
    });
    return until;
  });
  return { secret, previousValidUntil };
}

function refuseDisabled(row: WebhookEndpoint): void {
  if (row.disabledAt) {
    throw new LoomError('INVALID_INPUT', 'This endpoint is disabled: enable it to send it anything.', {
      endpointId: row.id,
    });
  }
}

/** Queues a `webhook.test` ping for the endpoint; it is delivered (and logged) like any event. */
export async function sendWebhookTest(
  db: PrismaClient,
  actor: Actor,
  id: string,
): Promise<{ deliveryId: string; eventId: string }> {
  const eventId = newEventId();
  const delivery = await db.$transaction(async (tx) => {
    const row = await getRow(tx, actor.workspaceId, id);
    refuseDisabled(row);
    const created = await tx.webhookDelivery.create({
      data: {
        workspaceId: actor.workspaceId,
        endpointId: row.id,
        eventId,
        eventType: TEST_EVENT_TYPE,
        payload: {
          type: TEST_EVENT_TYPE,
          timestamp: new Date().toISOString(),
          data: { endpointId: row.id, sentBy: actor.email, message: 'A test event from Loom Studio.' },
        },
      },
    });
    await writeAudit(tx, actor, 'webhook.test', `webhook:${id}`, { eventId });
    return created;
  });
  nudgeWebhookDelivery();
  return { deliveryId: delivery.id, eventId };
}

/**
 * Sends an event again as a new delivery (with the event's own id, so an idempotent receiver
 * still sees one event) and a fresh 24-hour retry window; the original stays in the log.
 */
export async function redeliverWebhook(
  db: PrismaClient,
  actor: Actor,
  deliveryId: string,
): Promise<{ deliveryId: string }> {
  const created = await db.$transaction(async (tx) => {
    const original = await tx.webhookDelivery.findFirst({
      where: { workspaceId: actor.workspaceId, id: deliveryId },
      include: { endpoint: true },
    });
    if (!original) {
      throw new LoomError('NOT_FOUND', `No delivery "${deliveryId}" in this workspace.`, { deliveryId });
    }
    refuseDisabled(original.endpoint);
    const copy = await tx.webhookDelivery.create({
      data: {
        workspaceId: original.workspaceId,
        endpointId: original.endpointId,
        eventId: original.eventId,
        eventType: original.eventType,
        payload: original.payload as Prisma.InputJsonValue,
      },
    });
    await writeAudit(tx, actor, 'webhook.redeliver', `webhook:${original.endpointId}`, {
      eventId: original.eventId,
      eventType: original.eventType,
      from: original.id,
    });
    return copy;
  });
  nudgeWebhookDelivery();
  return { deliveryId: created.id };
}

/** The newest deliveries of an endpoint, with how many it has in all. */
export async function listWebhookDeliveries(
  db: PrismaClient,
  workspaceId: string,
  endpointId: string,
  limit = DELIVERY_LOG_SIZE,
): Promise<WebhookDeliveryLog> {
  await getRow(db, workspaceId, endpointId);
  const where = { workspaceId, endpointId };
  const [rows, total] = await Promise.all([
    db.webhookDelivery.findMany({ where, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take: limit }),
    db.webhookDelivery.count({ where }),
  ]);
  return { deliveries: rows.map(toDeliveryView), total };
}
