// The experiment results page at scale: its data for an experiment with 1,000,000 exposures and
// 200,000 outcomes over 25 days (and 100,000 run records for the guardrails), server time, on the
// real PostgreSQL server. Traffic is inserted as the serving path writes it (rows into
// ExperimentExposure / ExperimentOutcome, whose triggers keep the per-day aggregates); then
// `loadExperimentResults` is timed, next to the raw per-arm aggregate over the exposure rows that
// the page would need without the aggregates (the peer).
//   node --conditions=react-server --import tsx bench/experiments.bench.ts
import { pathToFileURL } from 'node:url';
import { createTestDatabase, type TestDatabase } from '@/test/db';

const EXPOSURES = 1_000_000;
const OUTCOMES = 200_000;
const RUNS = 100_000;
const DAYS = 25;
const REPETITIONS = 30;

function percentile(samples: readonly number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? Number.NaN;
}

export async function runExperimentsBench(
  options: { log?: (line: string) => void } = {},
): Promise<Record<string, number>> {
  const log = options.log ?? (() => undefined);
  let db: TestDatabase;
  try {
    db = await createTestDatabase({ kind: 'postgres' });
  } catch (error) {
    console.error(`experiments bench: PostgreSQL unreachable, skipped: ${(error as Error).message}`);
    return { 'experiments.postgres_reachable': 0 };
  }
  try {
    const { loadExperimentResults } = await import('@/lib/server/experiments/results');
    const { createExperiment, changeExperimentPhase } = await import('@/lib/server/experiments/setup');
    const { createPrismaRegistry } = await import('@/lib/adapters/prisma/registry');
    const prisma = db.prisma;
    const workspaceId = (await prisma.workspace.create({ data: { slug: 'bench', name: 'Bench' } })).id;
    const registry = createPrismaRegistry(prisma, workspaceId);
    for (const user of ['one', 'two'])
      await registry.save({ id: 'support', version: 0, name: 'Support', user });
    const actor = { workspaceId, userId: 'bench', email: 'bench@bench.test', role: 'admin' as const };
    const experiment = await createExperiment(prisma, actor, {
      promptId: 'support',
      name: 'Bench',
      variants: [
        { version: 1, weight: 1 },
        { version: 2, weight: 1 },
      ],
      trafficPercent: 100,
      metric: { kind: 'binary', goal: 'increase' },
      baseline: 18,
      standardDeviation: null,
      minimumDetectableEffectPercent: 5,
      powerPercent: 80,
      confidencePercent: 95,
      minSamplesPerArm: 1000,
      guardrails: { latencyP95Ms: 3000, costPerCallUsd: 0.01, errorRatePercent: 2 },
      autoPromote: false,
    });
    await changeExperimentPhase(prisma, actor, { id: experiment.id, action: 'start' });
    log(`Seeding ${EXPOSURES.toLocaleString('en')} exposures, ${OUTCOMES.toLocaleString('en')} outcomes…`);
    const seedStart = performance.now();
    const perDay = EXPOSURES / DAYS;
    for (let day = 0; day < DAYS; day++) {
      // Units u<n>; even n on v1, odd on v2; every fifth unit converts (v2 a little more often).
      await prisma.$executeRawUnsafe(
        `INSERT INTO "ExperimentExposure" ("workspaceId", "experimentId", "unitId", "variant", "exposedAt")
         SELECT $1, $2, 'u' || g, CASE WHEN g % 2 = 0 THEN 'v1' ELSE 'v2' END,
           now() - make_interval(days => ${DAYS - day}) + (g % 86400) * interval '1 second'
         FROM generate_series(${day * perDay + 1}, ${(day + 1) * perDay}) g`,
        workspaceId,
        experiment.id,
      );
      await prisma.$executeRawUnsafe(
        `INSERT INTO "ExperimentOutcome" ("workspaceId", "experimentId", "unitId", "variant", "value", "recordedAt")
         SELECT $1, $2, 'u' || g, CASE WHEN g % 2 = 0 THEN 'v1' ELSE 'v2' END, 1,
           now() - make_interval(days => ${DAYS - day}) + (g % 86400) * interval '1 second'
         FROM generate_series(${day * perDay + 1}, ${(day + 1) * perDay}) g
         WHERE g % 5 = 0 OR (g % 2 = 1 AND g % 97 = 3)`,
        workspaceId,
        experiment.id,
      );
    }
    await prisma.$executeRawUnsafe(
      `INSERT INTO "AnalyticsRun" ("workspaceId", "at", "promptId", "version", "model", "provider", "latencyMs",
         "inputTokens", "outputTokens", "costMicros", "success", "experimentId", "variant", "source")
       SELECT $1, now() - (g % 2592000) * interval '1 second', 'support', 1 + g % 2, 'm', 'p', 200 + (g * 7919) % 2500,
         100, 200, 300 + g % 500, g % 53 <> 0, $2, CASE WHEN g % 2 = 0 THEN 'v2' ELSE 'v1' END, 'api'
       FROM generate_series(1, ${RUNS}) g`,
      workspaceId,
      experiment.id,
    );
    const outcomes = await prisma.experimentOutcome.count();
    log(`  seeded in ${((performance.now() - seedStart) / 1000).toFixed(1)} s (${outcomes} outcomes)`);
    await db.withSession(async (conn) => {
      for (const table of ['ExperimentExposure', 'ExperimentOutcome', 'ExperimentDailyStat', 'AnalyticsRun'])
        await conn.exec(`VACUUM ANALYZE "${table}"`);
    });

    for (let i = 0; i < 3; i++) await loadExperimentResults(prisma, actor, experiment.id);
    const samples: number[] = [];
    let exposures = 0;
    for (let i = 0; i < REPETITIONS; i++) {
      const start = performance.now();
      const results = await loadExperimentResults(prisma, actor, experiment.id);
      samples.push(performance.now() - start);
      exposures = results.experiment.exposures;
    }
    const raw: number[] = [];
    for (let i = 0; i < 3; i++) {
      const start = performance.now();
      await prisma.$queryRaw`
        SELECT e."variant", COUNT(*) AS exposures, COUNT(o."unitId") AS outcomes, SUM(o."value") AS sum
        FROM "ExperimentExposure" e
        LEFT JOIN "ExperimentOutcome" o ON o."workspaceId" = e."workspaceId"
          AND o."experimentId" = e."experimentId" AND o."unitId" = e."unitId"
        WHERE e."workspaceId" = ${workspaceId} AND e."experimentId" = ${experiment.id}
        GROUP BY e."variant"`;
      raw.push(performance.now() - start);
    }
    const { loadGuardrailTotals } = await import('@/lib/server/experiments/results');
    const { loadDailyStats } = await import('@/lib/server/experiments/daily-stats');
    for (const [name, fn] of [
      ['guardrails', () => loadGuardrailTotals(prisma, workspaceId, experiment.id)],
      ['daily', () => loadDailyStats(prisma, workspaceId, experiment.id)],
    ] as const) {
      const parts: number[] = [];
      for (let i = 0; i < 10; i++) {
        const start = performance.now();
        await fn();
        parts.push(performance.now() - start);
      }
      log(`  ${name}: p50 ${percentile(parts, 0.5).toFixed(1)} ms`);
    }
    const round = (value: number) => Number(value.toFixed(1));
    const p95 = percentile(samples, 0.95);
    log(
      `  results page: ${exposures} exposures, p50 ${percentile(samples, 0.5).toFixed(1)} ms, p95 ${p95.toFixed(1)} ms; raw per-arm aggregate p50 ${percentile(raw, 0.5).toFixed(0)} ms`,
    );
    return {
      'experiments.postgres_reachable': 1,
      'experiments.results_p95_ms': round(p95),
      'experiments.results_p50_ms': round(percentile(samples, 0.5)),
      'experiments.raw_aggregate_p50_ms': round(percentile(raw, 0.5)),
    };
  } finally {
    await db.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(JSON.stringify(await runExperimentsBench({ log: (line) => console.error(line) }), null, 2));
}
