// Analytics dashboard latency at scale: generates run records server-side (default 10 million over
// 90 days), folds them into the rollups, then times the dashboard's queries through the PostgreSQL
// store against the same answers computed from the raw table with percentile_cont. Run with
//   npm run bench:analytics [-- --runs 2000000]
// (test/db.ts reaches server-only modules, hence tsx's react-server condition in the npm script).
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { createPrismaAnalyticsStore } from '@/lib/adapters/prisma/analytics';
import { createBatchingRecorder, type AnalyticsQueryInput, type AnalyticsRow } from '@/lib/loom/analytics';
import { loadOverview } from '@/lib/server/analytics/overview';
import { parseDashboardParams } from '@/lib/server/analytics/params';
import { createTestDatabase, type TestDatabase } from '@/test/db';

const WORKSPACE = 'bench';
const PROMPTS = 300;
const DAYS = 90;
const DAY_MS = 86_400_000;
const START = Date.UTC(2026, 7, 1);
const END = START + DAYS * DAY_MS;
/** "Now" for the dashboard: 17 minutes into a day, so every window has partial hours and days. */
const NOW = END - DAY_MS + 17 * 60_000;
/**
 * The studio's rollup period (lib/server/analytics/maintenance.ts ANALYTICS_ROLLUP_EVERY_MS) and the
 * run recorder's flush interval (lib/server/analytics/recorder.ts): the freshness figure runs both.
 */
const ROLLUP_EVERY_MS = 10_000;
const RECORD_FLUSH_MS = 1_000;
/** Runs timed from record() to counted by the overview query. */
const FRESHNESS_SAMPLES = 20;
/** Rows per generating INSERT: each commits on its own, like a stream of batches would. */
const CHUNK = 1_000_000;

export interface AnalyticsBenchOptions {
  runs?: number;
  repetitions?: number;
  /** Repetitions of each raw-table query (seconds each at 10M rows). */
  rawRepetitions?: number;
  log?: (line: string) => void;
}

/**
 * Server-side generation: prompts popular on a log scale (a Zipf-like tail), versions that move
 * forward about monthly with 10% of traffic on the next one, a main model per prompt plus 15% on
 * another, log-normal latencies by model with 1.5% timeouts near 30 s, and per-model token prices.
 */
const GENERATE_SQL = `
WITH base AS (
  SELECT g,
    $2::timestamp + make_interval(secs => (g::float8 / $5) * ${DAYS} * 86400) AS at,
    LEAST(${PROMPTS}, floor(power(${PROMPTS}::float8, random())))::int AS p,
    random() AS r_version, random() AS r_model, random() AS r_fail, random() AS u1, random() AS u2,
    random() AS r_in, random() AS r_out
  FROM generate_series($3::int8, $4::int8 - 1) AS g
), shaped AS (
  SELECT *, floor(extract(epoch FROM at - $2::timestamp) / 86400)::int AS day,
    (p + CASE WHEN r_model < 0.15 THEN 1 ELSE 0 END) % 5 + 1 AS mi,
    150 + floor(r_in * r_in * 3000)::int AS it, 20 + floor(r_out * 700)::int AS ot
  FROM base
)
INSERT INTO "AnalyticsRun" ("workspaceId", "at", "promptId", "version", "model", "provider", "latencyMs",
  "inputTokens", "outputTokens", "costMicros", "success", "errorKind")
SELECT $1, at, 'prompt-' || lpad(p::text, 3, '0'),
  1 + (day + p * 7) / 30 + CASE WHEN r_version < 0.1 THEN 1 ELSE 0 END,
  (ARRAY['gpt-4o-mini', 'gpt-4o', 'claude-haiku', 'llama3.1-8b', 'gpt-4.1'])[mi],
  (ARRAY['openai', 'openai', 'anthropic', 'ollama', 'openai'])[mi],
  CASE WHEN r_fail < 0.015 THEN 30000 + u1 * 2000
       ELSE (ARRAY[450, 900, 700, 250, 1200])[mi] * exp(0.55 * sqrt(-2 * ln(1 - u1)) * cos(2 * pi() * u2)) END,
  it, ot,
  round(it * (ARRAY[0.15, 2.5, 0.8, 0.05, 2.0])[mi] + ot * (ARRAY[0.6, 10, 4, 0.08, 8])[mi])::int8,
  r_fail >= 0.015, CASE WHEN r_fail < 0.015 THEN 'TIMEOUT' END
FROM shaped`;

interface PanelQuery {
  name: string;
  query: AnalyticsQueryInput;
  /** The same answer from raw rows: one row per group with exact percentiles. */
  rawSql: string;
  rawParams: unknown[];
  /** Group key of a store row and of a raw row, to pair them for the error figure. */
  keyOf: (row: AnalyticsRow) => string;
}

