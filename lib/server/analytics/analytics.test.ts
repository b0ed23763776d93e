// Budgets, prices, settings and the rollup job against a real database (PostgreSQL and PGlite).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrismaAnalyticsStore } from '@/lib/adapters/prisma/analytics';
import { createPrismaRegistry } from '@/lib/adapters/prisma/registry';
import type { PrismaClient } from '@/lib/generated/prisma/client';
import type { AnalyticsRecord } from '@/lib/loom/analytics';
import { createTestDatabase, type TestDatabase, type TestDatabaseKind } from '@/test/db';
import {
  activeBudgetAlerts,
  budgetInputSchema,
  budgetStatus,
  checkBudgetAlerts,
  saveBudget,
} from './budgets';
import { runAnalyticsMaintenance } from './maintenance';
import { getPriceSchedule, modelPriceInputSchema, saveModelPrice } from './prices';
import { analyticsSettingsSchema, getAnalyticsSettings, saveAnalyticsSettings } from './settings';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function run(at: Date, costMicros: number | null, promptId = 'support'): AnalyticsRecord {
  return {
    promptId,
    version: 1,
    model: 'gpt-4o-mini',
    provider: 'openai',
    latencyMs: 120,
    inputTokens: 10,
    outputTokens: 5,
    costMicros,
    success: true,
    source: 'api',
    at,
  };
}

