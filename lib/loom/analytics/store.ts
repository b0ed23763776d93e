import { z } from 'zod';
import { LoomError, promptIdSchema } from '../core';
import { Histogram } from './histogram';
import type { AnalyticsRecord } from './record';
import { isValidTimeZone, startOfZonedDay } from './time-zone';

export const GROUP_BY_KEYS = [
  'prompt',
  'version',
  'model',
  'provider',
  'source',
  'apiKey',
  'day',
  'hour',
] as const;
export type GroupByKey = (typeof GROUP_BY_KEYS)[number];

export const analyticsQuerySchema = z
  .object({
    /** Inclusive start. */
    from: z.date(),
    /** Exclusive end. */
    to: z.date(),
    groupBy: z.array(z.enum(GROUP_BY_KEYS)).default([]),
    filter: z
      .object({
        promptId: promptIdSchema.optional(),
        version: z.number().int().nonnegative().optional(),
        model: z.string().min(1).optional(),
        provider: z.string().min(1).optional(),
        /** Only calls from these sources (playground, api, ...). */
        source: z.array(z.string().min(1)).min(1).optional(),
        /** Leave out calls from these sources: product cost without suite and judge calls. */
        excludeSource: z.array(z.string().min(1)).min(1).optional(),
        apiKeyId: z.string().min(1).optional(),
      })
      .default({}),
    /**
     * IANA zone whose midnight starts a 'day' group (see time-zone.ts for half-hour zones). Hours
     * stay UTC hours.
     */
    timeZone: z
      .string()
      .default('UTC')
      .refine(isValidTimeZone, { message: 'must be an IANA time zone such as Europe/Paris' }),
    /**
     * False when the caller needs no latency percentiles (a cost ranking): rows then carry no
     * `latency`, and stores may answer from plain sums without merging histograms.
     */
    latency: z.boolean().default(true),
  })
  .refine((query) => query.from.getTime() < query.to.getTime(), {
    message: '`from` must be before `to`',
    path: ['to'],
  });
export type AnalyticsQuery = z.infer<typeof analyticsQuerySchema>;
export type AnalyticsQueryInput = z.input<typeof analyticsQuerySchema>;

/**
 * The group a row belongs to; only the grouped fields are present. Hours are UTC hour starts; days
 * are the instants the query's time zone's days start. `apiKeyId` is null for calls made without a key.
 */
export interface AnalyticsGroup {
  promptId?: string;
  version?: number;
  model?: string;
  provider?: string;
  source?: string;
  apiKeyId?: string | null;
  day?: Date;
  hour?: Date;
}

export interface LatencyPercentiles {
  p50: number;
  p95: number;
  p99: number;
}

export interface AnalyticsRow extends AnalyticsGroup {
  count: number;
  successes: number;
  /** successes / count */
  successRate: number;
  inputTokens: number;
  outputTokens: number;
  /** The cost of the priced calls only. */
  costMicros: number;
  /** Calls whose model had no known price: their cost is unknown, not zero. */
  unpricedCount: number;
  /**
   * Milliseconds, from the histogram: within 2% of the exact nearest-rank percentile. Absent only
   * when the query asked for `latency: false`.
   */
  latency?: LatencyPercentiles;
}

export interface AnalyticsCallOptions {
  signal?: AbortSignal;
}

/**
 * Where run records are kept and aggregated. `record` stores a whole batch or nothing; `query`
 * returns one row per non-empty group over [from, to), sorted by the grouped fields in `groupBy`
 * order. Grouping by version also groups by prompt, since version numbers are per prompt.
 */
export interface AnalyticsStore {
  record(records: AnalyticsRecord[], options?: AnalyticsCallOptions): Promise<void>;
  query(query: AnalyticsQueryInput, options?: AnalyticsCallOptions): Promise<AnalyticsRow[]>;
}

