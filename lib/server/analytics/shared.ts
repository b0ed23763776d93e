import 'server-only';
import type { RangeView, SeriesPoint, Totals, UnpricedModel } from '@/components/dashboards/types';
import type { PrismaClient } from '@/lib/generated/prisma/client';
import type { AnalyticsQueryInput, AnalyticsRow, AnalyticsStore } from '@/lib/loom/analytics';
import { createStudioAnalyticsStore } from '../loom';
import { addDays, filtersQuery, localDayOf, startOfLocalDay, type DashboardFilters } from './params';

const HOUR_MS = 3_600_000;

/** What every dashboard loader answers: its data, or why the URL's filters cannot be answered. */
export type Loaded<T> = { ok: true; data: T } | { ok: false; problems: string[] };

export const EMPTY_TOTALS: Totals = {
  runs: 0,
  errors: 0,
  inputTokens: 0,
  outputTokens: 0,
  costMicros: 0,
  unpricedRuns: 0,
};

export function totalsOf(row: AnalyticsRow | undefined): Totals {
  if (!row) return { ...EMPTY_TOTALS };
  return {
    runs: row.count,
    errors: row.count - row.successes,
    inputTokens: row.inputTokens,
    outputTokens: row.outputTokens,
    costMicros: row.costMicros,
    unpricedRuns: row.unpricedCount,
    ...(row.latency ? { p50Ms: row.latency.p50, p95Ms: row.latency.p95 } : {}),
  };
}

/** Unpriced runs per provider and model, most first, from rows grouped by both (and perhaps by time). */
export function unpricedModelsOf(rows: AnalyticsRow[]): UnpricedModel[] {
  const models = new Map<string, UnpricedModel>();
  for (const row of rows) {
    if (row.unpricedCount === 0) continue;
    const provider = row.provider ?? '';
    const model = row.model ?? '';
    const key = JSON.stringify([provider, model]);
    const entry = models.get(key) ?? { provider, model, runs: 0 };
    entry.runs += row.unpricedCount;
    models.set(key, entry);
  }
  return [...models.values()].sort(
    (a, b) => b.runs - a.runs || a.model.localeCompare(b.model) || a.provider.localeCompare(b.provider),
  );
}

/** Adds totals without percentiles (they do not add up). */
export function addTotals(into: Totals, other: Totals): Totals {
  return {
    runs: into.runs + other.runs,
    errors: into.errors + other.errors,
    inputTokens: into.inputTokens + other.inputTokens,
    outputTokens: into.outputTokens + other.outputTokens,
    costMicros: into.costMicros + other.costMicros,
    unpricedRuns: into.unpricedRuns + other.unpricedRuns,
  };
}

/** The store query's filter part for the dashboards' filters. */
export function storeFilter(filters: DashboardFilters): AnalyticsQueryInput['filter'] {
  return {
    ...(filters.promptId ? { promptId: filters.promptId } : {}),
    ...(filters.model ? { model: filters.model } : {}),
    ...(filters.source ? { source: [filters.source] } : {}),
  };
}

export function rangeView(filters: DashboardFilters): RangeView {
  return {
    preset: filters.preset,
    from: filters.from.toISOString(),
    to: filters.to.toISOString(),
    previousFrom: filters.previousFrom.toISOString(),
    grain: filters.grain,
    timeZone: filters.timeZone,
    query: filtersQuery(filters),
  };
}

/**
 * The start of every bucket in [from, to), so series have no holes where nothing ran: UTC hours,
 * or the days of the workspace's time zone (as the store groups them).
 */
export function bucketStarts(filters: DashboardFilters, grain: 'hour' | 'day' = filters.grain): Date[] {
  const starts: Date[] = [];
  if (grain === 'hour') {
    const first = Math.floor(filters.from.getTime() / HOUR_MS) * HOUR_MS;
    for (let t = first; t < filters.to.getTime(); t += HOUR_MS) starts.push(new Date(t));
    return starts;
  }
  let day = localDayOf(filters.from, filters.timeZone);
  for (let start = startOfLocalDay(day, filters.timeZone); start < filters.to;) {
    starts.push(start);
    day = addDays(day, 1);
    start = startOfLocalDay(day, filters.timeZone);
  }
  return starts;
}

/** A row's bucket start (day or hour). */
export function bucketOf(row: AnalyticsRow): Date | undefined {
  return row.hour ?? row.day;
}

/** Turns rows keyed by bucket into a dense series over the range. */
export function denseSeries(
  starts: Date[],
  values: Map<number, Record<string, number>>,
  zero: Record<string, number>,
): SeriesPoint[] {
  return starts.map((start) => ({
    t: start.toISOString(),
    values: { ...zero, ...values.get(start.getTime()) },
  }));
}

export async function workspaceStore(db: PrismaClient, workspaceId: string): Promise<AnalyticsStore> {
  return createStudioAnalyticsStore(db, workspaceId);
}

/**
 * Why a prompt or model in the URL cannot be shown: it does not exist in this workspace. A model
 * is known once any run used it; checked only when a query came back empty, so the common case
 * costs nothing.
 */
export async function unknownFilterProblems(
  db: PrismaClient,
  workspaceId: string,
  filters: DashboardFilters,
  isEmpty: boolean,
): Promise<string[]> {
  const problems: string[] = [];
  if (filters.promptId) {
    const prompt = await db.prompt.findFirst({
      where: { workspaceId, slug: filters.promptId },
      select: { id: true },
    });
    if (!prompt) problems.push(`No prompt “${filters.promptId}” in this workspace.`);
  }
  if (filters.model && isEmpty) {
    const [seen] = await db.$queryRawUnsafe<{ seen: boolean }[]>(
      `SELECT EXISTS (SELECT 1 FROM "AnalyticsHourly" WHERE "workspaceId" = $1 AND "model" = $2)
           OR EXISTS (SELECT 1 FROM "AnalyticsRun" WHERE "workspaceId" = $1 AND "model" = $2) AS seen`,
      workspaceId,
      filters.model,
    );
    if (!seen?.seen) problems.push(`No runs of a model “${filters.model}” in this workspace.`);
  }
  return problems;
}

/**
 * Display names of prompts by id (slug): the given ones (an id with no prompt left keeps its id),
 * or every prompt of the workspace, archived ones too, when no ids are given.
 */
export async function promptNames(
  db: PrismaClient,
  workspaceId: string,
  ids?: Iterable<string>,
): Promise<Record<string, string>> {
  const unique = ids === undefined ? undefined : [...new Set(ids)];
  if (unique?.length === 0) return {};
  const prompts = await db.prompt.findMany({
    where: { workspaceId, ...(unique ? { slug: { in: unique } } : {}) },
    select: { slug: true, name: true },
  });
  const names: Record<string, string> = Object.fromEntries((unique ?? []).map((id) => [id, id]));
  for (const prompt of prompts) names[prompt.slug] = prompt.name;
  return names;
}
