// Webhooks end to end on the server side, on PostgreSQL and on the embedded PGlite: the outbox is
// written in the transaction of the change, deliveries are signed (checked with the reference
// library's Webhook.verify by a loopback receiver), retried with backoff, redelivered by hand, and
// never sent to an internal address the operator has not allowed.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseAllowList } from '@/lib/server/egress';
import { createTestDatabase, type TestDatabase, type TestDatabaseKind } from '@/test/db';

vi.hoisted(() => {
  process.env.LOOM_ENCRYPTION_KEY = `v1:${Buffer.alloc(32, 9).toString('base64')}`;
});

const { createStudioRegistry } = await import('@/lib/server/loom');
const { inRegistryTransaction, moveLabel, removeLabel } = await import('@/lib/server/prompts/prompt-history');
const { deliverDueWebhooks } = await import('./deliver');
const endpoints = await import('./endpoints');
const { enqueueWebhookEvent } = await import('./outbox');
const { RETRY_WINDOW_MS } = await import('./schedule');

/** The receiver listens on 127.0.0.1, which the operator allows here; 127.0.0.2 stays refused. */
const ALLOW = parseAllowList('127.0.0.1');

interface Received {
  body: string;
  headers: Record<string, string>;
}

/** A loopback receiver that records every request and answers with `status`. */
async function startReceiver() {
  const received: Received[] = [];
  const state = { status: 200, answer: 'ok' };
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({
        body: Buffer.concat(chunks).toString('utf8'),
        headers: Object.fromEntries(
          Object.entries(request.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : (v ?? '')]),
        ),
      });
      response.writeHead(state.status, { 'content-type': 'text/plain' });
      response.end(state.answer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    port,
    received,
    state,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe.each<TestDatabaseKind>(['postgres', 'pglite'])('webhooks on %s', (kind) => {
  let db: TestDatabase;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let workspaceId: string;
  const actor = () => ({ workspaceId, userId: 'u1', email: 'ana@x.test', role: 'admin' as const });
  const deliver = (options: Parameters<typeof deliverDueWebhooks>[1] = {}) =>
    deliverDueWebhooks(db.prisma, { allow: ALLOW, ...options });

  beforeAll(async () => {
    [db, receiver] = await Promise.all([createTestDatabase({ kind }), startReceiver()]);
    workspaceId = (await db.prisma.workspace.create({ data: { slug: 'w', name: 'W' } })).id;
  });
  afterAll(async () => {
    await receiver.close();
    await db.close();
  });
  afterEach(async () => {
    await db.prisma.webhookEndpoint.deleteMany({});
    receiver.received.length = 0;
    receiver.state.status = 200;
  });

  const addEndpoint = (events: string[] = ['version.created', 'label.moved']) =>
    endpoints.createWebhookEndpoint(
      db.prisma,
      actor(),
      endpoints.webhookEndpointDraftSchema.parse({ url: receiver.url, events }),
      ALLOW,
    );

  it('writes the outbox in the change’s transaction: a rolled-back save or move queues nothing', async () => {
    await addEndpoint();
    await expect(
      inRegistryTransaction(db.prisma, workspaceId, async (registry) => {
        await registry.save({ id: 'rolled', version: 0, name: 'Rolled back' });
        throw new Error('the audit write failed');
      }),
    ).rejects.toThrow('the audit write failed');
    expect(await db.prisma.webhookDelivery.count()).toBe(0);

    const registry = createStudioRegistry(db.prisma, workspaceId);
    await registry.save({ id: 'kept', version: 0, name: 'Kept', user: 'Hi' }, { author: 'ana@x.test' });
    const rows = await db.prisma.webhookDelivery.findMany();
    expect(rows.map((r) => r.eventType)).toEqual(['version.created']);
    expect(rows[0]?.payload).toMatchObject({
      type: 'version.created',
      data: { promptId: 'kept', version: 1, author: 'ana@x.test', link: '/prompts/kept/history' },
    });

    await moveLabel(db.prisma, actor(), { promptId: 'kept', label: 'production', version: 1 });
    // Setting a label to where it already points is no move: no second event.
    await moveLabel(db.prisma, actor(), { promptId: 'kept', label: 'production', version: 1 });
    const moved = await db.prisma.webhookDelivery.findMany({ where: { eventType: 'label.moved' } });
    expect(moved.map((r) => r.payload)).toEqual([
      expect.objectContaining({
        type: 'label.moved',
        data: expect.objectContaining({
          promptId: 'kept',
          label: 'production',
          from: null,
          to: 1,
          actor: 'ana@x.test',
        }),
      }),
    ]);
  });

  it('sends label.removed when a label is removed, in the removal’s transaction', async () => {
    const { secret } = await addEndpoint(['label.removed']);
    const registry = createStudioRegistry(db.prisma, workspaceId);
    await registry.save({ id: 'unlabelled', version: 0, name: 'Unlabelled', user: 'Hi' });
    await registry.setLabel('unlabelled', 'staging', 1);
    await expect(
      inRegistryTransaction(db.prisma, workspaceId, async (inTx) => {
        await inTx.removeLabel('unlabelled', 'staging');
        throw new Error('the audit write failed');
      }),
    ).rejects.toThrow('the audit write failed');
    expect(await db.prisma.webhookDelivery.count()).toBe(0);

    await removeLabel(db.prisma, actor(), { promptId: 'unlabelled', label: 'staging' });
    // Removing a label the prompt no longer has is refused and sends nothing.
    await expect(
      removeLabel(db.prisma, actor(), { promptId: 'unlabelled', label: 'staging' }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await deliver()).toEqual({ attempted: 1, delivered: 1 });
    const [request] = receiver.received;
    expect(new Webhook(secret).verify(request!.body, request!.headers)).toEqual({
      type: 'label.removed',
      timestamp: expect.any(String),
      data: {
        promptId: 'unlabelled',
        label: 'staging',
        from: 1,
        actor: 'ana@x.test',
        link: '/prompts/unlabelled/history',
      },
    });
  });

  it('signs every delivery so that standardwebhooks’ Webhook.verify accepts it, and logs the answer', async () => {
    const { endpoint, secret } = await addEndpoint(['label.moved']);
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const stored = await db.prisma.webhookEndpoint.findUniqueOrThrow({ where: { id: endpoint.id } });
    expect(stored.secretCipher).not.toContain(secret.slice(6, 20));

    const registry = createStudioRegistry(db.prisma, workspaceId);
    await registry.save({ id: 'signed', version: 0, name: 'Signed', user: 'Hi' });
    await registry.setLabel('signed', 'staging', 1, { actor: 'bo@x.test' });
    receiver.state.answer = 'thanks, got it';
    expect(await deliver()).toEqual({ attempted: 1, delivered: 1 });

    expect(receiver.received).toHaveLength(1);
    const [request] = receiver.received;
    const verified = new Webhook(secret).verify(request!.body, request!.headers);
    expect(verified).toMatchObject({
      type: 'label.moved',
      data: { promptId: 'signed', label: 'staging', to: 1, from: null, actor: 'bo@x.test' },
    });
    const row = await db.prisma.webhookDelivery.findFirstOrThrow();
    expect(request!.headers['webhook-id']).toBe(row.eventId);
    expect(request!.headers['content-type']).toBe('application/json');
    // Another secret does not verify it.
    const other = (await endpoints.rotateWebhookSecret(db.prisma, actor(), endpoint.id)).secret;
    expect(() => new Webhook(other).verify(request!.body, request!.headers)).toThrow();
    expect(row).toMatchObject({
      status: 'delivered',
      attempts: 1,
      lastStatus: 200,
      lastResponse: 'thanks, got it',
      lastError: null,
    });
    expect(row.lastLatencyMs).toBeGreaterThanOrEqual(0);
    expect(await deliver()).toEqual({ attempted: 0, delivered: 0 });
  });

  it('signs with the new and the old secret for 24 hours after a rotation, then with the new one only', async () => {
    const { endpoint, secret: old } = await addEndpoint(['budget.alert']);
    const before = Date.now();
    const { secret, previousValidUntil } = await endpoints.rotateWebhookSecret(
      db.prisma,
      actor(),
      endpoint.id,
    );
    expect(previousValidUntil!.getTime() - before).toBeGreaterThanOrEqual(24 * 60 * 60 * 1000);
    expect(previousValidUntil!.getTime() - before).toBeLessThan(24 * 60 * 60 * 1000 + 60_000);
    const alert = async () => {
      await enqueueWebhookEvent(db.prisma, workspaceId, 'budget.alert', { budget: 'monthly' });
      expect(await deliver()).toEqual({ attempted: 1, delivered: 1 });
      return receiver.received.at(-1)!;
    };

    const during = await alert();
    expect(during.headers['webhook-signature']!.split(' ')).toHaveLength(2);
    for (const key of [secret, old])
      expect(new Webhook(key).verify(during.body, during.headers)).toMatchObject({ type: 'budget.alert' });

    // The grace period is over: only the new secret verifies.
    await db.prisma.webhookEndpoint.update({
      where: { id: endpoint.id },
      data: { previousSecretExpiresAt: new Date(Date.now() - 1_000) },
    });
    const after = await alert();
    expect(new Webhook(secret).verify(after.body, after.headers)).toMatchObject({ type: 'budget.alert' });
    expect(() => new Webhook(old).verify(after.body, after.headers)).toThrow();

    // A second rotation keeps only the secret it replaces.
    const third = (await endpoints.rotateWebhookSecret(db.prisma, actor(), endpoint.id)).secret;
    const next = await alert();
    for (const key of [third, secret]) expect(new Webhook(key).verify(next.body, next.headers)).toBeTruthy();
    expect(() => new Webhook(old).verify(next.body, next.headers)).toThrow();
    const audits = await db.prisma.auditEvent.findMany({
      where: { workspaceId, subject: `webhook:${endpoint.id}`, action: 'webhook.secret_rotate' },
    });
    expect(audits).toHaveLength(2);
  });

  it('retries a failed delivery with growing delays for 24 hours, then gives up; redelivery sends it again', async () => {
    const { endpoint, secret } = await addEndpoint(['version.created']);
    receiver.state.status = 503;
    receiver.state.answer = 'down for maintenance';
    await createStudioRegistry(db.prisma, workspaceId).save({ id: 'retried', version: 0, name: 'Retried' });
    const created = (await db.prisma.webhookDelivery.findFirstOrThrow()).createdAt;

    const at = (ms: number) => () => new Date(created.getTime() + ms);
    expect(await deliver({ now: at(0), random: () => 0.5 })).toEqual({ attempted: 1, delivered: 0 });
    let row = await db.prisma.webhookDelivery.findFirstOrThrow();
    expect(row).toMatchObject({
      status: 'pending',
      attempts: 1,
      lastStatus: 503,
      lastResponse: 'down for maintenance',
    });
    expect(row.lastError).toBe('The receiver answered HTTP 503.');
    expect(row.nextAttemptAt.getTime() - created.getTime()).toBe(5_000);
    // Not due yet: nothing is sent.
    expect(await deliver({ now: at(4_000) })).toEqual({ attempted: 0, delivered: 0 });

    const delays: number[] = [];
    let now = row.nextAttemptAt.getTime() - created.getTime();
    while (row.status === 'pending') {
      await deliver({ now: at(now), random: () => 0.5 });
      row = await db.prisma.webhookDelivery.findFirstOrThrow();
      if (row.status === 'pending') {
        delays.push(row.nextAttemptAt.getTime() - created.getTime() - now);
        now = row.nextAttemptAt.getTime() - created.getTime();
      }
    }
    expect(delays.slice(0, 4)).toEqual([10_000, 20_000, 40_000, 80_000]);
    expect(Math.max(...delays)).toBeLessThanOrEqual(3 * 60 * 60 * 1000);
    expect(now).toBe(RETRY_WINDOW_MS); // the last attempt falls on the end of the window
    expect(row.status).toBe('failed');
    expect(receiver.received.length).toBe(row.attempts);
    // Every retry carries the same webhook-id.
    expect(new Set(receiver.received.map((r) => r.headers['webhook-id']))).toEqual(new Set([row.eventId]));

    receiver.state.status = 204;
    const { deliveryId } = await endpoints.redeliverWebhook(db.prisma, actor(), row.id);
    expect(await deliver()).toEqual({ attempted: 1, delivered: 1 });
    const again = await db.prisma.webhookDelivery.findUniqueOrThrow({ where: { id: deliveryId } });
    expect(again).toMatchObject({ status: 'delivered', eventId: row.eventId, attempts: 1, lastStatus: 204 });
    const last = receiver.received.at(-1)!;
    expect(new Webhook(secret).verify(last.body, last.headers)).toMatchObject({ type: 'version.created' });
    const log = await endpoints.listWebhookDeliveries(db.prisma, workspaceId, endpoint.id);
    expect(log.deliveries.map((d) => d.status)).toEqual(['delivered', 'failed']);
  });

  it('sends a test ping through the same path', async () => {
    const { endpoint, secret } = await addEndpoint(['budget.alert']);
    await endpoints.sendWebhookTest(db.prisma, actor(), endpoint.id);
    expect(await deliver()).toEqual({ attempted: 1, delivered: 1 });
    const [request] = receiver.received;
    expect(new Webhook(secret).verify(request!.body, request!.headers)).toMatchObject({
      type: 'webhook.test',
      data: { endpointId: endpoint.id, sentBy: 'ana@x.test' },
    });
    // Other features' events go through the same outbox.
    await enqueueWebhookEvent(db.prisma, workspaceId, 'budget.alert', { budget: 'monthly' });
    expect(await deliver()).toEqual({ attempted: 1, delivered: 1 });
    const audits = await db.prisma.auditEvent.findMany({
      where: { workspaceId, subject: `webhook:${endpoint.id}` },
    });
    expect(audits.map((a) => a.action)).toEqual(expect.arrayContaining(['webhook.create', 'webhook.test']));
  });

  it('refuses internal addresses when saved and again at delivery', async () => {
    const internal = `http://127.0.0.2:${receiver.port}/hooks`;
    const draft = endpoints.webhookEndpointDraftSchema.parse({ url: internal, events: ['version.created'] });
    const refusal = endpoints.createWebhookEndpoint(db.prisma, actor(), draft, ALLOW);
    await expect(refusal).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      details: {
        issues: [{ path: 'url', message: expect.stringContaining('127.0.0.2 is a loopback address') }],
      },
    });
    await expect(refusal).rejects.toThrow('webhook endpoints may not reach internal addresses');

    // A row whose address turned internal (edited in the database, or DNS that changed) is not sent.
    const { endpoint } = await addEndpoint(['version.created']);
    await db.prisma.webhookEndpoint.update({ where: { id: endpoint.id }, data: { url: internal } });
    await createStudioRegistry(db.prisma, workspaceId).save({ id: 'refused', version: 0, name: 'Refused' });
    expect(await deliver()).toEqual({ attempted: 1, delivered: 0 });
    const row = await db.prisma.webhookDelivery.findFirstOrThrow();
    expect(row).toMatchObject({ status: 'pending', lastStatus: null });
    expect(row.lastError).toContain('127.0.0.2 is a loopback address');
    expect(receiver.received).toHaveLength(0);

    // A name that resolves to an internal address at delivery time is refused as well.
    await db.prisma.webhookEndpoint.update({
      where: { id: endpoint.id },
      data: { url: `http://hooks.example.test:${receiver.port}/hooks` },
    });
    await db.prisma.webhookDelivery.updateMany({ data: { nextAttemptAt: new Date(0) } });
    await deliver({
      lookup: (_host, _options, callback) => callback(null, [{ address: '10.1.2.3', family: 4 }]),
    });
    expect((await db.prisma.webhookDelivery.findFirstOrThrow()).lastError).toContain(
      'hooks.example.test resolves to 10.1.2.3, a private address',
    );
    expect(receiver.received).toHaveLength(0);
  });

  it.runIf(kind === 'postgres')('delivers each due row once when several workers sweep at once', async () => {
    await addEndpoint(['version.created']);
    const registry = createStudioRegistry(db.prisma, workspaceId);
    for (let i = 0; i < 12; i++) await registry.save({ id: `many-${i}`, version: 0, name: `Many ${i}` });
    const sweeps = await Promise.all([deliver({ limit: 3 }), deliver({ limit: 3 }), deliver({ limit: 3 })]);
    expect(sweeps.reduce((n, s) => n + s.delivered, 0)).toBe(12);
    const ids = receiver.received.map((r) => r.headers['webhook-id']);
    expect(new Set(ids).size).toBe(12);
    expect(ids).toHaveLength(12);
  });
});

describe('the screen’s event list', () => {
  it('offers exactly the events the outbox knows, in its order', async () => {
    const { WEBHOOK_EVENTS } = await import('@/components/webhooks/types');
    const { WEBHOOK_EVENT_TYPES } = await import('./outbox');
    expect(WEBHOOK_EVENTS.map((e) => e.type)).toEqual([...WEBHOOK_EVENT_TYPES]);
  });
});
