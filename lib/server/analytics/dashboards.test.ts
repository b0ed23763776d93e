// The dashboards' loaders against a real PostgreSQL database: the overview's KPIs and their change,
// the cost tables (every breakdown adds up to the same total, the CSV's total row too), unpriced
// runs counted apart, unknown filters reported, and a prompt's metrics with its production moves.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrismaAnalyticsStore } from '@/lib/adapters/prisma/analytics';
import type { AnalyticsRecord } from '@/lib/loom/analytics';
import { createTestDatabase, type TestDatabase } from '@/test/db';
import { loadCost } from './cost';
import { costTableCsv } from './cost-csv';
import { loadOverview } from './overview';
import { parseDashboardParams, type DashboardFilters } from './params';
import { loadPromptMetrics } from './prompt-metrics';

let db: TestDatabase;
let workspaceId: string;
const NOW = new Date('2026-03-10T15:30:00Z');

function filters(search: Record<string, string> = {}): DashboardFilters {
  const parsed = parseDashboardParams(search, NOW, 'UTC');
  if (!parsed.ok) throw new Error(parsed.problems.join(' '));
  return parsed.filters;
}

function run(overrides: Partial<AnalyticsRecord> & { at: Date }): AnalyticsRecord {
  return {
    promptId: 'support-reply',
    version: 1,
    model: 'gpt-4o-mini',
    provider: 'openai',
    latencyMs: 400,
    inputTokens: 100,
    outputTokens: 50,
    costMicros: 1_000,
    success: true,
    source: 'playground',
    ...overrides,
  };
}

const day = (d: number, hour = 12) => new Date(Date.UTC(2026, 2, d, hour));

beforeAll(async () => {
  db = await createTestDatabase({ kind: 'postgres' });
  workspaceId = (await db.prisma.workspace.create({ data: { slug: 'dash', name: 'Dash' } })).id;
  for (const [slug, name] of [
    ['support-reply', 'Support reply'],
    ['summarize', 'Summarize'],
  ] as const) {
    await db.prisma.prompt.create({
      data: { workspaceId, slug, name, latestVersion: 2, updatedAt: new Date() },
    });
  }
  const store = createPrismaAnalyticsStore(db.prisma, workspaceId);
  await store.record([
    // The previous 7 days: 2 runs.
    run({ at: day(1), costMicros: 2_000 }),
    run({ at: day(2), costMicros: 2_000 }),
    // This week: 6 runs, one failed, one unpriced, one a judge call, one from the API.
    run({ at: day(4) }),
    run({ at: day(5), version: 2, costMicros: 3_000, latencyMs: 900 }),
    run({ at: day(6), success: false, errorKind: 'TIMEOUT' }),
    run({ at: day(7), promptId: 'summarize', model: 'local-llama', provider: 'ollama', costMicros: null }),
    run({ at: day(8), source: 'judge', model: 'gpt-4o', costMicros: 5_000 }),
    run({ at: day(10, 9), source: 'api', apiKeyId: 'key_1', costMicros: 4_000 }),
  ]);
  await db.prisma.auditEvent.create({
    data: {
      workspaceId,
      actorEmail: 'admin@loom.local',
      action: 'label.set',
      subject: 'prompt:support-reply',
      details: { label: 'production', from: 1, to: 2 },
      createdAt: day(5, 8),
    },
  });
});
afterAll(() => db.close());

describe('loadOverview', () => {
  it('shows the range’s figures against the previous period, unpriced runs apart', async () => {
    const result = await loadOverview(db.prisma, workspaceId, filters());
    if (!result.ok) throw new Error(result.problems.join(' '));
    const { current, previous, cost, runsPerHour, topPrompts, models, unpricedModels } = result.data;
    expect(current).toMatchObject({ runs: 6, errors: 1, costMicros: 14_000, unpricedRuns: 1 });
    expect(current.p95Ms).toBeGreaterThan(800);
    expect(previous).toMatchObject({ runs: 2, costMicros: 4_000 });
    // One bar per day of the range, stacked by model, summing to the total.
    expect(cost.points).toHaveLength(7);
    expect(cost.points.reduce((s, p) => s + Object.values(p.values).reduce((a, b) => a + b, 0), 0)).toBe(
      14_000,
    );
    expect(runsPerHour).toHaveLength(7 * 24);
    expect(runsPerHour.reduce((s, p) => s + (p.values.runs ?? 0), 0)).toBe(6);
    expect(topPrompts[0]).toMatchObject({ promptId: 'support-reply', name: 'Support reply' });
    expect(models).toContainEqual({ model: 'local-llama', runs: 1, unpricedRuns: 1 });
    expect(unpricedModels).toEqual([{ provider: 'ollama', model: 'local-llama', runs: 1 }]);
  });

  it('filters by prompt, model and source', async () => {
    const byModel = await loadOverview(db.prisma, workspaceId, filters({ model: 'gpt-4o' }));
    expect(byModel.ok && byModel.data.current.runs).toBe(1);
    const bySource = await loadOverview(db.prisma, workspaceId, filters({ source: 'api' }));
    expect(bySource.ok && bySource.data.current.costMicros).toBe(4_000);
    const byPrompt = await loadOverview(db.prisma, workspaceId, filters({ prompt: 'summarize' }));
    expect(byPrompt.ok && byPrompt.data.current).toMatchObject({ runs: 1, unpricedRuns: 1 });
  });

  it('reports a prompt or model the workspace does not have', async () => {
    expect(await loadOverview(db.prisma, workspaceId, filters({ prompt: 'nope', model: 'gpt-9' }))).toEqual({
      ok: false,
      problems: ['No prompt “nope” in this workspace.', 'No runs of a model “gpt-9” in this workspace.'],
    });
  });
});

