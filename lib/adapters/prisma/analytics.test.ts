import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryStore, type AnalyticsQueryInput, type AnalyticsRecord } from '@/lib/loom/analytics';
import { runAnalyticsStoreContract } from '@/lib/loom/testing/analytics-contract';
import { createTestDatabase, type TestDatabase, type TestDatabaseKind } from '@/test/db';
import {
  ANALYTICS_WRITERS_LOCK_CLASS,
  createPrismaAnalyticsStore,
  type PrismaAnalyticsStore,
} from './analytics';

const HOUR = 3_600_000;
const BASE = Date.UTC(2026, 2, 1);

const SOURCES = ['playground', 'api', 'suite', 'judge'] as const;

/** Deterministic pseudo-random runs over three days, with odd minutes so edges fall mid-hour. */
function sampleRuns(count: number, seed: number): AnalyticsRecord[] {
  let state = seed;
  const next = () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
  return Array.from({ length: count }, () => {
    const success = next() > 0.1;
    const source = SOURCES[Math.floor(next() * SOURCES.length)] ?? 'playground';
    const model = next() > 0.5 ? 'gpt-4o-mini' : next() > 0.3 ? 'llama3' : 'no-price';
    return {
      promptId: `prompt-${Math.floor(next() * 4)}`,
      version: 1 + Math.floor(next() * 3),
      model,
      provider: model === 'gpt-4o-mini' ? 'openai' : 'ollama',
      source,
      ...(source === 'api' ? { apiKeyId: next() > 0.5 ? 'key-1' : 'key-2' } : {}),
      latencyMs: next() < 0.02 ? 0 : Math.exp(5 + next() * 3),
      inputTokens: Math.floor(next() * 2000),
      outputTokens: Math.floor(next() * 800),
      costMicros: model === 'no-price' ? null : Math.floor(next() * 5_000_000),
      success,
      ...(success ? {} : { errorKind: 'TIMEOUT' }),
      at: new Date(BASE + Math.floor(next() * 72 * HOUR)),
    };
  });
}

const QUERIES: AnalyticsQueryInput[] = [
  { from: new Date(BASE - HOUR), to: new Date(BASE + 80 * HOUR) },
  { from: new Date(BASE), to: new Date(BASE + 72 * HOUR), groupBy: ['day'] },
  { from: new Date(BASE + 1_234_567), to: new Date(BASE + 70 * HOUR - 98_765), groupBy: ['day', 'prompt'] },
  { from: new Date(BASE + 5 * HOUR), to: new Date(BASE + 29 * HOUR), groupBy: ['hour'] },
  { from: new Date(BASE), to: new Date(BASE + 72 * HOUR), groupBy: ['version', 'model'] },
  {
    from: new Date(BASE),
    to: new Date(BASE + 72 * HOUR),
    groupBy: ['day'],
    filter: { promptId: 'prompt-1' },
  },
  {
    from: new Date(BASE + 30 * 60_000),
    to: new Date(BASE + 60 * HOUR),
    groupBy: ['hour', 'model'],
    filter: { promptId: 'prompt-2', version: 2 },
  },
  // Plain sums, no histograms: rollup rows, partial-hour edges and unfolded runs still add up.
  {
    from: new Date(BASE + 1_234_567),
    to: new Date(BASE + 70 * HOUR - 98_765),
    groupBy: ['prompt'],
    latency: false,
  },
  { from: new Date(BASE), to: new Date(BASE + 72 * HOUR), groupBy: ['day', 'model'], latency: false },
  { from: new Date(BASE - HOUR), to: new Date(BASE + 80 * HOUR), groupBy: ['source', 'apiKey'] },
  {
    from: new Date(BASE + 1_234_567),
    to: new Date(BASE + 70 * HOUR),
    groupBy: ['day', 'provider', 'model'],
    filter: { excludeSource: ['suite', 'judge'] },
    latency: false,
  },
  { from: new Date(BASE), to: new Date(BASE + 72 * HOUR), groupBy: ['prompt'], filter: { source: ['api'] } },
  {
    from: new Date(BASE),
    to: new Date(BASE + 72 * HOUR),
    groupBy: ['apiKey'],
    filter: { apiKeyId: 'key-1' },
  },
  // Days in other zones come from hourly rollups shifted by the zone's offset.
  {
    from: new Date(BASE - 5 * HOUR),
    to: new Date(BASE + 67 * HOUR),
    groupBy: ['day', 'source'],
    timeZone: 'America/New_York',
  },
  {
    from: new Date(BASE),
    to: new Date(BASE + 72 * HOUR),
    groupBy: ['day', 'prompt'],
    timeZone: 'Asia/Kolkata',
    latency: false,
  },
];

