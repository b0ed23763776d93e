// The demo's 90 days of traffic, on PostgreSQL and PGlite: only ever in the demo workspace, once,
// fast, and every rollup level telling the same totals.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrismaAnalyticsStore } from '@/lib/adapters/prisma/analytics';
import type { PrismaClient } from '@/lib/generated/prisma/client';
import { createTestDatabase, type TestDatabase, type TestDatabaseKind } from '@/test/db';
import { seedDemoTraffic } from './demo-traffic';

const DAY = 86_400_000;
const now = new Date('2026-12-02T06:30:00Z');
const options = { now, demoSlug: 'demo', author: 'admin@loom.local' };

function runOn(kind: TestDatabaseKind) {
  describe(kind, () => {
    let db: TestDatabase;
    let prisma: PrismaClient;
    beforeAll(async () => {
      db = await createTestDatabase({ kind });
      prisma = db.prisma;
    });
    afterAll(async () => {
      await db?.close();
    });

    it('never touches a workspace that is not the demo one', async () => {
      const other = await prisma.workspace.create({ data: { slug: 'acme', name: 'Acme' } });
      expect(await seedDemoTraffic(prisma, other.id, options)).toEqual({
        seeded: false,
        hourlyRows: 0,
        rawRuns: 0,
      });
      for (const count of [
        prisma.analyticsRun.count(),
        prisma.analyticsHourly.count(),
        prisma.analyticsDailyTotal.count(),
        prisma.apiKey.count(),
        prisma.auditEvent.count(),
      ]) {
        expect(await count).toBe(0);
      }
    });

    it('seeds 90 days of traffic in seconds, once, with every source, an unpriced model and a promotion', async () => {
      const demo = await prisma.workspace.create({ data: { slug: 'demo', name: 'Demo workspace' } });
      const started = performance.now();
      const result = await seedDemoTraffic(prisma, demo.id, options);
      const elapsedMs = performance.now() - started;
      console.log(`[demo traffic on ${kind}] ${JSON.stringify(result)} in ${Math.round(elapsedMs)} ms`);
      expect(result.seeded).toBe(true);
      expect(result.rawRuns).toBeGreaterThan(0);
      expect(elapsedMs).toBeLessThan(15_000);

      const store = createPrismaAnalyticsStore(prisma, demo.id);
      const range = { from: new Date(now.getTime() - 91 * DAY), to: new Date(now.getTime() + 60_000) };
      const [total] = await store.query({ ...range, groupBy: [] });
      expect(total!.count).toBeGreaterThan(100_000);
      expect(total!.unpricedCount).toBeGreaterThan(0);
      expect(total!.successRate).toBeGreaterThan(0.9);
      expect(total!.successRate).toBeLessThan(1);
      // Every rollup level (daily per model, per prompt, hourly) adds up to the same totals.
      for (const groupBy of [['model'], ['prompt'], ['source'], ['apiKey'], ['hour']] as const) {
        const rows = await store.query({ ...range, groupBy: [...groupBy], latency: false });
        const sum = (key: 'count' | 'costMicros' | 'unpricedCount') => rows.reduce((s, r) => s + r[key], 0);
        expect([sum('count'), sum('costMicros'), sum('unpricedCount')]).toEqual([
          total!.count,
          total!.costMicros,
          total!.unpricedCount,
        ]);
      }
      const bySource = await store.query({ ...range, groupBy: ['source'], latency: false });
      expect(bySource.map((r) => r.source)).toEqual(['api', 'judge', 'playground', 'suite']);
      const byKey = await store.query({ ...range, groupBy: ['apiKey'], latency: false });
      expect(byKey.map((r) => r.apiKeyId)).toEqual([null, 'demo-key-website', 'demo-key-zapier']);
      expect(await prisma.apiKey.count({ where: { workspaceId: demo.id } })).toBe(2);

      // support-reply's cost per weekday jumps after its promotion, which the audit log shows.
      const [move] = await prisma.auditEvent.findMany({
        where: { workspaceId: demo.id, action: 'label.set' },
      });
      expect(move).toMatchObject({
        subject: 'prompt:support-reply',
        details: { label: 'production', from: 1, to: 2 },
      });
      const days = await store.query({
        ...range,
        groupBy: ['day'],
        filter: { promptId: 'support-reply' },
        latency: false,
      });
      const mean = (rows: typeof days) => rows.reduce((s, r) => s + r.costMicros, 0) / rows.length;
      const weekdays = days.filter((r) => r.day!.getUTCDay() % 6 !== 0);
      const before = weekdays.filter((r) => r.day! < new Date(move!.createdAt.getTime() - DAY));
      const after = weekdays.filter(
        (r) => r.day! > new Date(move!.createdAt.getTime() + DAY) && r.day! < new Date(now.getTime() - DAY),
      );
      expect(mean(after)).toBeGreaterThan(3 * mean(before));
      // Weekly seasonality: weekends are quieter.
      const all = await store.query({ ...range, groupBy: ['day'], latency: false });
      const weekend = all.filter((r) => r.day!.getUTCDay() % 6 === 0);
      expect(mean(weekend)).toBeLessThan(0.6 * mean(all.filter((r) => r.day!.getUTCDay() % 6 !== 0)));

      // Idempotent: a second call adds nothing.
      const rows = await prisma.analyticsHourly.count({ where: { workspaceId: demo.id } });
      expect(await seedDemoTraffic(prisma, demo.id, options)).toMatchObject({ seeded: false });
      expect(await prisma.analyticsHourly.count({ where: { workspaceId: demo.id } })).toBe(rows);
      expect(await prisma.auditEvent.count({ where: { workspaceId: demo.id } })).toBe(1);

      // The rollup job folds the raw tail into the seeded rollups; the totals do not move.
      expect((await store.rollup()).folded).toBe(result.rawRuns);
      expect(await store.query({ ...range, groupBy: [] })).toEqual([total]);
    });
  });
}

runOn('postgres');
runOn('pglite');