function runOn(kind: TestDatabaseKind) {
  describe(kind, () => {
    let db: TestDatabase;
    let prisma: PrismaClient;
    let counter = 0;
    beforeAll(async () => {
      db = await createTestDatabase({ kind });
      prisma = db.prisma;
    });
    afterAll(async () => {
      await db?.close();
    });

    async function workspace() {
      const { id } = await prisma.workspace.create({ data: { slug: `a-${kind}-${++counter}`, name: 'W' } });
      return { id, admin: { workspaceId: id, userId: 'u1', email: 'ada@x.test' } };
    }

    it('fires each budget threshold once a month, with a webhook event and the banner state', async () => {
      const { id, admin } = await workspace();
      await prisma.webhookEndpoint.create({
        data: {
          workspaceId: id,
          url: 'https://hooks.test/x',
          secretCipher: 'sealed',
          events: ['budget.alert'],
        },
      });
      await saveBudget(prisma, admin, budgetInputSchema.parse({ monthlyUsd: 1 }));
      const store = createPrismaAnalyticsStore(prisma, id);
      const now = new Date('2026-12-20T12:00:00Z');
      // Last month's spend does not count; an unpriced call is reported, not counted.
      await store.record([
        run(new Date('2026-11-30T10:00:00Z'), 5_000_000),
        run(new Date('2026-12-03T10:00:00Z'), 500_000),
        run(new Date('2026-12-04T10:00:00Z'), null),
      ]);
      expect(await checkBudgetAlerts(prisma, id, now)).toEqual([]);
      expect((await budgetStatus(prisma, id, now)).budgets[0]).toMatchObject({
        promptId: null,
        spendMicros: 500_000,
        unpricedCount: 1,
        ratio: 0.5,
        reached: 0,
      });

      await store.record([run(new Date('2026-12-05T10:00:00Z'), 350_000)]);
      expect((await checkBudgetAlerts(prisma, id, now)).map((a) => a.threshold)).toEqual([80]);
      expect(await checkBudgetAlerts(prisma, id, now)).toEqual([]);
      await store.rollup();
      expect(await checkBudgetAlerts(prisma, id, now)).toEqual([]);

      await store.record([run(new Date('2026-12-06T10:00:00Z'), 150_000)]);
      expect((await checkBudgetAlerts(prisma, id, now)).map((a) => a.threshold)).toEqual([100]);
      expect(await checkBudgetAlerts(prisma, id, now)).toEqual([]);
      expect(await activeBudgetAlerts(prisma, id, now)).toEqual([
        expect.objectContaining({ promptId: null, month: '2026-12', threshold: 100, spendMicros: 1_000_000 }),
      ]);
      const events = await prisma.webhookDelivery.findMany({
        where: { workspaceId: id },
        orderBy: { id: 'asc' },
      });
      expect(
        events.map((e) => [e.eventType, (e.payload as { data: { threshold: number } }).data.threshold]),
      ).toEqual([
        ['budget.alert', 80],
        ['budget.alert', 100],
      ]);
      // A new month starts with no alert.
      expect(await activeBudgetAlerts(prisma, id, new Date('2027-01-02T12:00:00Z'))).toEqual([]);
    });

    it("counts a month's spend from midnight in the workspace's time zone, per prompt too", async () => {
      const { id, admin } = await workspace();
      await saveAnalyticsSettings(prisma, admin, { timeZone: 'Pacific/Auckland', retentionDays: 90 });
      await createPrismaRegistry(prisma, id).save(
        {
          id: 'support',
          version: 0,
          name: 'Support',
          user: 'Hi',
          model: { provider: 'openai', model: 'gpt-4o-mini' },
        },
        { author: 'ada@x.test' },
      );
      await saveBudget(prisma, admin, budgetInputSchema.parse({ monthlyUsd: 10 }));
      await saveBudget(prisma, admin, budgetInputSchema.parse({ promptId: 'support', monthlyUsd: 2 }));
      const store = createPrismaAnalyticsStore(prisma, id);
      await store.record([
        run(new Date('2026-11-30T10:30:00Z'), 1_000_000), // 23:30 Nov 30 in Auckland (UTC+13)
        run(new Date('2026-11-30T11:30:00Z'), 2_000_000), // 00:30 Dec 1
        run(new Date('2026-11-30T12:30:00Z'), 4_000_000, 'other'),
      ]);
      const status = await budgetStatus(prisma, id, new Date('2026-12-10T00:00:00Z'));
      expect(status).toMatchObject({ month: '2026-12', monthStart: new Date('2026-11-30T11:00:00Z') });
      expect(status.budgets.map((b) => [b.promptId, b.spendMicros, b.reached])).toEqual([
        [null, 6_000_000, 0],
        ['support', 2_000_000, 100],
      ]);
    });

    it('refuses a budget for an unknown prompt, and a zero, negative or absurd amount, naming the field', async () => {
      const { id, admin } = await workspace();
      await expect(
        saveBudget(prisma, admin, budgetInputSchema.parse({ promptId: 'nope', monthlyUsd: 5 })),
      ).rejects.toMatchObject({ code: 'NOT_FOUND', details: { issues: [{ path: 'promptId' }] } });
      for (const monthlyUsd of [0, -5, 1e12, 'ten']) {
        const parsed = budgetInputSchema.safeParse({ monthlyUsd });
        expect(parsed.success).toBe(false);
        expect(parsed.error?.issues[0]?.path).toEqual(['monthlyUsd']);
      }
      expect(await prisma.analyticsBudget.count({ where: { workspaceId: id } })).toBe(0);
    });

    it("prices calls from the price's day on (midnight in the workspace's zone), never earlier ones", async () => {
      const { id, admin } = await workspace();
      await saveAnalyticsSettings(prisma, admin, { timeZone: 'Europe/Paris', retentionDays: 90 });
      const saved = await saveModelPrice(
        prisma,
        admin,
        modelPriceInputSchema.parse({
          provider: 'openai',
          model: 'gpt-4o-mini',
          inputPerMillionUsd: '1',
          outputPerMillionUsd: 3,
          effectiveFrom: '2026-03-01',
        }),
      );
      expect(saved).toMatchObject({
        inputPerMillionMicros: 1_000_000,
        outputPerMillionMicros: 3_000_000,
        effectiveFrom: new Date('2026-02-28T23:00:00Z'),
      });
      const schedule = await getPriceSchedule(prisma, id);
      const usage = { inputTokens: 1_000_000, outputTokens: 1_000_000 };
      expect(schedule.costAt('openai', 'gpt-4o-mini', usage, new Date('2026-02-28T22:59:59Z'))).toBe(750_000);
      expect(schedule.costAt('openai', 'gpt-4o-mini', usage, new Date('2026-02-28T23:00:00Z'))).toBe(
        4_000_000,
      );
      const audit = await prisma.auditEvent.findMany({ where: { workspaceId: id, action: 'price.save' } });
      expect(audit).toHaveLength(1);
    });

    it('refuses a negative, absurd or malformed price with the field named', () => {
      const base = {
        provider: 'openai',
        model: 'm',
        inputPerMillionUsd: 1,
        outputPerMillionUsd: 1,
        effectiveFrom: '2026-03-01',
      };
      const fieldOf = (input: object) =>
        modelPriceInputSchema.safeParse(input).error?.issues.map((i) => i.path.join('.'));
      expect(fieldOf({ ...base, inputPerMillionUsd: -0.5 })).toEqual(['inputPerMillionUsd']);
      expect(fieldOf({ ...base, outputPerMillionUsd: 250_000 })).toEqual(['outputPerMillionUsd']);
      expect(fieldOf({ ...base, effectiveFrom: '2026-02-31' })).toEqual(['effectiveFrom']);
      expect(fieldOf({ ...base, effectiveFrom: 'March 1st' })).toEqual(['effectiveFrom']);
      expect(fieldOf({ ...base, model: ' ' })).toEqual(['model']);
    });

    it('keeps settings valid: an IANA zone and a retention of 7 to 3650 days; defaults before any save', async () => {
      const { id } = await workspace();
      expect(await getAnalyticsSettings(prisma, id)).toEqual({ timeZone: 'UTC', retentionDays: 90 });
      const fieldOf = (input: object) =>
        analyticsSettingsSchema.safeParse(input).error?.issues.map((i) => i.path.join('.'));
      expect(fieldOf({ timeZone: 'Mars/Base', retentionDays: 90 })).toEqual(['timeZone']);
      expect(fieldOf({ timeZone: 'UTC', retentionDays: 3 })).toEqual(['retentionDays']);
      expect(fieldOf({ timeZone: 'Asia/Tokyo', retentionDays: '30' })).toBeUndefined();
    });

    it('the rollup job folds runs, prunes raw runs past retention, and the totals stay whole', async () => {
      const { id, admin } = await workspace();
      await saveAnalyticsSettings(prisma, admin, { timeZone: 'UTC', retentionDays: 30 });
      const store = createPrismaAnalyticsStore(prisma, id);
      const now = new Date('2026-06-15T12:34:00Z');
      const old = Array.from({ length: 40 }, (_, i) =>
        run(new Date(now.getTime() - (31 + i) * DAY - 17 * 60_000), 10),
      );
      const recent = Array.from({ length: 10 }, (_, i) => run(new Date(now.getTime() - i * HOUR), null));
      await store.record([...old, ...recent]);
      const range = {
        from: new Date(now.getTime() - 100 * DAY - 12.5 * HOUR),
        to: new Date(now.getTime() + HOUR),
        groupBy: ['day' as const],
      };
      const before = await store.query(range);

      const result = await runAnalyticsMaintenance(prisma, { now, workspaceIds: [id] });
      expect(result).toMatchObject({ workspaces: 1, folded: 50, pruned: 40 });
      expect(await prisma.analyticsRun.count({ where: { workspaceId: id } })).toBe(10);
      expect(await store.query(range)).toEqual(before);
      const [total] = await store.query({ ...range, groupBy: [] });
      expect(total).toMatchObject({ count: 50, costMicros: 400, unpricedCount: 10 });
      // A second round has nothing to do.
      expect(await runAnalyticsMaintenance(prisma, { now, workspaceIds: [id] })).toMatchObject({
        folded: 0,
        pruned: 0,
      });
    });
  });
}

runOn('postgres');
runOn('pglite');