interface RawRow {
  k: string;
  n: bigint;
  cost: bigint;
}

const RAW_AGGREGATES = `COUNT(*) AS n, COUNT(*) FILTER (WHERE "success") AS successes,
  SUM("inputTokens")::int8 AS it, SUM("outputTokens")::int8 AS ot, SUM("costMicros")::int8 AS cost,
  percentile_cont(ARRAY[0.5, 0.95, 0.99]) WITHIN GROUP (ORDER BY "latencyMs") AS ps`;
/**
 * The exact nearest-rank p95 the histogram estimates (percentile_cont interpolates between
 * neighbours, which in a group of a few hundred runs with a timeout tail is not the same number).
 */
const EXACT_P95 = `percentile_disc(0.95) WITHIN GROUP (ORDER BY "latencyMs") AS p95`;

function panel(topPrompt: string): PanelQuery[] {
  const now = new Date(NOW);
  const monthAgo = new Date(NOW - 30 * DAY_MS);
  const weekAgo = new Date(NOW - 7 * DAY_MS);
  const iso = (d: Date) => d.toISOString();
  return [
    {
      name: 'daily series, 30 days',
      query: { from: monthAgo, to: now, groupBy: ['day'] },
      rawSql: `SELECT to_char(date_trunc('day', "at"), 'YYYY-MM-DD"T"HH24') AS k, ${RAW_AGGREGATES}
        FROM "AnalyticsRun" WHERE "workspaceId" = $1 AND "at" >= $2::timestamp AND "at" < $3::timestamp
        GROUP BY 1 ORDER BY 1`,
      rawParams: [WORKSPACE, iso(monthAgo), iso(now)],
      keyOf: (row) => row.day?.toISOString().slice(0, 13) ?? '',
    },
    {
      // A cost ranking shows no percentiles, so it asks for none: plain sums over the rollups.
      name: 'prompts by cost, 30 days',
      query: { from: monthAgo, to: now, groupBy: ['prompt'], latency: false },
      rawSql: `SELECT "promptId" AS k, ${RAW_AGGREGATES}
        FROM "AnalyticsRun" WHERE "workspaceId" = $1 AND "at" >= $2::timestamp AND "at" < $3::timestamp
        GROUP BY 1 ORDER BY cost DESC`,
      rawParams: [WORKSPACE, iso(monthAgo), iso(now)],
      keyOf: (row) => row.promptId ?? '',
    },
    {
      name: `hourly series of ${topPrompt}, 7 days`,
      query: { from: weekAgo, to: now, groupBy: ['hour'], filter: { promptId: topPrompt } },
      rawSql: `SELECT to_char(date_trunc('hour', "at"), 'YYYY-MM-DD"T"HH24') AS k, ${RAW_AGGREGATES}
        FROM "AnalyticsRun" WHERE "workspaceId" = $1 AND "at" >= $2::timestamp AND "at" < $3::timestamp
          AND "promptId" = $4
        GROUP BY 1 ORDER BY 1`,
      rawParams: [WORKSPACE, iso(weekAgo), iso(now), topPrompt],
      keyOf: (row) => row.hour?.toISOString().slice(0, 13) ?? '',
    },
  ];
}

function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? Number.NaN;
}

async function time<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await fn();
  return { ms: performance.now() - start, value };
}

/** Bulk history written before any rollup runs, so it needs no writers' lock (see analytics.ts). */
async function generate(db: TestDatabase, runs: number, log: (line: string) => void): Promise<number> {
  const start = performance.now();
  await db.withSession(async (conn) => {
    for (let lo = 0; lo < runs; lo += CHUNK) {
      const hi = Math.min(runs, lo + CHUNK);
      await conn.query(GENERATE_SQL, [WORKSPACE, new Date(START).toISOString(), lo, hi, runs]);
      log(`  generated ${hi.toLocaleString('en')} runs`);
    }
    await conn.query('ANALYZE "AnalyticsRun"');
  });
  return (performance.now() - start) / 1000;
}

/**
 * Seconds from a run handed to the recorder to the overview query counting it, as in the studio:
 * records are batched and written every RECORD_FLUSH_MS, and the rollup runs every ROLLUP_EVERY_MS
 * in the background (the job's period), while queries join the rollups with the unfolded tail.
 * Each sample starts at a random point of the rollup cycle; the query is polled every 100 ms.
 */
