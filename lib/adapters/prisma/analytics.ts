import 'server-only';
import type { PrismaClient } from '@/lib/generated/prisma/client';
import { LoomError, throwIfAborted } from '@/lib/loom/core';
import {
  DEFAULT_GAMMA,
  Histogram,
  MIN_TRACKED_VALUE,
  offsetSegments,
  parseAnalyticsQuery,
  parseAnalyticsRecords,
  sortRows,
  startOfUtcDay,
  startOfUtcHour,
  zonedMidnight,
  toAnalyticsRow,
  toTotalsRow,
  type AnalyticsCallOptions,
  type AnalyticsGroup,
  type AnalyticsQuery,
  type AnalyticsRow,
  type AnalyticsStore,
} from '@/lib/loom/analytics';

export interface PrismaAnalyticsStoreOptions {
  /** Fold new runs into the rollups every this many ms in the background; off when absent. */
  rollupIntervalMs?: number;
  /** Runs folded per rollup transaction, so one transaction never holds a huge backlog. */
  rollupBatchSize?: number;
  /** Longest one rollup transaction may take before it is rolled back (nothing is counted). */
  rollupTimeoutMs?: number;
  /** Failures of the background rollup; the next tick retries, since nothing was half-folded. */
  onError?: (error: unknown) => void;
}

export interface RollupResult {
  /** Runs folded into the rollups by this call. */
  folded: number;
  /** True when another instance held the workspace's rollup lock, so this call folded nothing. */
  busy: boolean;
}

export interface PruneResult {
  /** Raw runs deleted. */
  deleted: number;
}

export interface PrismaAnalyticsStore extends AnalyticsStore {
  /**
   * Folds the runs committed so far into the hourly and daily rollups, batch by batch, until none
   * are left. Safe to call from many instances at once: an advisory lock lets one fold at a time.
   */
  rollup(options?: AnalyticsCallOptions): Promise<RollupResult>;
  /**
   * Deletes raw runs older than `before` that the rollups already hold, `batchSize` at a time (each
   * its own short transaction), so totals stay whole. Queries over pruned time then answer from the
   * rollups alone: whole hours only, as the partial hours at a range's edges came from raw runs.
   */
  prune(before: Date, options?: AnalyticsCallOptions & { batchSize?: number }): Promise<PruneResult>;
  /** Stops the background rollup and waits for a running one. */
  close(): Promise<void>;
}

const DEFAULT_ROLLUP_BATCH_SIZE = 200_000;
/** Raw runs deleted per pruning statement: short transactions that never hold the table long. */
const DEFAULT_PRUNE_BATCH_SIZE = 10_000;
/** A batch of 200k runs folds in a few seconds; a minute leaves room for a busy server. */
const DEFAULT_ROLLUP_TIMEOUT_MS = 60_000;
/** A query's transaction: months of hourly rows per model can take seconds; Prisma's default is 5 s. */
const QUERY_TIMEOUT_MS = 60_000;
/** First key of the rollup advisory lock (the second is the workspace's hash): "loom" in ASCII. */
const ROLLUP_LOCK_CLASS = 0x6c6f6f6d;
/**
 * First key (the second is hashtext(workspaceId)) of the advisory lock that anything inserting into
 * "AnalyticsRun" must hold shared in its transaction: "loow" in ASCII.
 */
export const ANALYTICS_WRITERS_LOCK_CLASS = 0x6c6f6f77;
/** Per sort or hash of a rollup batch; a 200k-run batch needs a few tens of MB. */
const ROLLUP_WORK_MEM = '64MB';

type Dimension = 'promptId' | 'version' | 'model' | 'provider' | 'source' | 'apiKeyId';
const DIMENSIONS: readonly Dimension[] = ['promptId', 'version', 'model', 'provider', 'source', 'apiKeyId'];
/** Rollups keep a call without an API key under "" (key columns cannot be NULL); rows show it as null. */
const NO_API_KEY = '';

/** A rollup table: its time unit and the dimensions it keeps. */
interface Level {
  table: string;
  unit: 'hour' | 'day';
  dims: readonly Dimension[];
}

// Ordered cheapest first: a query uses the first level of the right unit that keeps every
// dimension it groups or filters by.
const LEVELS: readonly Level[] = [
  { table: 'AnalyticsDailyTotal', unit: 'day', dims: ['source'] },
  { table: 'AnalyticsDailyModel', unit: 'day', dims: ['model', 'provider', 'source', 'apiKeyId'] },
  { table: 'AnalyticsDailyPrompt', unit: 'day', dims: ['promptId', 'source'] },
  { table: 'AnalyticsHourlyTotal', unit: 'hour', dims: ['source'] },
  { table: 'AnalyticsHourly', unit: 'hour', dims: DIMENSIONS },
];

