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
  workspaceStore,
  type Loaded,
} from './shared';

/** Series the cost chart stacks before the rest become "Other": past that, colours stop telling apart. */
const STACK_SERIES = 6;
const TOP_PROMPTS = 8;
export const OTHER = 'Other';

/**
 * The whole overview in seven store queries run together: the range's totals with percentiles,
 * the previous period's, cost per bucket split by model or prompt, runs per hour, latency per
 * bucket (the hourly query serves both when the range is short), cost per prompt and per model.
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
  const [current, previous, costRows, hourly, daily, byPrompt, byModel] = await Promise.all([
    store.query({ ...range, groupBy: [] }),
    store.query({ ...range, from: filters.previousFrom, to: filters.from, groupBy: [] }),
    store.query({ ...range, groupBy: [filters.grain, stackBy], latency: false }),
    store.query({ ...range, groupBy: ['hour'], latency: shortRange }),
    shortRange ? Promise.resolve([]) : store.query({ ...range, groupBy: ['day'] }),
    store.query({ ...range, groupBy: ['prompt'], latency: false }),
    store.query({ ...range, groupBy: ['model'], latency: false }),
  ]);

  const problems = await unknownFilterProblems(db, workspaceId, filters, current.length === 0);
  if (problems.length > 0) return { ok: false, problems };

  const names = await promptNames(db, workspaceId, [
    ...byPrompt.flatMap((row) => (row.promptId ? [row.promptId] : [])),
    ...(filters.promptId ? [filters.promptId] : []),
  ]);

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
      models: byModel.map((row) => ({
        model: row.model ?? '',
        runs: row.count,
        unpricedRuns: row.unpricedCount,
      })),
    },
  };
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
  const ranked = [...totals.entries()].sort((a, b) => b[1] - a[1]).map(([key]) => key);
  const shown = new Set(ranked.length > STACK_SERIES ? ranked.slice(0, STACK_SERIES - 1) : ranked);
  const keys = ranked.filter((key) => shown.has(key));
  if (ranked.length > shown.size) keys.push(OTHER);

  const byBucket = new Map<number, Record<string, number>>();
  for (const row of rows) {
    const start = bucketOf(row)?.getTime();
    if (start === undefined) continue;
    const key = shown.has(keyOf(row)) ? keyOf(row) : OTHER;
    const values = byBucket.get(start) ?? {};
    values[key] = (values[key] ?? 0) + row.costMicros;
    byBucket.set(start, values);
  }
  const zero = Object.fromEntries(keys.map((key) => [key, 0]));
  return { keys, points: denseSeries(bucketStarts(filters), byBucket, zero) };
}