async function measureFreshness(db: TestDatabase, log: (line: string) => void): Promise<number> {
  const store = createPrismaAnalyticsStore(db.prisma, WORKSPACE);
  const recorder = createBatchingRecorder(store, { flushMs: RECORD_FLUSH_MS });
  const rollups = setInterval(() => void store.rollup().catch(() => undefined), ROLLUP_EVERY_MS);
  const overview: AnalyticsQueryInput = { from: new Date(NOW - DAY_MS), to: new Date(NOW), groupBy: [] };
  const countNow = async () => (await store.query(overview))[0]?.count ?? 0;
  const samples: number[] = [];
  try {
    for (let i = 0; i < FRESHNESS_SAMPLES; i++) {
      await new Promise((resolve) => setTimeout(resolve, Math.random() * ROLLUP_EVERY_MS));
      const before = await countNow();
      const start = performance.now();
      recorder.record({
        promptId: 'prompt-001',
        version: 1,
        model: 'gpt-4o-mini',
        provider: 'openai',
        source: 'api',
        latencyMs: 420,
        inputTokens: 300,
        outputTokens: 80,
        costMicros: 93,
        success: true,
        at: new Date(NOW - 60_000),
      });
      while ((await countNow()) <= before) await new Promise((resolve) => setTimeout(resolve, 100));
      samples.push((performance.now() - start) / 1000);
    }
  } finally {
    clearInterval(rollups);
    await recorder.close();
    await store.close();
  }
  const p95 = percentile(samples, 0.95);
  log(
    `  freshness: ${samples.length} runs, p50 ${percentile(samples, 0.5).toFixed(2)} s, p95 ${p95.toFixed(2)} s ` +
      `(flush every ${RECORD_FLUSH_MS} ms, rollup every ${ROLLUP_EVERY_MS / 1000} s)`,
  );
  return p95;
}

export async function runAnalyticsBench(
  options: AnalyticsBenchOptions = {},
): Promise<Record<string, number>> {
  const runs = options.runs ?? 10_000_000;
  const repetitions = options.repetitions ?? 20;
  const rawRepetitions = options.rawRepetitions ?? 3;
  const log = options.log ?? (() => undefined);
  const db = await createTestDatabase({ kind: 'postgres' });
  try {
    log(`Generating ${runs.toLocaleString('en')} runs over ${DAYS} days…`);
    const generateSeconds = await generate(db, runs, log);
    const store = createPrismaAnalyticsStore(db.prisma, WORKSPACE, { rollupBatchSize: 500_000 });
    log('Rolling up…');
    const rollup = await time(() => store.rollup());
    // Settle the bulk load as 90 days of steady traffic would have (autovacuum, checkpoints):
    // otherwise the figures time the checkpointer writing the gigabytes just loaded, and the
    // rollups' totals indexes answer without the visibility map that makes their scans index-only.
    await db.withSession(async (conn) => {
      for (const table of [
        'AnalyticsHourly',
        'AnalyticsHourlyTotal',
        'AnalyticsDailyPrompt',
        'AnalyticsDailyModel',
        'AnalyticsDailyTotal',
      ])
        await conn.exec(`VACUUM ANALYZE "${table}"`);
      await conn.exec('CHECKPOINT');
    });
    if (rollup.value.folded !== runs) throw new Error(`rollup folded ${rollup.value.folded} of ${runs} runs`);
    log(`  folded ${rollup.value.folded.toLocaleString('en')} runs in ${(rollup.ms / 1000).toFixed(1)} s`);

    const byCost = await store.query({
      from: new Date(NOW - 30 * DAY_MS),
      to: new Date(NOW),
      groupBy: ['prompt'],
      latency: false,
    });
    const topPrompt = [...byCost].sort((a, b) => b.costMicros - a.costMicros)[0]?.promptId ?? 'prompt-001';

    let worstP95 = 0;
    let worstSpeedup = Infinity;
    let worstError = 0;
    for (const item of panel(topPrompt)) {
      // Warm-up: the first queries of a process pay for loading and compiling the code paths.
      for (let i = 0; i < 10; i++) await store.query(item.query);
      const samples: number[] = [];
      let rows: AnalyticsRow[] = [];
      for (let i = 0; i < repetitions; i++) {
        const timed = await time(() => store.query(item.query));
        samples.push(timed.ms);
        rows = timed.value;
      }
      const rawSamples: number[] = [];
      let rawRows: RawRow[] = [];
      for (let i = 0; i < rawRepetitions; i++) {
        const timed = await time(() => db.prisma.$queryRawUnsafe<RawRow[]>(item.rawSql, ...item.rawParams));
        rawSamples.push(timed.ms);
        rawRows = timed.value;
      }
      const exactSql = item.rawSql.replace(RAW_AGGREGATES, `${RAW_AGGREGATES}, ${EXACT_P95}`);
      const exactRows = await db.prisma.$queryRawUnsafe<(RawRow & { p95: number })[]>(
        exactSql,
        ...item.rawParams,
      );
      const exact = new Map(exactRows.map((row) => [row.k, row]));
      let error = 0;
      for (const row of rows) {
        const raw = exact.get(item.keyOf(row));
        if (!raw || Number(raw.n) !== row.count || Number(raw.cost) !== row.costMicros) {
          throw new Error(`${item.name}: group ${item.keyOf(row)} differs from the raw table`);
        }
        if (item.query.latency !== false) {
          if (!row.latency) throw new Error(`${item.name}: group ${item.keyOf(row)} has no percentiles`);
          error = Math.max(error, Math.abs(row.latency.p95 - raw.p95) / raw.p95);
        }
      }
      if (rows.length !== rawRows.length)
        throw new Error(`${item.name}: ${rows.length} groups, raw has ${rawRows.length}`);
      const p95 = percentile(samples, 0.95);
      const speedup = percentile(rawSamples, 0.5) / percentile(samples, 0.5);
      log(
        `  ${item.name}: ${rows.length} rows, store p50 ${percentile(samples, 0.5).toFixed(1)} ms p95 ${p95.toFixed(1)} ms; ` +
          `raw p50 ${percentile(rawSamples, 0.5).toFixed(0)} ms (×${speedup.toFixed(0)}); max p95 error ${(error * 100).toFixed(2)}%`,
      );
      worstP95 = Math.max(worstP95, p95);
      worstSpeedup = Math.min(worstSpeedup, speedup);
      worstError = Math.max(worstError, error);
    }
    const overviewP95 = await timeOverview(db, repetitions, log);
    const freshness = await measureFreshness(db, log);
    await store.close();
    const round = (value: number, digits: number) => Number(value.toFixed(digits));
    return {
      'analytics.runs': runs,
      'analytics.generate_s': round(generateSeconds, 1),
      'analytics.rollup_s': round(rollup.ms / 1000, 1),
      'analytics.panel_p95_ms': round(worstP95, 1),
      'analytics.speedup_vs_raw': round(worstSpeedup, 1),
      'analytics.p95_relative_error': round(worstError, 4),
      'dashboard.overview_p95_ms': round(overviewP95, 1),
      'dashboard.freshness_p95_s': round(freshness, 2),
    };
  } finally {
    await db.close();
  }
}