const q = (name: string) => `"${name}"`;

/** The histogram bucket of a latency, as Histogram.record computes it; NULL for the zero bucket. */
const BUCKET_SQL = `CASE WHEN "latencyMs" > ${MIN_TRACKED_VALUE} THEN CEIL(LN("latencyMs") / LN(${DEFAULT_GAMMA}::float8))::int END`;

/** Adds two [[index, count], ...] JSON histograms bucket by bucket (rare: only late runs need it). */
function mergeBucketsSql(a: string, b: string): string {
  return `(SELECT COALESCE(jsonb_agg(jsonb_build_array(i, n) ORDER BY i), '[]'::jsonb)
    FROM (SELECT (e->>0)::int AS i, SUM((e->>1)::int8) AS n
          FROM jsonb_array_elements(${a} || ${b}) AS e GROUP BY 1) AS merged)`;
}

/** Collects positional parameters for raw SQL. */
class Params {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
  /** A UTC instant as a `timestamp` (the columns hold UTC wall-clock time). */
  time(date: Date): string {
    return `${this.add(date.toISOString())}::timestamp`;
  }
}

interface ResultRow {
  t: Date | null;
  promptId: string | null;
  version: number | null;
  model: string | null;
  provider: string | null;
  source: string | null;
  apiKeyId: string | null;
  count: bigint | number;
  successes: bigint | number;
  inputTokens: bigint | number;
  outputTokens: bigint | number;
  costMicros: bigint | number;
  unpricedCount: bigint | number;
  /** The latency columns are NULL when the query asked for no percentiles. */
  latencySum: number | null;
  latencyMin: number | null;
  latencyMax: number | null;
  latencyZero: bigint | number | null;
  buckets: string | null;
  bucket: number | null;
}

interface Accumulator {
  group: AnalyticsGroup;
  count: number;
  successes: number;
  inputTokens: number;
  outputTokens: number;
  costMicros: number;
  unpricedCount: number;
  latencySum: number;
  latencyMin: number;
  latencyMax: number;
  latencyZero: number;
  buckets: Map<number, number>;
}

function toHistogram(acc: Accumulator): Histogram {
  return Histogram.fromCounts({
    gamma: DEFAULT_GAMMA,
    count: acc.count,
    sum: acc.latencySum,
    min: acc.latencyMin,
    max: acc.latencyMax,
    zeroCount: acc.latencyZero,
    buckets: acc.buckets,
  });
}

/**
 * Adds the histograms of `joined`, comma-joined JSON texts of [[index, count], ...] arrays. Every
 * number in it is an index or a count, alternately, so one scan reads them without building the
 * hundreds of thousands of small arrays JSON.parse would (5x faster on a month of daily rows).
 */
function addBuckets(into: Map<number, number>, joined: string): void {
  let value = 0;
  let negative = false;
  let inNumber = false;
  let index: number | undefined;
  for (let i = 0; i < joined.length; i++) {
    const c = joined.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      value = value * 10 + (c - 48);
      inNumber = true;
    } else if (c === 45) {
      negative = true;
    } else if (inNumber) {
      const number = negative ? -value : value;
      if (index === undefined) index = number;
      else {
        into.set(index, (into.get(index) ?? 0) + number);
        index = undefined;
      }
      value = 0;
      negative = false;
      inNumber = false;
    }
  }
}

/** What a query needs from storage: which dimensions, and the finest time unit it groups by. */
function needsOf(query: AnalyticsQuery) {
  const dims = new Set<Dimension>();
  if (query.groupBy.includes('prompt') || query.groupBy.includes('version')) dims.add('promptId');
  if (query.groupBy.includes('version')) dims.add('version');
  if (query.groupBy.includes('model')) dims.add('model');
  if (query.groupBy.includes('provider')) dims.add('provider');
  if (query.groupBy.includes('source')) dims.add('source');
  if (query.groupBy.includes('apiKey')) dims.add('apiKeyId');
  const grouped = new Set(dims);
  const { filter } = query;
  if (filter.promptId !== undefined) dims.add('promptId');
  if (filter.version !== undefined) dims.add('version');
  if (filter.model !== undefined) dims.add('model');
  if (filter.provider !== undefined) dims.add('provider');
  if (filter.source !== undefined || filter.excludeSource !== undefined) dims.add('source');
  if (filter.apiKeyId !== undefined) dims.add('apiKeyId');
  const grain: 'hour' | 'day' | undefined = query.groupBy.includes('hour')
    ? 'hour'
    : query.groupBy.includes('day')
      ? 'day'
      : undefined;
  return { dims, grouped, grain };
}

