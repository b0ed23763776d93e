import 'server-only';
import type { OverviewData, Series, SeriesPoint } from '@/components/dashboards/types';
import type { PrismaClient } from '@/lib/generated/prisma/client';
import type { AnalyticsRow } from '@/lib/loom/analytics';
import type { DashboardFilters } from './params';
import {
  bucketOf,
  bucketStarts,
  denseSeries,
  promptNames,
  rangeView,
  storeFilter,
  totalsOf,
  unknownFilterProblems,
  unpricedModelsOf,
  workspaceStore,
  type Loaded,
} from './shared';

/** Series the cost chart stacks before the rest become "Other": past that, colours stop telling apart. */
const STACK_SERIES = 6;
const TOP_PROMPTS = 8;
export const OTHER = 'Other';

/**
 * The whole overview in six store queries run together: the range's totals with percentiles,
 * the previous period's, cost per bucket split by model or prompt, runs per hour, latency per
 * bucket (the hourly query serves both when the range is short), cost per prompt, and per model unless the
 * cost series already split by model; with the workspace's prompt names alongside.
 */
export async function loadOverview(
  db: PrismaClient,
  workspaceId: string,
  filters: DashboardFilters,
  stackBy: 'model' | 'prompt' = 'model',
): Promise<Loaded<OverviewData>> {
  const store = await workspaceStore(db, workspaceId);
  const filter = storeFilter(filters);
  const range = { from: filters.from, to: filters.to, filter, timeZone: filters.timeZone };
  const shortRange = filters.grain === 'hour';
  // Prompt names are read with the figures (all of the workspace's: a few hundred rows at most),
  // so the page waits for one round of queries, not two.
  const [current, previous, costRows, hourly, daily, byPrompt, byModel, names] = await Promise.all([
    store.query({ ...range, groupBy: [] }),
    store.query({ ...range, from: filters.previousFrom, to: filters.from, groupBy: [] }),
    // By provider too when stacked by model: the unpriced notice reads these rows (see byModel).
    store.query({
      ...range,
      groupBy: stackBy === 'model' ? [filters.grain, 'model', 'provider'] : [filters.grain, stackBy],
      latency: false,
    }),
    store.query({ ...range, groupBy: ['hour'], latency: shortRange }),
    shortRange ? Promise.resolve([]) : store.query({ ...range, groupBy: ['day'] }),
    store.query({ ...range, groupBy: ['prompt'], latency: false }),
    stackBy === 'model'
      ? Promise.resolve(undefined)
      : store.query({ ...range, groupBy: ['model', 'provider'], latency: false }),
    promptNames(db, workspaceId),
  ]);

  const problems = await unknownFilterProblems(db, workspaceId, filters, current.length === 0);
  if (problems.length > 0) return { ok: false, problems };

  const hourStarts = bucketStarts(filters, 'hour');
  const runsPerHour = denseSeries(
    hourStarts,
    new Map(
      hourly.map((row) => [
        bucketOf(row)?.getTime() ?? 0,
        { runs: row.count, errors: row.count - row.successes },
      ]),
    ),
    { runs: 0, errors: 0 },
  );
  const latencyRows = shortRange ? hourly : daily;
  // Buckets with no runs have no latency: leave them out rather than draw a drop to zero.
  const latency: SeriesPoint[] = latencyRows.flatMap((row) => {
    const start = bucketOf(row);
    return start && row.latency
      ? [{ t: start.toISOString(), values: { p50: row.latency.p50, p95: row.latency.p95 } }]
      : [];
  });

  return {
    ok: true,
    data: {
      range: rangeView(filters),
      current: totalsOf(current[0]),
      previous: totalsOf(previous[0]),
      cost: stackedCost(filters, costRows, stackBy, names),
      stackBy,
      runsPerHour,
      latency,
      topPrompts: byPrompt
        .filter((row) => row.promptId !== undefined)
        .sort((a, b) => b.costMicros - a.costMicros || b.count - a.count)
        .slice(0, TOP_PROMPTS)
        .map((row) => ({
          promptId: row.promptId ?? '',
          name: names[row.promptId ?? ''] ?? row.promptId ?? '',
          totals: totalsOf(row),
        })),
      promptNames: names,
      models: modelTotals(byModel ?? costRows),
      unpricedModels: unpricedModelsOf(byModel ?? costRows),
    },
  };
}

/** Runs and unpriced runs per model (rows grouped by model, and perhaps by provider and time too). */
function modelTotals(rows: AnalyticsRow[]): OverviewData['models'] {
  const models = new Map<string, { model: string; runs: number; unpricedRuns: number }>();
  for (const row of rows) {
    const model = row.model ?? '';
    const entry = models.get(model) ?? { model, runs: 0, unpricedRuns: 0 };
    entry.runs += row.count;
    entry.unpricedRuns += row.unpricedCount;
    models.set(model, entry);
  }
  return [...models.values()].sort((a, b) => b.runs - a.runs || a.model.localeCompare(b.model));
}

/** Cost per bucket stacked by the largest series; the rest are summed into "Other". */
function stackedCost(
  filters: DashboardFilters,
  rows: AnalyticsRow[],
  stackBy: 'model' | 'prompt',
  names: Record<string, string>,
): Series {
  const keyOf = (row: AnalyticsRow) =>
    stackBy === 'model' ? (row.model ?? '') : (names[row.promptId ?? ''] ?? row.promptId ?? '');
  const totals = new Map<string, number>();
  for (const row of rows) totals.set(keyOf(row), (totals.get(keyOf(row)) ?? 0) + row.costMicros);
  // Series with no priced cost (unpriced models) would be flat lines of $0: the notice counts them.
  const ranked = [...totals.entries()]
    .filter(([, cost]) => cost > 0)
    .sort((a, b) => b[1] - a[1])
    .map(([key]) => key);
  const shown = new Set(ranked.length > STACK_SERIES ? ranked.slice(0, STACK_SERIES - 1) : ranked);
  const keys = ranked.filter((key) => shown.has(key));
  if (ranked.length > shown.size) keys.push(OTHER);

  const byBucket = new Map<number, Record<string, number>>();
  for (const row of rows) {
    const start = bucketOf(row)?.getTime();
    if (start === undefined) continue;
    if (row.costMicros === 0) continue;
    const key = shown.has(keyOf(row)) ? keyOf(row) : OTHER;
    const values = byBucket.get(start) ?? {};
    values[key] = (values[key] ?? 0) + row.costMicros;
    byBucket.set(start, values);
  }
  const zero = Object.fromEntries(keys.map((key) => [key, 0]));
  return { keys, points: denseSeries(bucketStarts(filters), byBucket, zero) };
}
