import 'server-only';
import { Webhook } from 'standardwebhooks';
import type { PrismaClient, WebhookEndpoint } from '@/lib/generated/prisma/client';
import { isLoomError } from '@/lib/loom/core';
import { createGuardedFetch, type AllowList, type LookupAll } from '../egress';
import { getEnv } from '../env';
import { logger } from '../logger';
import { webhookEgressMessage } from './endpoints';
import { nextAttemptAt } from './schedule';
import { webhookSigningSecrets } from './secrets';

// Delivery of the outbox (WebhookDelivery rows): a sweep claims the rows that are due, POSTs each
// one signed as Standard Webhooks says, and records the outcome with the next attempt's time.
// Several workers may sweep at once: a claim is one UPDATE over rows locked with SKIP LOCKED that
// moves their next attempt past the lease, so no two workers send a row at the same time and a
// worker that dies mid-attempt leaves its rows due again once the lease ends (at least once).

/** A receiver that has not answered in this long has failed the attempt (Standard Webhooks' advice: 15 s). */
export const DELIVERY_TIMEOUT_MS = 15_000;
/** A claimed row is left alone this long: more than an attempt can take, so it is never sent twice at once. */
const CLAIM_LEASE_MS = 60_000;
/** Rows one sweep claims and sends at once. */
const SWEEP_BATCH = 10;
/** Bytes of a response kept for the delivery log, and characters shown of them. */
const EXCERPT_BYTES = 2048;
const EXCERPT_CHARS = 500;

export interface DeliveryOptions {
  now?: () => Date;
  /** Internal addresses the operator allows (LOOM_PROVIDER_ALLOWLIST by default). */
  allow?: AllowList;
  /** DNS lookup for the egress guard (tests play a rebinding DNS with it). */
  lookup?: LookupAll;
  timeoutMs?: number;
  random?: () => number;
  limit?: number;
}

interface ClaimedRow {
  id: string;
  workspaceId: string;
  endpointId: string;
  eventId: string;
  payload: unknown;
  attempts: number;
  createdAt: Date;
}

interface Attempt {
  ok: boolean;
  status: number | null;
  latencyMs: number;
  response: string | null;
  error: string | null;
}

export interface SweepResult {
  attempted: number;
  delivered: number;
}

async function claimDue(db: PrismaClient, now: Date, limit: number): Promise<ClaimedRow[]> {
  const leaseUntil = new Date(now.getTime() + CLAIM_LEASE_MS);
  return db.$queryRaw<ClaimedRow[]>`
    UPDATE "WebhookDelivery" AS d
    SET "nextAttemptAt" = ${leaseUntil}, "attempts" = d."attempts" + 1
    FROM (
      SELECT "id" FROM "WebhookDelivery"
      WHERE "status" = 'pending' AND "nextAttemptAt" <= ${now}
      ORDER BY "nextAttemptAt"
      LIMIT ${limit}
      FOR UPDATE SKIP LOCKED
    ) AS due
    WHERE d."id" = due."id"
    RETURNING d."id", d."workspaceId", d."endpointId", d."eventId", d."payload", d."attempts", d."createdAt"`;
}

/** Printable text of the first bytes of a body, for the log; the rest is never read. */
async function excerptOf(response: Response): Promise<string | null> {
  if (!response.body) return null;
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < EXCERPT_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.length;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  const text = Buffer.concat(chunks)
    .subarray(0, EXCERPT_BYTES)
    .toString('utf8')
    // Control characters would garble the log.
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '')
    .trim();
  return text === '' ? null : text.slice(0, EXCERPT_CHARS);
}

/** Why an attempt failed before any answer, in words for the delivery log. */
function describeFailure(error: unknown, url: string, timeoutMs: number): string {
  if (isLoomError(error)) return error.message; // the egress guard's refusal
  if (error instanceof DOMException && (error.name === 'TimeoutError' || error.name === 'AbortError'))
    return `No answer within ${timeoutMs / 1000} s.`;
  const cause = (error as { cause?: { code?: string; message?: string } } | undefined)?.cause;
  const host = new URL(url).host;
  switch (cause?.code) {
    case 'ECONNREFUSED':
      return `${host} refused the connection.`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `${new URL(url).hostname} could not be resolved.`;
    case 'ECONNRESET':
      return `${host} closed the connection.`;
    default:
      return `Could not reach ${host}: ${cause?.message ?? (error instanceof Error ? error.message : String(error))}`;
  }
}

/**
 * One signed POST of an event to an endpoint: `webhook-id` is the event's id (the same on every
 * retry), `webhook-timestamp` the time of this attempt, `webhook-signature` one signature per
 * secret, space-separated (a receiver accepts any that verifies). Success is any 2xx; redirects
 * are not followed (a 3xx fails the attempt). The egress guard checks the address at connection time.
 */
