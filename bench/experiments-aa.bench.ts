// A/A false-positive rate of the serving loop, on the real PostgreSQL server: many short A/A
// experiments (both arms with the same true conversion rate), each unit assigned and exposed by
// chooseServedVariant and its conversion recorded by recordExperimentOutcome, the two functions
// the runtime API's handlers call; winner detection runs after every outcome, so this counts a
// false positive at any look. Compare with optimizer.aa_false_positive_rate (the library's
// simulation). `npm run simulate:traffic -- --aa` measures the same over HTTP.
//   node --conditions=react-server --import tsx bench/experiments-aa.bench.ts
import { pathToFileURL } from 'node:url';
import { createRandom } from '@/lib/loom/optimizer';
import { createTestDatabase, type TestDatabase } from '@/test/db';

const EXPERIMENTS = 40;
const UNITS = 1500;
const RATE = 0.1;

export async function runExperimentsAaBench(
  options: { log?: (line: string) => void } = {},
): Promise<Record<string, number>> {
  const log = options.log ?? (() => undefined);
  let db: TestDatabase;
  try {
    db = await createTestDatabase({ kind: 'postgres' });
  } catch (error) {
    console.error(`experiments A/A bench: PostgreSQL unreachable, skipped: ${(error as Error).message}`);
    return {};
  }
  try {
    const { chooseServedVariant, recordExperimentOutcome } = await import('@/lib/server/experiments/serving');
    const { createExperiment, changeExperimentPhase } = await import('@/lib/server/experiments/setup');
    const { createPrismaRegistry } = await import('@/lib/adapters/prisma/registry');
    const prisma = db.prisma;
    const workspaceId = (await prisma.workspace.create({ data: { slug: 'aa', name: 'A/A' } })).id;
    const registry = createPrismaRegistry(prisma, workspaceId);
    for (const user of ['one', 'two']) await registry.save({ id: 'p', version: 0, name: 'P', user });
    const actor = { workspaceId, userId: 'aa', email: 'aa@bench.test', role: 'admin' as const };
    const random = createRandom(20261202);
    let falsePositives = 0;
    const start = performance.now();
    for (let e = 0; e < EXPERIMENTS; e++) {
      const experiment = await createExperiment(prisma, actor, {
        promptId: 'p',
        name: `A/A ${e}`,
        variants: [
          { version: 1, weight: 1 },
          { version: 2, weight: 1 },
        ],
        trafficPercent: 100,
        metric: { kind: 'binary', goal: 'increase' },
        baseline: RATE * 100,
        standardDeviation: null,
        minimumDetectableEffectPercent: 30,
        powerPercent: 80,
        confidencePercent: 95,
        minSamplesPerArm: 100,
        guardrails: { latencyP95Ms: null, costPerCallUsd: null, errorRatePercent: null },
        autoPromote: false,
      });
      await changeExperimentPhase(prisma, actor, { id: experiment.id, action: 'start' });
      for (let u = 0; u < UNITS; u++) {
        const unitId = `u${e}-${u}`;
        const served = await chooseServedVariant(prisma, workspaceId, { promptId: 'p', unitId });
        if (served && random() < RATE)
          await recordExperimentOutcome(prisma, workspaceId, {
            experimentId: served.experimentId,
            unitId,
            value: 1,
          });
      }
      await changeExperimentPhase(prisma, actor, { id: experiment.id, action: 'stop', reason: 'A/A done' });
      const winner = await prisma.experimentWinner.count({
        where: { workspaceId, experimentId: experiment.id },
      });
      falsePositives += winner;
    }
    const rate = falsePositives / EXPERIMENTS;
    log(
      `  ${EXPERIMENTS} A/A experiments of ${UNITS} units: ${falsePositives} false positives (${(rate * 100).toFixed(1)}%) in ${((performance.now() - start) / 1000).toFixed(0)} s`,
    );
    return { 'experiments.aa_serving_false_positive_rate': Number(rate.toFixed(4)) };
  } finally {
    await db.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(JSON.stringify(await runExperimentsAaBench({ log: (line) => console.error(line) }), null, 2));
}
