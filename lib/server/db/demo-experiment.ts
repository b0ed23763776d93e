import 'server-only';
import { createPrismaRegistry } from '@/lib/adapters/prisma/registry';
import type { Prisma, PrismaClient } from '@/lib/generated/prisma/client';
import { parseExperiment } from '@/lib/loom/optimizer';
import { planSampleSize } from '@/components/experiments/plan';
import type { ExperimentSettings } from '@/components/experiments/types';

// The demo workspace's experiment, mid-flight: classify-intent's v2 (label definitions, which the
// demo suite shows beats production) against production v1 on two weeks of recorded traffic, so a
// newcomer opens a live results page at first sign-in. Traffic is written in bulk SQL (the same
// rows the serving path writes; the triggers keep the per-day aggregates) and deterministic.

export const DEMO_EXPERIMENT_ID = 'demo-intent-routing';
const PROMPT_ID = 'classify-intent';
const DAYS = 14;
const UNITS_PER_DAY = 600;
/** Share of units routed right first time (no human re-route), per variant, in thousandths. */
const RATES = { v1: 620, v2: 650 };

export async function seedDemoExperiment(
  prisma: PrismaClient,
  workspaceId: string,
  author: string,
): Promise<void> {
  const exists = await prisma.experimentDefinition.findUnique({
    where: { workspaceId_id: { workspaceId, id: DEMO_EXPERIMENT_ID } },
    select: { id: true },
  });
  const versions = (
    await createPrismaRegistry(prisma, workspaceId)
      .listVersions(PROMPT_ID)
      .catch(() => [])
  ).length;
  const live = await prisma.experimentDefinition.count({
    where: { workspaceId, promptId: PROMPT_ID, status: { in: ['running', 'paused'] } },
  });
  if (exists || versions < 2 || live > 0) return;
  const plan = {
    metric: { kind: 'binary', goal: 'increase' } as const,
    baseline: 62,
    standardDeviation: null,
    minimumDetectableEffectPercent: 5,
    powerPercent: 80,
    confidencePercent: 95,
    variantCount: 2,
  };
  const definition = parseExperiment({
    id: DEMO_EXPERIMENT_ID,
    promptId: PROMPT_ID,
    variants: [
      { name: 'v1', version: 1, weight: 1 },
      { name: 'v2', version: 2, weight: 1 },
    ],
    metric: plan.metric,
    minSamplesPerArm: 500,
    confidence: 0.95,
    plannedSamplesPerArm: planSampleSize(plan),
    status: 'running',
  });
  const settings: ExperimentSettings = {
    baseline: 0.62,
    standardDeviation: null,
    minimumDetectableEffect: 0.05,
    power: 0.8,
    guardrails: { latencyP95Ms: 1500, costPerCallUsd: 0.001, errorRate: 0.02 },
  };
  const startedAt = new Date(Date.now() - DAYS * 86_400_000);
  await prisma.$transaction(async (tx) => {
    await tx.experimentDefinition.create({
      data: {
        workspaceId,
        id: DEMO_EXPERIMENT_ID,
        promptId: PROMPT_ID,
        status: 'running',
        definition: definition as unknown as Prisma.InputJsonValue,
        createdAt: startedAt,
        updatedAt: startedAt,
        name: 'Label definitions on live traffic',
        trafficShare: 0.5,
        settings: settings as unknown as Prisma.InputJsonValue,
        createdBy: author,
        startedAt,
      },
    });
    // Unit g arrives at a steady pace over DAYS days; odd units are v2 (assignment is a hash in
    // production; a fixed split keeps the seed deterministic and the sample ratio exact).
    const units = DAYS * UNITS_PER_DAY;
    const common = `FROM generate_series(1, ${units}) g`;
    const at = `$2::timestamp + (g * ${Math.floor((DAYS * 86_400) / units)}) * interval '1 second'`;
    const variant = `CASE WHEN g % 2 = 1 THEN 'v2' ELSE 'v1' END`;
    await tx.$executeRawUnsafe(
      `INSERT INTO "ExperimentExposure" ("workspaceId", "experimentId", "unitId", "variant", "exposedAt")
       SELECT $1, '${DEMO_EXPERIMENT_ID}', 'demo-user-' || g, ${variant}, ${at} ${common}`,
      workspaceId,
      startedAt,
    );
    // A multiplicative hash spreads conversions evenly through time.
    await tx.$executeRawUnsafe(
      `INSERT INTO "ExperimentOutcome" ("workspaceId", "experimentId", "unitId", "variant", "value", "recordedAt")
       SELECT $1, '${DEMO_EXPERIMENT_ID}', 'demo-user-' || g, ${variant}, 1, ${at} + interval '2 minutes' ${common}
       WHERE (g::bigint * 2654435761) % 1000 < CASE WHEN g % 2 = 1 THEN ${RATES.v2} ELSE ${RATES.v1} END`,
      workspaceId,
      startedAt,
    );
    await tx.$executeRawUnsafe(
      `INSERT INTO "AnalyticsRun" ("workspaceId", "at", "promptId", "version", "model", "provider", "latencyMs",
         "inputTokens", "outputTokens", "costMicros", "success", "errorKind", "experimentId", "variant", "source")
       SELECT $1, ${at}, '${PROMPT_ID}', 1 + g % 2, 'gpt-4o-mini', 'simulator',
         CASE WHEN g % 2 = 1 THEN 420 ELSE 380 END + (g * 7919) % 600,
         CASE WHEN g % 2 = 1 THEN 310 ELSE 120 END, 3,
         CASE WHEN g % 2 = 1 THEN 48 ELSE 20 END,
         g % 97 <> 0, CASE WHEN g % 97 = 0 THEN 'TIMEOUT' END,
         '${DEMO_EXPERIMENT_ID}', ${variant}, 'api'
       ${common}`,
      workspaceId,
      startedAt,
    );
  });
}
