import 'server-only';
import {
  COST_DIMENSIONS,
  EVALUATION_SOURCES,
  type CostData,
  type CostDimension,
  type CostRow,
  type CostTable,
} from '@/components/dashboards/types';
import type { PrismaClient } from '@/lib/generated/prisma/client';
import type { AnalyticsRow, GroupByKey } from '@/lib/loom/analytics';
import type { DashboardFilters } from './params';
import {
  EMPTY_TOTALS,
  addTotals,
  bucketOf,
  bucketStarts,
  promptNames,
  rangeView,
  storeFilter,
  totalsOf,
  unknownFilterProblems,
  unpricedModelsOf,
  workspaceStore,
  type Loaded,
} from './shared';

// The model table's rows are per model; its query also groups by provider so the unpriced
// notice can say which provider's price is missing (model and provider share a rollup table).
const GROUP_BY: Record<CostDimension, GroupByKey[]> = {
  prompt: ['prompt'],
  version: ['version'],
  model: ['model', 'provider'],
  provider: ['provider'],
  source: ['source'],
  apiKey: ['apiKey'],
};

function keyOf(dimension: CostDimension, row: AnalyticsRow): string {
  switch (dimension) {
    case 'prompt':
      return row.promptId ?? '';
    case 'version':
      return `${row.promptId ?? ''}@${row.version ?? 0}`;
    case 'model':
      return row.model ?? '';
    case 'provider':
      return row.provider ?? '';
    case 'source':
      return row.source ?? '';
    case 'apiKey':
      return row.apiKeyId ?? '';
  }
}

/**
 * The cost page: one table per dimension, each from one query grouped by the dimension and the
 * day (or hour), so a row's totals and its sparkline come from the same rows and always agree.
 * Every table's total is the range's total: the CSV export reads this same loader.
 */
export async function loadCost(
  db: PrismaClient,
  workspaceId: string,
  filters: DashboardFilters,
  dimensions: readonly CostDimension[] = COST_DIMENSIONS,
): Promise<Loaded<CostData>> {
  const store = await workspaceStore(db, workspaceId);
  const filter = storeFilter(filters);
  const results = await Promise.all(
    dimensions.map((dimension) =>
      store.query({
        from: filters.from,
        to: filters.to,
        filter,
        groupBy: [...GROUP_BY[dimension], filters.grain],
        timeZone: filters.timeZone,
        latency: false,
      }),
    ),
  );
  const isEmpty = results.every((rows) => rows.length === 0);
  const problems = await unknownFilterProblems(db, workspaceId, filters, isEmpty);
  if (problems.length > 0) return { ok: false, problems };

  const names = await promptNames(
    db,
    workspaceId,
    results.flatMap((rows) => rows.flatMap((row) => (row.promptId ? [row.promptId] : []))),
  );
  const keyNames = dimensions.includes('apiKey')
    ? await apiKeyNames(db, workspaceId)
    : new Map<string, string>();
  const starts = bucketStarts(filters);
  const index = new Map(starts.map((start, i) => [start.getTime(), i]));

  const tables: CostTable[] = dimensions.map((dimension, d) => {
    const rows = new Map<string, CostRow>();
    for (const row of results[d] ?? []) {
      const key = keyOf(dimension, row);
      let entry = rows.get(key);
      if (!entry) {
        entry = {
          key,
          ...describe(dimension, row, names, keyNames),
          totals: { ...EMPTY_TOTALS },
          spark: starts.map(() => 0),
        };
        rows.set(key, entry);
      }
      entry.totals = addTotals(entry.totals, totalsOf(row));
      const at = index.get(bucketOf(row)?.getTime() ?? -1);
      if (at !== undefined) entry.spark[at] = (entry.spark[at] ?? 0) + row.costMicros;
    }
    const list = [...rows.values()].sort(
      (a, b) => b.totals.costMicros - a.totals.costMicros || b.totals.runs - a.totals.runs,
    );
    return {
      dimension,
      rows: list,
      total: list.reduce((sum, row) => addTotals(sum, row.totals), { ...EMPTY_TOTALS }),
    };
  });

  const total = tables[0]?.total ?? { ...EMPTY_TOTALS };
  const modelRows = results[dimensions.indexOf('model')] ?? [];
  let product = { ...EMPTY_TOTALS };
  let evaluation = { ...EMPTY_TOTALS };
  for (const row of tables.find((table) => table.dimension === 'source')?.rows ?? []) {
    if (EVALUATION_SOURCES.includes(row.key)) evaluation = addTotals(evaluation, row.totals);
    else product = addTotals(product, row.totals);
  }
  return {
    ok: true,
    data: {
      range: rangeView(filters),
      total,
      product,
      evaluation,
      tables,
      unpricedModels: unpricedModelsOf(modelRows),
    },
  };
}

/** Names of the workspace's API keys (revoked ones too: their past cost still shows). */
async function apiKeyNames(db: PrismaClient, workspaceId: string): Promise<Map<string, string>> {
  const keys = await db.apiKey.findMany({
    where: { workspaceId },
    select: { id: true, name: true, prefix: true },
  });
  return new Map(keys.map((key) => [key.id, `${key.name} (${key.prefix}…)`]));
}

const SOURCE_LABELS: Record<string, string> = {
  playground: 'Playground',
  api: 'API',
  suite: 'Suite runs',
  judge: 'Judge calls',
  experiment: 'Experiments',
};

function describe(
  dimension: CostDimension,
  row: AnalyticsRow,
  names: Record<string, string>,
  keyNames: Map<string, string>,
): Pick<CostRow, 'label' | 'href'> {
  const promptId = row.promptId ?? '';
  const metrics = `/prompts/${encodeURIComponent(promptId)}/metrics`;
  switch (dimension) {
    case 'prompt':
      return { label: names[promptId] ?? promptId, href: metrics };
    case 'version':
      return { label: `${names[promptId] ?? promptId} v${row.version ?? 0}`, href: metrics };
    case 'model':
      return { label: row.model ?? '' };
    case 'provider':
      return { label: row.provider ?? '' };
    case 'source':
      return { label: SOURCE_LABELS[row.source ?? ''] ?? row.source ?? '' };
    case 'apiKey':
      return {
        label: row.apiKeyId
          ? (keyNames.get(row.apiKeyId) ?? `Deleted key ${row.apiKeyId}`)
          : 'No key (studio)',
      };
  }
}
