// The delivery log's retention, on PostgreSQL and on the embedded PGlite: finished deliveries
// older than 30 days are deleted batch by batch; recent ones and those still pending stay.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase, type TestDatabaseKind } from '@/test/db';
import { pruneWebhookDeliveries, WEBHOOK_LOG_RETENTION_DAYS } from './prune';

const DAY_MS = 86_400_000;

describe.each<TestDatabaseKind>(['postgres', 'pglite'])('webhook log pruning on %s', (kind) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase({ kind });
  });
  afterAll(async () => {
    await db.close();
  });

  it('deletes finished deliveries past 30 days in batches, keeps recent and pending ones', async () => {
    expect(WEBHOOK_LOG_RETENTION_DAYS).toBe(30);
    const now = new Date('2026-12-02T10:00:00Z');
    const daysAgo = (days: number) => new Date(now.getTime() - days * DAY_MS);
    const workspaceId = (await db.prisma.workspace.create({ data: { slug: 'w', name: 'W' } })).id;
    const endpoint = await db.prisma.webhookEndpoint.create({
      data: { workspaceId, url: 'https://hooks.example.test/', events: ['label.moved'], secretCipher: 'x' },
    });
    // A finished row's nextAttemptAt is its last attempt, as the delivery sweep leaves it.
    const row = (eventId: string, status: string, createdDaysAgo: number, lastAttemptDaysAgo: number) => ({
      workspaceId,
      endpointId: endpoint.id,
      eventId,
      eventType: 'label.moved',
      payload: {},
      status,
      createdAt: daysAgo(createdDaysAgo),
      nextAttemptAt: daysAgo(lastAttemptDaysAgo),
    });
    await db.prisma.webhookDelivery.createMany({
      data: [
        ...Array.from({ length: 5 }, (_, i) => row(`old-delivered-${i}`, 'delivered', 40 + i, 40 + i)),
        row('old-failed', 'failed', 32, 31),
        row('recent-delivered', 'delivered', 29, 29),
        row('recent-failed', 'failed', 31, 29.5),
        // Still waiting for an attempt, however old: never pruned.
        row('old-pending', 'pending', 45, 45),
      ],
    });

    expect(await pruneWebhookDeliveries(db.prisma, { now, batchSize: 2 })).toEqual({ deleted: 6 });
    const left = await db.prisma.webhookDelivery.findMany({ orderBy: { eventId: 'asc' } });
    expect(left.map((d) => d.eventId)).toEqual(['old-pending', 'recent-delivered', 'recent-failed']);
    expect(await pruneWebhookDeliveries(db.prisma, { now })).toEqual({ deleted: 0 });
  });
});