function runOn(kind: TestDatabaseKind) {
  describe(kind, () => {
    let db: TestDatabase | undefined;
    let counter = 0;
    beforeAll(async () => {
      db = await createTestDatabase({ kind });
    });
    afterAll(async () => {
      await db?.close();
    });

    const workspace = () => `analytics-${kind}-${++counter}`;
    const store = (workspaceId = workspace()) => createPrismaAnalyticsStore(db!.prisma, workspaceId);

    runAnalyticsStoreContract(`prisma (${kind}), before the rollup`, () => store());
    runAnalyticsStoreContract(`prisma (${kind}), rolled up after every write`, () => {
      const inner = store();
      return {
        record: async (records, options) => {
          await inner.record(records, options);
          await inner.rollup();
        },
        query: (query, options) => inner.query(query, options),
      };
    });

    it('answers like the memory store before, during and after the rollup', async () => {
      const pg = createPrismaAnalyticsStore(db!.prisma, workspace(), { rollupBatchSize: 250 });
      const memory = createMemoryStore();
      const runs = sampleRuns(1500, 7);
      for (let i = 0; i < runs.length; i += 500) {
        await pg.record(runs.slice(i, i + 500));
        await memory.record(runs.slice(i, i + 500));
      }
      const check = async () => {
        for (const query of QUERIES) expect(await pg.query(query)).toEqual(await memory.query(query));
      };
      await check();
      expect(await pg.rollup()).toEqual({ folded: 1500, busy: false });
      await check();
      // Late runs land in hours that are already rolled up: rollups and raw tail add up.
      const late = sampleRuns(300, 11);
      await pg.record(late);
      await memory.record(late);
      await check();
      expect((await pg.rollup()).folded).toBe(300);
      await check();
    });

    it('keeps every rollup level equal to the raw sums, even with concurrent rollups', async () => {
      const workspaceId = workspace();
      const stores: PrismaAnalyticsStore[] = [1, 2, 3].map(() =>
        createPrismaAnalyticsStore(db!.prisma, workspaceId, { rollupBatchSize: 100 }),
      );
      const runs = sampleRuns(1200, 3);
      await Promise.all(
        [0, 1, 2, 3].map(async (part) => {
          const mine = runs.slice(part * 300, part * 300 + 300);
          const writer = stores[part % 3]!;
          for (let i = 0; i < mine.length; i += 50) {
            await writer.record(mine.slice(i, i + 50));
            await writer.rollup();
          }
        }),
      );
      for (const s of stores) await s.rollup();
      const raw = await db!.prisma.$queryRawUnsafe<
        { n: bigint; s: bigint; it: bigint; ot: bigint; c: bigint; u: bigint }[]
      >(
        `SELECT COUNT(*) AS n, COUNT(*) FILTER (WHERE "success") AS s, SUM("inputTokens")::int8 AS it,
           SUM("outputTokens")::int8 AS ot, SUM("costMicros")::int8 AS c,
           COUNT(*) FILTER (WHERE "costMicros" IS NULL) AS u
         FROM "AnalyticsRun" WHERE "workspaceId" = $1`,
        workspaceId,
      );
      expect(Number(raw[0]?.n)).toBe(1200);
      expect(Number(raw[0]?.u)).toBeGreaterThan(0);
      for (const table of [
        'AnalyticsHourly',
        'AnalyticsHourlyTotal',
        'AnalyticsDailyPrompt',
        'AnalyticsDailyModel',
        'AnalyticsDailyTotal',
      ]) {
        const [sums] = await db!.prisma.$queryRawUnsafe<
          { n: bigint; s: bigint; it: bigint; ot: bigint; c: bigint; u: bigint; buckets: bigint }[]
        >(
          `SELECT SUM("count")::int8 AS n, SUM("successes")::int8 AS s, SUM("inputTokens")::int8 AS it,
             SUM("outputTokens")::int8 AS ot, SUM("costMicros")::int8 AS c, SUM("unpriced")::int8 AS u,
             (SELECT SUM((e->>1)::int8 ) FROM "${table}" t2, jsonb_array_elements(t2."latencyBuckets"::jsonb) e
              WHERE t2."workspaceId" = $1)::int8 + SUM("latencyZero")::int8 AS buckets
           FROM "${table}" WHERE "workspaceId" = $1`,
          workspaceId,
        );
        expect({ table, ...sums }).toEqual({ table, ...raw[0], buckets: raw[0]?.n });
      }
      await Promise.all(stores.map((s) => s.close()));
    });

    it.runIf(kind === 'postgres')(
      'waits for a writer still inserting, so a slow commit is never skipped',
      async () => {
        const workspaceId = workspace();
        const s = createPrismaAnalyticsStore(db!.prisma, workspaceId);
        await db!.withSession(async (conn) => {
          await conn.query('BEGIN');
          await conn.query('SELECT pg_advisory_xact_lock_shared($1, hashtext($2))', [
            ANALYTICS_WRITERS_LOCK_CLASS,
            workspaceId,
          ]);
          await conn.query(
            `INSERT INTO "AnalyticsRun" ("workspaceId", "at", "promptId", "version", "model", "provider",
             "latencyMs", "inputTokens", "outputTokens", "costMicros", "success")
           VALUES ($1, $2::timestamp, 'slow', 1, 'm', 'p', 10, 1, 1, 1, true)`,
            [workspaceId, new Date(BASE).toISOString()],
          );
          // A later writer commits larger ids while the slow one is still open.
          await s.record(sampleRuns(5, 1));
          const rolling = s.rollup();
          await new Promise((resolve) => setTimeout(resolve, 200));
          await conn.query('COMMIT');
          expect(await rolling).toEqual({ folded: 6, busy: false });
        });
        const [row] = await s.query({
          from: new Date(BASE - HOUR),
          to: new Date(BASE + 80 * HOUR),
          filter: { promptId: 'slow' },
        });
        expect(row?.count).toBe(1);
        expect(await s.rollup()).toEqual({ folded: 0, busy: false });
      },
    );

    it('folds in the background when given an interval, and reports its progress', async () => {
      const workspaceId = workspace();
      const background = createPrismaAnalyticsStore(db!.prisma, workspaceId, { rollupIntervalMs: 20 });
      await background.record(sampleRuns(40, 5));
      const deadline = Date.now() + 10_000;
      let folded = -1;
      while (Date.now() < deadline) {
        const rows = await db!.prisma.$queryRawUnsafe<{ n: bigint | null }[]>(
          `SELECT SUM("count")::int8 AS n FROM "AnalyticsHourlyTotal" WHERE "workspaceId" = $1`,
          workspaceId,
        );
        folded = Number(rows[0]?.n ?? 0);
        if (folded === 40) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await background.close();
      expect(folded).toBe(40);
      expect(await background.rollup()).toEqual({ folded: 0, busy: false });
    });

    it('prunes only rolled-up raw runs older than the cut-off, and the totals stay whole', async () => {
      const workspaceId = workspace();
      const s = createPrismaAnalyticsStore(db!.prisma, workspaceId);
      const runs = sampleRuns(600, 13);
      await s.record(runs);
      const whole: AnalyticsQueryInput = {
        from: new Date(BASE),
        to: new Date(BASE + 72 * HOUR),
        groupBy: ['day', 'source'],
      };
      const before = await s.query(whole);
      const cut = new Date(BASE + 36 * HOUR);
      // Nothing rolled up yet: nothing may go.
      expect(await s.prune(cut)).toEqual({ deleted: 0 });
      await s.rollup();
      const late = sampleRuns(50, 17);
      await s.record(late);
      const expected = await s.query(whole);
      const older = runs.filter((run) => run.at < cut).length;
      expect(await s.prune(cut, { batchSize: 64 })).toEqual({ deleted: older });
      expect(await s.query(whole)).toEqual(expected);
      expect(expected).not.toEqual(before);
      // The late, unrolled runs before the cut-off are still there and still counted.
      const [left] = await db!.prisma.$queryRawUnsafe<{ n: bigint }[]>(
        `SELECT COUNT(*) AS n FROM "AnalyticsRun" WHERE "workspaceId" = $1 AND "at" < $2::timestamp`,
        workspaceId,
        cut.toISOString(),
      );
      expect(Number(left?.n)).toBe(late.filter((run) => run.at < cut).length);
    });

    it('rejects bad options with the field named', () => {
      expect(() => createPrismaAnalyticsStore(db!.prisma, 'w', { rollupBatchSize: 0 })).toThrow(
        expect.objectContaining({
          code: 'INVALID_INPUT',
          details: { issues: [expect.objectContaining({ path: 'rollupBatchSize' })] },
        }),
      );
    });
  });
}

runOn('postgres');
runOn('pglite');
