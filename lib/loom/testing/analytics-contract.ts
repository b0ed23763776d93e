import { describe, expect, it } from 'vitest';
import type { AnalyticsStore, AnalyticsRecord } from '../analytics';

const BASE = Date.UTC(2026, 0, 10, 9, 0, 0);
const HOUR = 3_600_000;

function run(overrides: Partial<AnalyticsRecord> = {}): AnalyticsRecord {
  return {
    promptId: 'support-reply',
    version: 1,
    model: 'gpt-4o-mini',
    provider: 'openai',
    latencyMs: 100,
    inputTokens: 10,
    outputTokens: 20,
    costMicros: 7,
    success: true,
    at: new Date(BASE),
    ...overrides,
  };
}

function nearestRank(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1] as number;
}

/**
 * Behaviour every AnalyticsStore (memory, PostgreSQL, ...) must show. `make` returns an empty store
 * each time it is called.
 */
export function runAnalyticsStoreContract(
  name: string,
  make: () => AnalyticsStore | Promise<AnalyticsStore>,
): void {
  describe(`AnalyticsStore contract: ${name}`, () => {
    const everything = { from: new Date(BASE - 30 * 24 * HOUR), to: new Date(BASE + 30 * 24 * HOUR) };

    it('returns no rows when nothing was recorded', async () => {
      const store = await make();
      await store.record([]);
      expect(await store.query({ ...everything, groupBy: [] })).toEqual([]);
    });

    it('sums tokens and micro-dollars exactly and computes the success rate', async () => {
      const store = await make();
      await store.record([
        run({ costMicros: 1_000_001 }),
        run({ success: false, errorKind: 'TIMEOUT', costMicros: 2 }),
      ]);
      await store.record([run({ inputTokens: 5, outputTokens: 0, costMicros: 0 })]);
      const rows = await store.query({ ...everything, groupBy: [] });
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({
        count: 3,
        successes: 2,
        inputTokens: 25,
        outputTokens: 40,
        costMicros: 1_000_003,
      });
      expect(rows[0]?.successRate).toBeCloseTo(2 / 3, 12);
      expect(rows[0]?.latency).toEqual({ p50: 100, p95: 100, p99: 100 });
    });

    it('groups by prompt, version and model, sorted in groupBy order', async () => {
      const store = await make();
      await store.record([
        run({ promptId: 'b-prompt', version: 2, model: 'm1' }),
        run({ promptId: 'a-prompt', version: 3, model: 'm2' }),
        run({ promptId: 'a-prompt', version: 3, model: 'm1' }),
        run({ promptId: 'a-prompt', version: 10, model: 'm1' }),
        run({ promptId: 'a-prompt', version: 3, model: 'm1' }),
      ]);
      const byVersion = await store.query({ ...everything, groupBy: ['version'] });
      expect(byVersion.map(({ promptId, version, count }) => ({ promptId, version, count }))).toEqual([
        { promptId: 'a-prompt', version: 3, count: 3 },
        { promptId: 'a-prompt', version: 10, count: 1 },
        { promptId: 'b-prompt', version: 2, count: 1 },
      ]);
      const byModelThenPrompt = await store.query({ ...everything, groupBy: ['model', 'prompt'] });
      expect(byModelThenPrompt.map((row) => [row.model, row.promptId, row.count])).toEqual([
        ['m1', 'a-prompt', 3],
        ['m1', 'b-prompt', 1],
        ['m2', 'a-prompt', 1],
      ]);
      expect(byModelThenPrompt[0]).not.toHaveProperty('version');
    });

    it('buckets by UTC hour and day within the half-open range [from, to)', async () => {
      const store = await make();
      await store.record([
        run({ at: new Date(BASE - 1) }),
        run({ at: new Date(BASE) }),
        run({ at: new Date(BASE + HOUR - 1) }),
        run({ at: new Date(BASE + HOUR) }),
        run({ at: new Date(BASE + 15 * HOUR) }),
        run({ at: new Date(BASE + 16 * HOUR) }),
      ]);
      const hours = await store.query({
        from: new Date(BASE),
        to: new Date(BASE + 16 * HOUR),
        groupBy: ['hour'],
      });
      expect(hours.map((row) => [row.hour?.toISOString(), row.count])).toEqual([
        ['2026-01-10T09:00:00.000Z', 2],
        ['2026-01-10T10:00:00.000Z', 1],
        ['2026-01-11T00:00:00.000Z', 1],
      ]);
      const days = await store.query({ ...everything, groupBy: ['day'] });
      expect(days.map((row) => [row.day?.toISOString(), row.count])).toEqual([
        ['2026-01-10T00:00:00.000Z', 4],
        ['2026-01-11T00:00:00.000Z', 2],
      ]);
    });

    it('filters by prompt, version and model', async () => {
      const store = await make();
      await store.record([
        run({ promptId: 'a', version: 1, model: 'm1', costMicros: 1 }),
        run({ promptId: 'a', version: 2, model: 'm1', costMicros: 10 }),
        run({ promptId: 'a', version: 2, model: 'm2', costMicros: 100 }),
        run({ promptId: 'b', version: 2, model: 'm1', costMicros: 1000 }),
      ]);
      const query = (filter: { promptId?: string; version?: number; model?: string }) =>
        store.query({ ...everything, groupBy: [], filter }).then((rows) => rows[0]?.costMicros);
      expect(await query({ promptId: 'a' })).toBe(111);
      expect(await query({ promptId: 'a', version: 2 })).toBe(110);
      expect(await query({ promptId: 'a', version: 2, model: 'm2' })).toBe(100);
      expect(await query({ model: 'm1' })).toBe(1011);
      expect(await query({ promptId: 'missing' })).toBeUndefined();
    });

    it('counts calls without a price apart instead of as free', async () => {
      const store = await make();
      await store.record([
        run({ model: 'priced', costMicros: 40 }),
        run({ model: 'unpriced', costMicros: null }),
        run({ model: 'unpriced', costMicros: null }),
        run({ model: 'free', costMicros: 0 }),
      ]);
      const [total] = await store.query({ ...everything, groupBy: [] });
      expect(total).toMatchObject({ count: 4, costMicros: 40, unpricedCount: 2 });
      const byModel = await store.query({ ...everything, groupBy: ['model'], latency: false });
      expect(byModel.map((row) => [row.model, row.costMicros, row.unpricedCount])).toEqual([
        ['free', 0, 0],
        ['priced', 40, 0],
        ['unpriced', 0, 2],
      ]);
    });

    it('groups by source, provider and API key; a call without a key has apiKeyId null', async () => {
      const store = await make();
      await store.record([
        run({ source: 'api', apiKeyId: 'key-b', provider: 'openai' }),
        run({ source: 'api', apiKeyId: 'key-a', provider: 'ollama' }),
        run({ source: 'api', apiKeyId: 'key-a', provider: 'openai' }),
        run({ source: 'judge', provider: 'openai' }),
        run({ provider: 'openai' }),
      ]);
      const bySource = await store.query({ ...everything, groupBy: ['source'] });
      expect(bySource.map((row) => [row.source, row.count])).toEqual([
        ['api', 3],
        ['judge', 1],
        ['playground', 1],
      ]);
      const byKey = await store.query({ ...everything, groupBy: ['apiKey', 'provider'], latency: false });
      expect(byKey.map((row) => [row.apiKeyId, row.provider, row.count])).toEqual([
        [null, 'openai', 2],
        ['key-a', 'ollama', 1],
        ['key-a', 'openai', 1],
        ['key-b', 'openai', 1],
      ]);
      expect(byKey[0]).not.toHaveProperty('source');
    });

    it('filters by a list of sources, by excluded sources, by provider and by API key', async () => {
      const store = await make();
      await store.record([
        run({ source: 'playground', costMicros: 1 }),
        run({ source: 'api', apiKeyId: 'k', costMicros: 10 }),
        run({ source: 'suite', costMicros: 100, provider: 'ollama' }),
        run({ source: 'judge', costMicros: 1000 }),
      ]);
      const cost = (filter: Record<string, unknown>) =>
        store.query({ ...everything, filter }).then((rows) => rows[0]?.costMicros);
      expect(await cost({ source: ['suite', 'judge'] })).toBe(1100);
      expect(await cost({ excludeSource: ['suite', 'judge'] })).toBe(11);
      expect(await cost({ provider: 'ollama' })).toBe(100);
      expect(await cost({ apiKeyId: 'k' })).toBe(10);
      expect(await cost({ source: ['api'], excludeSource: ['api'] })).toBeUndefined();
    });

    it("starts days at the time zone's midnight, across a daylight-saving change", async () => {
      const store = await make();
      const at = (iso: string) => run({ at: new Date(iso) });
      await store.record([
        at('2026-01-10T22:59:00Z'), // 23:59 in Paris, Jan 10
        at('2026-01-10T23:30:00Z'), // 00:30 in Paris, Jan 11
        at('2026-03-08T04:30:00Z'), // 23:30 EST in New York, Mar 7
        at('2026-03-08T05:00:00Z'), // 00:00 EST, Mar 8 (clocks spring forward at 07:00Z)
        at('2026-03-09T03:30:00Z'), // 23:30 EDT, Mar 8
        at('2026-03-09T04:10:00Z'), // 00:10 EDT, Mar 9
      ]);
      const days = (timeZone: string, from: string, to: string) =>
        store
          .query({ from: new Date(from), to: new Date(to), groupBy: ['day'], timeZone })
          .then((rows) => rows.map((row) => [row.day?.toISOString(), row.count]));
      expect(await days('Europe/Paris', '2026-01-09T23:00:00Z', '2026-01-11T23:00:00Z')).toEqual([
        ['2026-01-09T23:00:00.000Z', 1],
        ['2026-01-10T23:00:00.000Z', 1],
      ]);
      expect(await days('UTC', '2026-01-10T00:00:00Z', '2026-01-12T00:00:00Z')).toEqual([
        ['2026-01-10T00:00:00.000Z', 2],
      ]);
      expect(await days('America/New_York', '2026-03-07T05:00:00Z', '2026-03-10T04:00:00Z')).toEqual([
        ['2026-03-07T05:00:00.000Z', 1],
        ['2026-03-08T05:00:00.000Z', 2],
        ['2026-03-09T04:00:00.000Z', 1],
      ]);
    });

    it("puts a half-hour zone's runs in the local day of their UTC hour start", async () => {
      const store = await make();
      const at = (iso: string) => run({ at: new Date(iso) });
      // Kolkata is UTC+5:30: local midnight of Jan 11 is 18:30Z. The 18:00Z hour starts at 23:30
      // local, so all of it (18:40Z too, 00:10 local) counts towards Jan 10: the documented limit.
      await store.record([
        at('2026-01-10T18:10:00Z'),
        at('2026-01-10T18:40:00Z'),
        at('2026-01-10T19:00:00Z'),
      ]);
      const rows = await store.query({
        from: new Date('2026-01-09T18:30:00Z'),
        to: new Date('2026-01-11T18:30:00Z'),
        groupBy: ['day'],
        timeZone: 'Asia/Kolkata',
      });
      expect(rows.map((row) => [row.day?.toISOString(), row.count])).toEqual([
        ['2026-01-09T18:30:00.000Z', 2],
        ['2026-01-10T18:30:00.000Z', 1],
      ]);
    });

    it('rejects an unknown time zone, naming the field', async () => {
      const store = await make();
      await expect(
        store.query({ ...everything, groupBy: ['day'], timeZone: 'Mars/Olympus' }),
      ).rejects.toMatchObject({
        code: 'INVALID_INPUT',
        details: { issues: [expect.objectContaining({ path: 'timeZone' })] },
      });
    });

    it('reports latency percentiles within 2% of the exact ones', async () => {
      const store = await make();
      const latencies = Array.from(
        { length: 2000 },
        (_, i) => 20 + ((i * 7919) % 1997) * 1.37 + (i % 13) * 0.01,
      );
      await store.record(latencies.map((latencyMs) => run({ latencyMs })));
      const [row] = await store.query({ ...everything, groupBy: [] });
      for (const [q, key] of [
        [0.5, 'p50'],
        [0.95, 'p95'],
        [0.99, 'p99'],
      ] as const) {
        const exact = nearestRank(latencies, q);
        expect(Math.abs((row?.latency?.[key] ?? 0) - exact) / exact).toBeLessThanOrEqual(0.02);
      }
    });

    it('returns the same sums without percentiles when asked for latency: false', async () => {
      const store = await make();
      await store.record([
        run({ promptId: 'a', latencyMs: 10, costMicros: 5, success: false, errorKind: 'TIMEOUT' }),
        run({ promptId: 'a', latencyMs: 900, costMicros: 7, inputTokens: 3 }),
        run({ promptId: 'b', latencyMs: 0, costMicros: 11, at: new Date(BASE + 26 * HOUR) }),
      ]);
      const withLatency = await store.query({ ...everything, groupBy: ['prompt'] });
      const totals = await store.query({ ...everything, groupBy: ['prompt'], latency: false });
      expect(totals).toEqual(withLatency.map(({ latency: _latency, ...rest }) => rest));
      expect(totals[0]).toMatchObject({
        promptId: 'a',
        count: 2,
        successes: 1,
        inputTokens: 13,
        costMicros: 12,
      });
      expect(totals[0]).not.toHaveProperty('latency');
      expect(withLatency[0]?.latency).toBeDefined();
    });

    it('stores nothing from a batch with one invalid record and says which field is wrong', async () => {
      const store = await make();
      const bad = { ...run(), costMicros: 1.5 };
      await expect(store.record([run(), bad as AnalyticsRecord])).rejects.toMatchObject({
        code: 'INVALID_INPUT',
        details: { issues: [expect.objectContaining({ path: 'records.1.costMicros' })] },
      });
      expect(await store.query({ ...everything, groupBy: [] })).toEqual([]);
    });

    it('rejects an empty or inverted time range', async () => {
      const store = await make();
      await expect(
        store.query({ from: new Date(BASE), to: new Date(BASE), groupBy: [] }),
      ).rejects.toMatchObject({
        code: 'INVALID_INPUT',
        details: { issues: [expect.objectContaining({ path: 'to' })] },
      });
    });

    it('throws CANCELLED for an aborted signal without storing', async () => {
      const store = await make();
      const controller = new AbortController();
      controller.abort();
      await expect(store.record([run()], { signal: controller.signal })).rejects.toMatchObject({
        code: 'CANCELLED',
      });
      expect(await store.query({ ...everything, groupBy: [] })).toEqual([]);
    });
  });
}