describe('unpriced models', () => {
  it('names the provider of each, since one model name can run (and be priced) at several', async () => {
    const other = (await db.prisma.workspace.create({ data: { slug: 'llamas', name: 'Llamas' } })).id;
    await createPrismaAnalyticsStore(db.prisma, other).record([
      run({ at: day(6), model: 'llama3', provider: 'ollama', costMicros: null }),
      run({ at: day(7), model: 'llama3', provider: 'ollama', costMicros: null }),
      run({ at: day(8), model: 'llama3', provider: 'simulator', costMicros: null }),
      run({ at: day(8), model: 'llama3', provider: 'groq', costMicros: 700 }),
    ]);
    const expected = [
      { provider: 'ollama', model: 'llama3', runs: 2 },
      { provider: 'simulator', model: 'llama3', runs: 1 },
    ];
    for (const stackBy of ['model', 'prompt'] as const) {
      const overview = await loadOverview(db.prisma, other, filters(), stackBy);
      expect(overview.ok && overview.data.unpricedModels, stackBy).toEqual(expected);
      expect(overview.ok && overview.data.models, stackBy).toEqual([
        { model: 'llama3', runs: 4, unpricedRuns: 3 },
      ]);
    }
    const cost = await loadCost(db.prisma, other, filters());
    if (!cost.ok) throw new Error(cost.problems.join(' '));
    expect(cost.data.unpricedModels).toEqual(expected);
    // The model table still has one row per model.
    expect(cost.data.tables.find((t) => t.dimension === 'model')!.rows).toEqual([
      expect.objectContaining({
        key: 'llama3',
        totals: expect.objectContaining({ runs: 4, unpricedRuns: 3 }),
      }),
    ]);
  });
});

describe('loadCost', () => {
  it('breaks the same total down six ways, product apart from evaluation', async () => {
    const result = await loadCost(db.prisma, workspaceId, filters());
    if (!result.ok) throw new Error(result.problems.join(' '));
    const { total, product, evaluation, tables, unpricedModels } = result.data;
    expect(total).toMatchObject({ runs: 6, costMicros: 14_000, unpricedRuns: 1 });
    for (const table of tables) expect(table.total, table.dimension).toEqual(total);
    expect(evaluation).toMatchObject({ runs: 1, costMicros: 5_000 });
    expect(product).toMatchObject({ runs: 5, costMicros: 9_000 });
    expect(unpricedModels).toEqual([{ provider: 'ollama', model: 'local-llama', runs: 1 }]);
    const versions = tables.find((t) => t.dimension === 'version')!.rows.map((r) => r.label);
    expect(versions).toEqual(
      expect.arrayContaining(['Support reply v1', 'Support reply v2', 'Summarize v1']),
    );
    const sparkTotal = tables[0]!.rows.reduce((s, r) => s + r.spark.reduce((a, b) => a + b, 0), 0);
    expect(sparkTotal).toBe(14_000);
  });

  it('exports a table whose total row is the page’s total; an unpriced row says unknown', async () => {
    const result = await loadCost(db.prisma, workspaceId, filters(), ['model']);
    if (!result.ok) throw new Error('not ok');
    const lines = costTableCsv(result.data, 'model').trim().split('\r\n');
    expect(lines[0]).toBe(
      'model,runs,errors,input_tokens,output_tokens,cost_usd,unpriced_runs,cost_per_call_usd',
    );
    expect(lines).toContain('local-llama,1,0,100,50,unknown,1,unknown');
    expect(lines.at(-1)).toBe('Total,6,1,600,300,0.014000,1,0.002800');
  });
});

describe('loadPromptMetrics', () => {
  it('shows each version’s cost per call and latency, and where production moved', async () => {
    const result = await loadPromptMetrics(db.prisma, workspaceId, 'support-reply', filters());
    if (!result.ok) throw new Error('not ok');
    const { versions, moves, timeline } = result.data;
    expect(versions.map((v) => v.version)).toEqual([2, 1]);
    expect(versions[0]!.totals).toMatchObject({ runs: 1, costMicros: 3_000 });
    expect(versions[0]!.totals.p95Ms).toBeGreaterThan(880);
    expect(moves).toEqual([{ at: day(5, 8).toISOString(), from: 1, to: 2, actor: 'admin@loom.local' }]);
    expect(timeline).toHaveLength(7);
  });
});