/**
 * The whole overview's data as the landing page loads it (KPIs and the previous period's, cost
 * stacked by model, runs per hour, latency, top prompts, models), server time, for every range
 * preset; the figure is the worst preset's p95.
 */
async function timeOverview(
  db: TestDatabase,
  repetitions: number,
  log: (line: string) => void,
): Promise<number> {
  let worst = 0;
  for (const range of ['24h', '7d', '30d', '90d']) {
    const parsed = parseDashboardParams({ range }, new Date(NOW), 'UTC');
    if (!parsed.ok) throw new Error(parsed.problems.join(' '));
    const load = async () => {
      const result = await loadOverview(db.prisma, WORKSPACE, parsed.filters);
      if (!result.ok) throw new Error(result.problems.join(' '));
      return result.data;
    };
    for (let i = 0; i < 5; i++) await load();
    const samples: number[] = [];
    let runs = 0;
    for (let i = 0; i < repetitions; i++) {
      const timed = await time(load);
      samples.push(timed.ms);
      runs = timed.value.current.runs;
    }
    const p95 = percentile(samples, 0.95);
    log(
      `  overview ${range}: ${runs.toLocaleString('en')} runs, p50 ${percentile(samples, 0.5).toFixed(1)} ms p95 ${p95.toFixed(1)} ms`,
    );
    worst = Math.max(worst, p95);
  }
  return worst;
}

async function recordResults(figures: Record<string, number>): Promise<string> {
  const file = path.join(import.meta.dirname, 'results.json');
  const previous = JSON.parse(await readFile(file, 'utf8').catch(() => '{}')) as Record<string, unknown>;
  await writeFile(file, JSON.stringify({ ...previous, ...figures }, null, 2) + '\n');
  return path.relative(process.cwd(), file);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({
    options: { runs: { type: 'string' }, repetitions: { type: 'string' } },
  });
  const figures = await runAnalyticsBench({
    runs: values.runs === undefined ? undefined : Number(values.runs),
    repetitions: values.repetitions === undefined ? undefined : Number(values.repetitions),
    log: (line) => console.error(line),
  });
  console.log(JSON.stringify(figures, null, 2));
  console.error(`Written to ${await recordResults(figures)}`);
}