function levelFor(unit: 'hour' | 'day', dims: Set<Dimension>): Level | undefined {
  return LEVELS.find((level) => level.unit === unit && [...dims].every((d) => level.dims.includes(d)));
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const ceilTo = (date: Date, unit: number) => new Date(Math.ceil(date.getTime() / unit) * unit);

/**
 * The PostgreSQL analytics store of one workspace. `record` appends raw runs with one INSERT per
 * batch; `rollup` (or the background timer) folds them into hourly and daily rollups off the
 * request path. `query` reads the coarsest rollups that can answer it, plus the raw runs at
 * partial-hour edges and those not yet folded, all in one snapshot, so answers are exact and
 * current whether or not the rollup has run. With `latency: false` it adds plain sums only.
 */
export function createPrismaAnalyticsStore(
  db: PrismaClient,
  workspaceId: string,
  options: PrismaAnalyticsStoreOptions = {},
): PrismaAnalyticsStore {
  const batchSize = options.rollupBatchSize ?? DEFAULT_ROLLUP_BATCH_SIZE;
  const rollupTimeoutMs = options.rollupTimeoutMs ?? DEFAULT_ROLLUP_TIMEOUT_MS;
  for (const [path, value] of [
    ['rollupBatchSize', batchSize],
    ['rollupTimeoutMs', rollupTimeoutMs],
    ['rollupIntervalMs', options.rollupIntervalMs ?? 1],
  ] as const) {
    if (!Number.isInteger(value) || value < 1) {
      throw new LoomError('INVALID_INPUT', 'Invalid analytics store options', {
        issues: [{ path, message: `must be a positive integer, got ${value}` }],
      });
    }
  }

  async function record(input: unknown, callOptions?: AnalyticsCallOptions): Promise<void> {
    throwIfAborted(callOptions?.signal);
    const records = parseAnalyticsRecords(input);
    if (records.length === 0) return;
    // One INSERT per batch whatever its size (columns travel as arrays and are unnested), under
    // the workspace's shared writer lock: see `safeHorizon`.
    await db.$transaction([
      db.$executeRawUnsafe(
        `SELECT pg_advisory_xact_lock_shared(${ANALYTICS_WRITERS_LOCK_CLASS}, hashtext($1))`,
        workspaceId,
      ),
      db.$executeRawUnsafe(
        `INSERT INTO "AnalyticsRun" ("workspaceId", "at", "promptId", "version", "model", "provider",
         "latencyMs", "inputTokens", "outputTokens", "costMicros", "success", "errorKind", "experimentId", "variant", "source", "apiKeyId")
       SELECT $1, u.at::timestamp, u.p, u.v, u.m, u.pr, u.l, u.it, u.ot, u.c, u.s, u.e, u.x, u.va, u.so, u.k
       FROM unnest($2::text[], $3::text[], $4::int[], $5::text[], $6::text[], $7::float8[], $8::int[],
                   $9::int[], $10::int8[], $11::bool[], $12::text[], $13::text[], $14::text[], $15::text[],
                   $16::text[])
         AS u(at, p, v, m, pr, l, it, ot, c, s, e, x, va, so, k)`,
        workspaceId,
        records.map((r) => r.at.toISOString()),
        records.map((r) => r.promptId),
        records.map((r) => r.version),
        records.map((r) => r.model),
        records.map((r) => r.provider),
        records.map((r) => r.latencyMs),
        records.map((r) => r.inputTokens),
        records.map((r) => r.outputTokens),
        records.map((r) => r.costMicros ?? null),
        records.map((r) => r.success),
        records.map((r) => r.errorKind ?? null),
        records.map((r) => r.experimentId ?? null),
        records.map((r) => r.variant ?? null),
        records.map((r) => r.source),
        records.map((r) => r.apiKeyId ?? null),
      ),
    ]);
  }

  /**
   * SELECT list naming the output group of a row, given the level's time and dimension columns. A
   * day is the local date (as a UTC-midnight timestamp) of the row's hour in the query's zone,
   * `dayShift` adding the zone's offset in seconds to an hour start; the caller maps it to an instant.
   */
  function groupColumns(
    grain: 'hour' | 'day' | undefined,
    timeColumn: string,
    grouped: Set<Dimension>,
    dayShift: (hour: string) => string,
    raw: boolean,
  ): string {
    const hour = `date_trunc('hour', ${timeColumn})`;
    const t =
      grain === undefined
        ? 'NULL::timestamp'
        : grain === 'day'
          ? `date_trunc('day', ${dayShift(hour)})`
          : hour;
    const casts: Record<Dimension, string> = {
      promptId: 'text',
      version: 'int',
      model: 'text',
      provider: 'text',
      source: 'text',
      apiKeyId: 'text',
    };
    const column = (d: Dimension) =>
      raw && d === 'apiKeyId' ? `COALESCE("apiKeyId", '${NO_API_KEY}')` : q(d);
    return [
      `${t} AS t`,
      ...DIMENSIONS.map((d) => `${grouped.has(d) ? column(d) : `NULL::${casts[d]}`} AS ${q(d)}`),
    ].join(', ');
  }

  /** `hour` plus the zone's offset over the query's range (literal seconds; boundaries as parameters). */
  function dayShiftSql(query: AnalyticsQuery, params: Params): (hour: string) => string {
    const segments = offsetSegments(query.from, query.to, query.timeZone);
    if (segments.every((segment) => segment.offsetMs === 0)) return (hour) => hour;
    const seconds = (ms: number) => Math.round(ms / 1000);
    if (segments.length === 1) {
      const only = seconds(segments[0]?.offsetMs ?? 0);
      return (hour) => `(${hour} + ${only} * interval '1 second')`;
    }
    const bounds = segments.slice(1).map((segment) => params.time(new Date(segment.from)));
    return (hour) => {
      const cases = segments
        .slice(0, -1)
        .map((segment, i) => `WHEN ${hour} < ${bounds[i]} THEN ${seconds(segment.offsetMs)}`)
        .join(' ');
      return `(${hour} + (CASE ${cases} ELSE ${seconds(segments.at(-1)?.offsetMs ?? 0)} END) * interval '1 second')`;
    };
  }

  function filterSql(query: AnalyticsQuery, params: Params): string {
    const parts: string[] = [];
    if (query.filter.promptId !== undefined) parts.push(`"promptId" = ${params.add(query.filter.promptId)}`);
    if (query.filter.version !== undefined) parts.push(`"version" = ${params.add(query.filter.version)}`);
    if (query.filter.model !== undefined) parts.push(`"model" = ${params.add(query.filter.model)}`);
    if (query.filter.provider !== undefined) parts.push(`"provider" = ${params.add(query.filter.provider)}`);
    if (query.filter.apiKeyId !== undefined) parts.push(`"apiKeyId" = ${params.add(query.filter.apiKeyId)}`);
    if (query.filter.source !== undefined)
      parts.push(`"source" = ANY(${params.add(query.filter.source)}::text[])`);
    if (query.filter.excludeSource !== undefined)
      parts.push(`NOT ("source" = ANY(${params.add(query.filter.excludeSource)}::text[]))`);
    return parts.map((p) => ` AND ${p}`).join('');
  }

  function buildQuery(query: AnalyticsQuery, watermark: bigint): { sql: string; params: unknown[] } {
    const { dims, grouped, grain } = needsOf(query);
    const params = new Params();
    const ws = params.add(workspaceId);
    const filters = filterSql(query, params);
    const dayShift = dayShiftSql(query, params);
    // Daily rollups hold UTC days: they answer only while the zone is at UTC over the whole range.
    const utcDays = offsetSegments(query.from, query.to, query.timeZone).every((s) => s.offsetMs === 0);
    const groupBySql = `GROUP BY ${Array.from({ length: 1 + DIMENSIONS.length }, (_, i) => i + 1).join(', ')}`;
    const selects: string[] = [];
    // Without percentiles, rollup rows add up as plain sums and raw runs need no split by bucket.
    const bucketsSql = query.latency ? `string_agg("latencyBuckets", ',')` : 'NULL::text';
    const bucketSql = query.latency ? BUCKET_SQL : 'NULL::int';
    const bucketGroup = query.latency ? ', bucket' : '';

    // Without percentiles, no latency column is read either: the sums then come from the levels'
    // totals indexes alone (an index-only scan), never from the wide rows holding the histograms.
    const latencySql = query.latency
      ? `SUM("latencySum") AS "latencySum", MIN("latencyMin") AS "latencyMin",
         MAX("latencyMax") AS "latencyMax", SUM("latencyZero")::int8 AS "latencyZero"`
      : `NULL::float8 AS "latencySum", NULL::float8 AS "latencyMin", NULL::float8 AS "latencyMax",
         NULL::int8 AS "latencyZero"`;
    const rollupSelect = (level: Level, from: Date, to: Date) => {
      // Scalars add up here; histograms are concatenated text (cheap) that the caller parses once.
      selects.push(`SELECT ${groupColumns(grain, '"start"', grouped, dayShift, false)},
        SUM("count")::int8 AS "count", SUM("successes")::int8 AS "successes",
        SUM("inputTokens")::int8 AS "inputTokens", SUM("outputTokens")::int8 AS "outputTokens",
        SUM("costMicros")::int8 AS "costMicros", SUM("unpriced")::int8 AS "unpricedCount",
        ${latencySql}, ${bucketsSql} AS buckets, NULL::int AS bucket
        FROM ${q(level.table)}
        WHERE "workspaceId" = ${ws} AND "start" >= ${params.time(from)} AND "start" < ${params.time(to)}${filters}
        ${groupBySql}`);
    };

    // Whole hours inside the range come from rollups (whole days from daily ones when the query
    // does not group by hour); the partial hours at its edges come from raw runs.
    const firstHour = ceilTo(query.from, HOUR_MS);
    const endHour = startOfUtcHour(query.to);
    const hourLevel = levelFor('hour', dims);
    const dayLevel = grain === 'hour' || !utcDays ? undefined : levelFor('day', dims);
    const useRollups = hourLevel !== undefined && firstHour < endHour;
    if (useRollups) {
      const firstDay = ceilTo(firstHour, DAY_MS);
      const endDay = startOfUtcDay(endHour);
      if (dayLevel && firstDay < endDay) {
        if (firstHour < firstDay) rollupSelect(hourLevel, firstHour, firstDay);
        rollupSelect(dayLevel, firstDay, endDay);
        if (endDay < endHour) rollupSelect(hourLevel, endDay, endHour);
      } else {
        rollupSelect(hourLevel, firstHour, endHour);
      }
    }
    // Raw runs: the partial-hour edges (by time), and inside the rolled-up hours those the rollup
    // has not folded yet (ids above the watermark). The watermark is a literal read in the same
    // snapshot (see `query`), so the planner sees how few ids lie above it and takes the
    // (workspaceId, id) index; hidden in a join, it guessed a third of the table and scanned the
    // whole time range by "at" instead (most of a week's series at 10M runs).
    const rawSelect = (from: string, scope: string) =>
      selects.push(`SELECT ${groupColumns(grain, '"at"', grouped, dayShift, true)},
        COUNT(*) AS "count", COUNT(*) FILTER (WHERE "success") AS "successes",
        SUM("inputTokens")::int8 AS "inputTokens", SUM("outputTokens")::int8 AS "outputTokens",
        COALESCE(SUM("costMicros"), 0)::int8 AS "costMicros",
        COUNT(*) FILTER (WHERE "costMicros" IS NULL) AS "unpricedCount", SUM("latencyMs") AS "latencySum",
        MIN("latencyMs") AS "latencyMin", MAX("latencyMs") AS "latencyMax",
        COUNT(*) FILTER (WHERE "latencyMs" <= ${MIN_TRACKED_VALUE}) AS "latencyZero", NULL::text AS buckets,
        ${bucketSql} AS bucket
        FROM ${from}
        WHERE "workspaceId" = ${ws} AND ${scope}${filters}
        ${groupBySql}${bucketGroup}`);
    const between = (from: Date, to: Date) => `"at" >= ${params.time(from)} AND "at" < ${params.time(to)}`;
    if (!useRollups) {
      rawSelect('"AnalyticsRun"', between(query.from, query.to));
    } else {
      if (query.from < firstHour) rawSelect('"AnalyticsRun"', between(query.from, firstHour));
      if (endHour < query.to) rawSelect('"AnalyticsRun"', between(endHour, query.to));
      rawSelect('"AnalyticsRun"', `"id" > ${params.add(watermark)}::int8 AND ${between(firstHour, endHour)}`);
    }
    return { sql: selects.join('\nUNION ALL\n'), params: params.values };
  }

  async function query(input: unknown, callOptions?: AnalyticsCallOptions): Promise<AnalyticsRow[]> {
    throwIfAborted(callOptions?.signal);
    const parsed = parseAnalyticsQuery(input);
    const { grouped, grain } = needsOf(parsed);
    // Rollups, watermark and raw runs come from one REPEATABLE READ snapshot: a rollup committing
    // meanwhile can never make a run count twice or not at all. The settings travel with the
    // watermark read (one round trip): JIT off, since compiling for the planner's estimate of the
    // edges (about 90 ms) cost more than the whole query; no parallel workers, since starting them
    // costs more than the few thousand rollup rows a dashboard query reads.
    const rows = await db.$transaction(
      async (tx) => {
        const [state] = await tx.$queryRawUnsafe<{ lastId: bigint | null }[]>(
          `SELECT set_config('jit', 'off', true), set_config('max_parallel_workers_per_gather', '0', true),
             (SELECT "lastId" FROM "AnalyticsRollupState" WHERE "workspaceId" = $1) AS "lastId"`,
          workspaceId,
        );
        const { sql, params } = buildQuery(parsed, state?.lastId ?? BigInt(0));
        return tx.$queryRawUnsafe<ResultRow[]>(sql, ...params);
      },
      { isolationLevel: 'RepeatableRead', timeout: QUERY_TIMEOUT_MS },
    );
    throwIfAborted(callOptions?.signal);

    const groups = new Map<string, Accumulator>();
    for (const row of rows) {
      const key = JSON.stringify([
        row.t?.getTime(),
        row.promptId,
        row.version,
        row.model,
        row.provider,
        row.source,
        row.apiKeyId,
      ]);
      let acc = groups.get(key);
      if (!acc) {
        const group: AnalyticsGroup = {};
        if (grouped.has('promptId') && row.promptId !== null) group.promptId = row.promptId;
        if (grouped.has('version') && row.version !== null) group.version = row.version;
        if (grouped.has('model') && row.model !== null) group.model = row.model;
        if (grouped.has('provider') && row.provider !== null) group.provider = row.provider;
        if (grouped.has('source') && row.source !== null) group.source = row.source;
        if (grouped.has('apiKeyId'))
          group.apiKeyId = row.apiKeyId === null || row.apiKeyId === NO_API_KEY ? null : row.apiKeyId;
        // `t` is the local date as UTC midnight: the day starts at that date's midnight in the zone.
        if (row.t !== null && grain === 'day') group.day = zonedMidnight(row.t.getTime(), parsed.timeZone);
        if (row.t !== null && grain === 'hour') group.hour = row.t;
        acc = {
          group,
          count: 0,
          successes: 0,
          inputTokens: 0,
          outputTokens: 0,
          costMicros: 0,
          unpricedCount: 0,
          latencySum: 0,
          latencyMin: Infinity,
          latencyMax: -Infinity,
          latencyZero: 0,
          buckets: new Map(),
        };
        groups.set(key, acc);
      }
      const count = Number(row.count);
      acc.count += count;
      acc.successes += Number(row.successes);
      acc.inputTokens += Number(row.inputTokens);
      acc.outputTokens += Number(row.outputTokens);
      acc.costMicros += Number(row.costMicros);
      acc.unpricedCount += Number(row.unpricedCount);
      if (!parsed.latency) continue;
      acc.latencySum += Number(row.latencySum);
      acc.latencyMin = Math.min(acc.latencyMin, Number(row.latencyMin));
      acc.latencyMax = Math.max(acc.latencyMax, Number(row.latencyMax));
      acc.latencyZero += Number(row.latencyZero);
      if (row.buckets !== null) addBuckets(acc.buckets, row.buckets);
      else if (row.bucket !== null) acc.buckets.set(row.bucket, (acc.buckets.get(row.bucket) ?? 0) + count);
    }
    const result = [...groups.values()].map((acc) =>
      parsed.latency
        ? toAnalyticsRow(acc.group, { ...acc, latency: toHistogram(acc) })
        : toTotalsRow(acc.group, acc),
    );
    return sortRows(result, parsed.groupBy);
  }

  /**
   * Upserts one level from the batch's per-(hour, prompt, version, model, bucket) sums: a level
   * coarser than that first adds up equal buckets, then every group gets its scalars and its
   * histogram in one aggregate, and an existing row adds them to its own.
   */
  function upsertLevelSql(level: Level): string {
    const dims = level.dims.map(q);
    const groupKey = ['t', ...dims].join(', ');
    const keyColumns = ['"workspaceId"', '"start"', ...dims].join(', ');
    const finest = level.unit === 'hour' && level.dims.length === DIMENSIONS.length;
    const source = finest
      ? `(SELECT "hour" AS t, * FROM _loom_rollup_buckets) AS per_bucket`
      : `(SELECT ${level.unit === 'hour' ? '"hour"' : `date_trunc('day', "hour")`} AS t${dims.map((d) => `, ${d}`).join('')},
            bucket, SUM(n) AS n, SUM(successes) AS successes, SUM(it) AS it, SUM(ot) AS ot, SUM(cost) AS cost,
            SUM(unpriced) AS unpriced, SUM(lsum) AS lsum, MIN(lmin) AS lmin, MAX(lmax) AS lmax
          FROM _loom_rollup_buckets GROUP BY ${groupKey}, bucket) AS per_bucket`;
    const target = q(level.table);
    const add = (column: string) => `${q(column)} = ${target}.${q(column)} + EXCLUDED.${q(column)}`;
    return `INSERT INTO ${target} (${keyColumns}, "count", "successes", "inputTokens", "outputTokens",
        "costMicros", "unpriced", "latencySum", "latencyMin", "latencyMax", "latencyZero", "latencyBuckets")
      SELECT $1, ${groupKey}, SUM(n)::int, SUM(successes)::int, SUM(it)::int8, SUM(ot)::int8, SUM(cost)::int8,
        SUM(unpriced)::int, SUM(lsum), MIN(lmin), MAX(lmax), COALESCE(SUM(n) FILTER (WHERE bucket IS NULL), 0)::int,
        COALESCE(jsonb_agg(jsonb_build_array(bucket, n) ORDER BY bucket) FILTER (WHERE bucket IS NOT NULL), '[]'::jsonb)::text
      FROM ${source}
      GROUP BY ${groupKey}
      ON CONFLICT (${keyColumns}) DO UPDATE SET
        ${['count', 'successes', 'inputTokens', 'outputTokens', 'costMicros', 'unpriced', 'latencySum', 'latencyZero'].map(add).join(', ')},
        "latencyMin" = LEAST(${target}."latencyMin", EXCLUDED."latencyMin"),
        "latencyMax" = GREATEST(${target}."latencyMax", EXCLUDED."latencyMax"),
        "latencyBuckets" = ${mergeBucketsSql(`${target}."latencyBuckets"::jsonb`, 'EXCLUDED."latencyBuckets"::jsonb')}::text`;
  }

  const upserts = LEVELS.map(upsertLevelSql);

  /**
   * The largest run id below which every run is committed or never will be. Writers insert under
   * the workspace's shared lock and take their ids inside it; taking the lock exclusively waits for
   * those in flight, and the id read under it is final. Held for one indexed read, so writers wait
   * at most that long, and long transactions elsewhere in the cluster never hold the rollup back.
   */
  async function safeHorizon(): Promise<bigint> {
    const [, rows] = await db.$transaction([
      db.$executeRawUnsafe(
        `SELECT pg_advisory_xact_lock(${ANALYTICS_WRITERS_LOCK_CLASS}, hashtext($1))`,
        workspaceId,
      ),
      db.$queryRawUnsafe<{ horizon: bigint }[]>(
        `SELECT COALESCE(MAX("id"), 0)::int8 AS horizon FROM "AnalyticsRun" WHERE "workspaceId" = $1`,
        workspaceId,
      ),
    ]);
    return rows[0]?.horizon ?? BigInt(0);
  }

  /** Folds one batch in one transaction; returns how many runs it folded, or undefined when busy. */
  async function rollupBatch(horizon: bigint): Promise<number | undefined> {
    return db.$transaction(
      async (tx) => {
        const [lock] = await tx.$queryRawUnsafe<{ locked: boolean }[]>(
          `SELECT pg_try_advisory_xact_lock(${ROLLUP_LOCK_CLASS}, hashtext($1)) AS locked`,
          workspaceId,
        );
        if (!lock?.locked) return undefined;
        // Batches group hundreds of thousands of rows: sort and hash in memory, not on disk.
        await tx.$executeRawUnsafe(`SET LOCAL work_mem = '${ROLLUP_WORK_MEM}'`);
        await tx.$executeRawUnsafe(
          `INSERT INTO "AnalyticsRollupState" ("workspaceId", "lastId", "updatedAt")
           VALUES ($1, 0, now()) ON CONFLICT DO NOTHING`,
          workspaceId,
        );
        const [state] = await tx.$queryRawUnsafe<{ lastId: bigint }[]>(
          `SELECT "lastId" FROM "AnalyticsRollupState" WHERE "workspaceId" = $1 FOR UPDATE`,
          workspaceId,
        );
        if (!state) throw new LoomError('INTERNAL', 'Analytics rollup state vanished', { workspaceId });
        await tx.$executeRawUnsafe(
          `CREATE TEMPORARY TABLE _loom_rollup_batch ON COMMIT DROP AS
           SELECT "id", "at", "promptId", "version", "model", "provider", "source",
                  COALESCE("apiKeyId", '${NO_API_KEY}') AS "apiKeyId", "latencyMs", "inputTokens",
                  "outputTokens", "costMicros", "success"
           FROM "AnalyticsRun"
           WHERE "workspaceId" = $1 AND "id" > $2::int8 AND "id" <= $3::int8
           ORDER BY "id" LIMIT $4`,
          workspaceId,
          state.lastId,
          horizon,
          batchSize,
        );
        // Counted separately: PGlite reports no row count for CREATE TABLE AS.
        const [size] = await tx.$queryRawUnsafe<{ n: bigint }[]>(
          `SELECT COUNT(*) AS n FROM _loom_rollup_batch`,
        );
        const folded = Number(size?.n ?? 0);
        if (folded === 0) return 0;
        await tx.$executeRawUnsafe(
          `CREATE TEMPORARY TABLE _loom_rollup_buckets ON COMMIT DROP AS
           SELECT date_trunc('hour', "at") AS "hour", "promptId", "version", "model", "provider", "source",
             "apiKeyId", ${BUCKET_SQL} AS bucket,
             COUNT(*) AS n, COUNT(*) FILTER (WHERE "success") AS successes, SUM("inputTokens")::int8 AS it,
             SUM("outputTokens")::int8 AS ot, COALESCE(SUM("costMicros"), 0)::int8 AS cost,
             COUNT(*) FILTER (WHERE "costMicros" IS NULL) AS unpriced, SUM("latencyMs") AS lsum,
             MIN("latencyMs") AS lmin, MAX("latencyMs") AS lmax
           FROM _loom_rollup_batch GROUP BY 1, 2, 3, 4, 5, 6, 7, 8`,
        );
        for (const sql of upserts) await tx.$executeRawUnsafe(sql, workspaceId);
        await tx.$executeRawUnsafe(
          `UPDATE "AnalyticsRollupState" s SET "lastId" = last."id", "updatedAt" = now()
           FROM (SELECT MAX("id") AS "id" FROM _loom_rollup_batch) AS last
           WHERE s."workspaceId" = $1`,
          workspaceId,
        );
        return folded;
      },
      { maxWait: rollupTimeoutMs, timeout: rollupTimeoutMs },
    );
  }

  let running: Promise<RollupResult> | undefined;

  async function rollupAll(signal?: AbortSignal): Promise<RollupResult> {
    let folded = 0;
    const horizon = await safeHorizon();
    for (;;) {
      throwIfAborted(signal);
      const batch = await rollupBatch(horizon);
      if (batch === undefined) return { folded, busy: true };
      folded += batch;
      if (batch < batchSize) return { folded, busy: false };
    }
  }

  /** One rollup at a time per store instance; a second caller waits for the running one, then runs. */
  async function rollup(callOptions?: AnalyticsCallOptions): Promise<RollupResult> {
    throwIfAborted(callOptions?.signal);
    while (running) await running.catch(() => undefined);
    const current = rollupAll(callOptions?.signal);
    running = current;
    try {
      return await current;
    } finally {
      if (running === current) running = undefined;
    }
  }

  async function prune(
    before: Date,
    callOptions?: AnalyticsCallOptions & { batchSize?: number },
  ): Promise<PruneResult> {
    const size = callOptions?.batchSize ?? DEFAULT_PRUNE_BATCH_SIZE;
    let deleted = 0;
    for (;;) {
      throwIfAborted(callOptions?.signal);
      // Only runs at or below the watermark: the rollups already count them.
      const batch = await db.$executeRawUnsafe(
        `DELETE FROM "AnalyticsRun" WHERE "id" IN (
           SELECT r."id" FROM "AnalyticsRun" r
           JOIN "AnalyticsRollupState" s ON s."workspaceId" = r."workspaceId"
           WHERE r."workspaceId" = $1 AND r."at" < $2::timestamp AND r."id" <= s."lastId"
           LIMIT $3)`,
        workspaceId,
        before.toISOString(),
        size,
      );
      deleted += batch;
      if (batch < size) return { deleted };
    }
  }

  let timer: ReturnType<typeof setInterval> | undefined;
  if (options.rollupIntervalMs !== undefined) {
    const onError = options.onError ?? (() => undefined);
    timer = setInterval(() => {
      if (running) return;
      rollup().catch(onError);
    }, options.rollupIntervalMs);
    timer.unref?.();
  }

  return {
    record,
    query,
    rollup,
    prune,
    async close() {
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
      await running?.catch(() => undefined);
    },
  };
}