export function parseAnalyticsQuery(input: unknown): AnalyticsQuery {
  const parsed = analyticsQuerySchema.safeParse(input);
  if (!parsed.success) {
    throw new LoomError('INVALID_INPUT', 'Invalid analytics query', {
      issues: parsed.error.issues.map((issue) => ({
        path: issue.path.map(String).join('.'),
        message: issue.message,
      })),
    });
  }
  return parsed.data;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export function startOfUtcHour(date: Date): Date {
  return new Date(Math.floor(date.getTime() / HOUR_MS) * HOUR_MS);
}

export function startOfUtcDay(date: Date): Date {
  return new Date(Math.floor(date.getTime() / DAY_MS) * DAY_MS);
}

/** The group of a record under `groupBy` (version implies prompt). */
export function groupOf(
  record: Pick<AnalyticsRecord, 'promptId' | 'version' | 'model' | 'provider' | 'source' | 'apiKeyId' | 'at'>,
  groupBy: readonly GroupByKey[],
  timeZone = 'UTC',
): AnalyticsGroup {
  const group: AnalyticsGroup = {};
  if (groupBy.includes('prompt') || groupBy.includes('version')) group.promptId = record.promptId;
  if (groupBy.includes('version')) group.version = record.version;
  if (groupBy.includes('model')) group.model = record.model;
  if (groupBy.includes('provider')) group.provider = record.provider;
  if (groupBy.includes('source')) group.source = record.source ?? 'playground';
  if (groupBy.includes('apiKey')) group.apiKeyId = record.apiKeyId ?? null;
  if (groupBy.includes('day')) group.day = startOfZonedDay(record.at, timeZone);
  if (groupBy.includes('hour')) group.hour = startOfUtcHour(record.at);
  return group;
}

/** A map key for a group; stable for equal groups. */
export function groupKey(group: AnalyticsGroup): string {
  return JSON.stringify([
    group.promptId,
    group.version,
    group.model,
    group.provider,
    group.source,
    group.apiKeyId,
    group.day?.getTime(),
    group.hour?.getTime(),
  ]);
}

const FIELD_OF: Record<GroupByKey, keyof AnalyticsGroup> = {
  prompt: 'promptId',
  version: 'version',
  model: 'model',
  provider: 'provider',
  source: 'source',
  apiKey: 'apiKeyId',
  day: 'day',
  hour: 'hour',
};

function compareValues(
  a: AnalyticsGroup[keyof AnalyticsGroup],
  b: AnalyticsGroup[keyof AnalyticsGroup],
): number {
  // Missing (and a call without an API key) sorts first.
  if (a === undefined || b === undefined || a === null || b === null)
    return a === b ? 0 : a === undefined || a === null ? -1 : 1;
  if (a instanceof Date && b instanceof Date) return a.getTime() - b.getTime();
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

/** Sorts rows by the grouped fields in `groupBy` order (prompt before version when version is grouped). */
export function sortRows<T extends AnalyticsGroup>(rows: T[], groupBy: readonly GroupByKey[]): T[] {
  const order: (keyof AnalyticsGroup)[] = [];
  for (const key of groupBy) {
    if (key === 'version' && !order.includes('promptId')) order.push('promptId');
    const field = FIELD_OF[key];
    if (!order.includes(field)) order.push(field);
  }
  return rows.sort((a, b) => {
    for (const field of order) {
      const difference = compareValues(a[field], b[field]);
      if (difference !== 0) return difference;
    }
    return 0;
  });
}

/** Running totals of one group; stores keep these (or their rollups) and turn them into rows. */
export interface Aggregate {
  count: number;
  successes: number;
  inputTokens: number;
  outputTokens: number;
  costMicros: number;
  unpricedCount: number;
  latency: Histogram;
}

export function createAggregate(): Aggregate {
  return {
    count: 0,
    successes: 0,
    inputTokens: 0,
    outputTokens: 0,
    costMicros: 0,
    unpricedCount: 0,
    latency: new Histogram(),
  };
}

export function addRecord(aggregate: Aggregate, record: AnalyticsRecord): void {
  aggregate.count += 1;
  if (record.success) aggregate.successes += 1;
  aggregate.inputTokens += record.inputTokens;
  aggregate.outputTokens += record.outputTokens;
  if (record.costMicros === null) aggregate.unpricedCount += 1;
  else aggregate.costMicros += record.costMicros;
  aggregate.latency.record(record.latencyMs);
}

export function mergeAggregate(into: Aggregate, other: Aggregate): void {
  into.count += other.count;
  into.successes += other.successes;
  into.inputTokens += other.inputTokens;
  into.outputTokens += other.outputTokens;
  into.costMicros += other.costMicros;
  into.unpricedCount += other.unpricedCount;
  into.latency.merge(other.latency);
}

export type AggregateTotals = Omit<Aggregate, 'latency'>;

/** A row without percentiles, for queries with `latency: false`. */
export function toTotalsRow(group: AnalyticsGroup, totals: AggregateTotals): AnalyticsRow {
  return {
    ...group,
    count: totals.count,
    successes: totals.successes,
    successRate: totals.count > 0 ? totals.successes / totals.count : 0,
    inputTokens: totals.inputTokens,
    outputTokens: totals.outputTokens,
    costMicros: totals.costMicros,
    unpricedCount: totals.unpricedCount,
  };
}

export function toAnalyticsRow(group: AnalyticsGroup, aggregate: Aggregate): AnalyticsRow {
  const [p50, p95, p99] = aggregate.latency.quantiles([0.5, 0.95, 0.99]);
  return {
    ...toTotalsRow(group, aggregate),
    latency: { p50: p50 ?? 0, p95: p95 ?? 0, p99: p99 ?? 0 },
  };
}