export async function sendSigned(
  url: string,
  secrets: string[],
  eventId: string,
  payload: unknown,
  options: { now: Date; allow: AllowList; lookup?: LookupAll; timeoutMs: number },
): Promise<Attempt> {
  const body = JSON.stringify(payload);
  const signature = secrets.map((secret) => new Webhook(secret).sign(eventId, options.now, body)).join(' ');
  const guardedFetch = createGuardedFetch(options.allow, ...(options.lookup ? [options.lookup] : []));
  const started = performance.now();
  const latency = () => Math.round(performance.now() - started);
  try {
    const response = await guardedFetch(url, {
      method: 'POST',
      redirect: 'manual',
      signal: AbortSignal.timeout(options.timeoutMs),
      headers: {
        'content-type': 'application/json',
        'user-agent': 'LoomStudio-Webhooks/1',
        'webhook-id': eventId,
        'webhook-timestamp': String(Math.floor(options.now.getTime() / 1000)),
        'webhook-signature': signature,
      },
      body,
    });
    const latencyMs = latency();
    const excerpt = await excerptOf(response).catch(() => null);
    const ok = response.status >= 200 && response.status < 300;
    return {
      ok,
      status: response.status,
      latencyMs,
      response: excerpt,
      error: ok ? null : `The receiver answered HTTP ${response.status}.`,
    };
  } catch (error) {
    return {
      ok: false,
      status: null,
      latencyMs: latency(),
      response: null,
      error: webhookEgressMessage(describeFailure(error, url, options.timeoutMs)),
    };
  }
}

async function attemptRow(
  db: PrismaClient,
  row: ClaimedRow,
  endpoint: WebhookEndpoint | undefined,
  options: Required<Pick<DeliveryOptions, 'now' | 'allow' | 'timeoutMs' | 'random'>> & { lookup?: LookupAll },
): Promise<boolean> {
  const now = options.now();
  let attempt: Attempt;
  if (!endpoint || endpoint.disabledAt) {
    attempt = {
      ok: false,
      status: null,
      latencyMs: 0,
      response: null,
      error: 'The endpoint is disabled: nothing was sent.',
    };
  } else {
    let secrets: string[] | undefined;
    try {
      secrets = webhookSigningSecrets(endpoint, now);
    } catch (error) {
      logger.error({ error, endpointId: endpoint.id }, 'webhook secret cannot be opened');
    }
    attempt = secrets
      ? await sendSigned(endpoint.url, secrets, row.eventId, row.payload, { ...options, now })
      : {
          ok: false,
          status: null,
          latencyMs: 0,
          response: null,
          error: "The endpoint's secret cannot be opened with this server's encryption key: rotate it.",
        };
  }
  const finishedAt = options.now();
  const retryAt =
    attempt.ok || !endpoint || endpoint.disabledAt
      ? undefined
      : nextAttemptAt(row.attempts, row.createdAt, finishedAt, options.random);
  const status = attempt.ok ? 'delivered' : retryAt ? 'pending' : 'failed';
  await db.webhookDelivery.updateMany({
    where: { id: row.id, status: 'pending' },
    data: {
      status,
      nextAttemptAt: retryAt ?? finishedAt,
      ...(attempt.ok ? { deliveredAt: finishedAt } : {}),
      lastStatus: attempt.status,
      lastLatencyMs: attempt.latencyMs,
      lastResponse: attempt.response,
      lastError: attempt.error,
    },
  });
  if (status === 'failed')
    logger.warn(
      { deliveryId: row.id, endpointId: row.endpointId, attempts: row.attempts, error: attempt.error },
      'webhook delivery failed; no retries left',
    );
  return attempt.ok;
}

/**
 * Claims the deliveries that are due (any workspace) and attempts each once, until none is due
 * (at most a few batches per call, so a worker's periodic loop stays responsive).
 */
export async function deliverDueWebhooks(
  db: PrismaClient,
  options: DeliveryOptions = {},
): Promise<SweepResult> {
  const resolved = {
    now: options.now ?? (() => new Date()),
    allow: options.allow ?? getEnv().LOOM_PROVIDER_ALLOWLIST,
    timeoutMs: options.timeoutMs ?? DELIVERY_TIMEOUT_MS,
    random: options.random ?? Math.random,
    ...(options.lookup ? { lookup: options.lookup } : {}),
  };
  const limit = options.limit ?? SWEEP_BATCH;
  const result: SweepResult = { attempted: 0, delivered: 0 };
  for (let round = 0; round < 5; round++) {
    const rows = await claimDue(db, resolved.now(), limit);
    if (rows.length === 0) break;
    const endpoints = await db.webhookEndpoint.findMany({
      where: { id: { in: [...new Set(rows.map((r) => r.endpointId))] } },
    });
    const byId = new Map(endpoints.map((e) => [e.id, e]));
    const outcomes = await Promise.all(
      rows.map((row) => attemptRow(db, row, byId.get(row.endpointId), resolved)),
    );
    result.attempted += rows.length;
    result.delivered += outcomes.filter(Boolean).length;
    if (rows.length < limit) break;
  }
  return result;
}
