import 'server-only';
import { createPrismaExperimentStore } from '@/lib/adapters/prisma/experiments';
import type { PrismaClient } from '@/lib/generated/prisma/client';
import { assign } from '@/lib/loom/optimizer';

// Serving side of experiments, called by the runtime API: which version a unit gets, and its
// outcomes. The experiments feature (lib/server/experiments) owns the rules; the API only asks.

export interface ServedVariant {
  version: number;
  experimentId: string;
  variant: string;
}

/**
 * The variant a unit is served when the prompt has a running experiment, its exposure recorded once
 * (sticky: the same unit always gets the same variant); undefined when no experiment is running, so
 * the caller serves the label it was asked for.
 */
export async function chooseServedVariant(
  db: PrismaClient,
  workspaceId: string,
  request: { promptId: string; unitId: string },
): Promise<ServedVariant | undefined> {
  const store = createPrismaExperimentStore(db, workspaceId);
  const [experiment] = await store.listExperiments({ promptId: request.promptId, status: 'running' });
  if (!experiment) return undefined;
  const variant = assign(experiment, request.unitId);
  await store.recordExposure(experiment.id, variant.name, request.unitId);
  return { version: variant.version, experimentId: experiment.id, variant: variant.name };
}

/** Records a unit's outcome (a conversion as 1/0, or a value); false when it already had one. */
export async function recordExperimentOutcome(
  db: PrismaClient,
  workspaceId: string,
  outcome: { experimentId: string; unitId: string; value: number },
): Promise<boolean> {
  const store = createPrismaExperimentStore(db, workspaceId);
  const experiment = await store.getExperiment(outcome.experimentId);
  const variant = assign(experiment, outcome.unitId);
  return store.recordOutcome(experiment.id, variant.name, outcome.unitId, outcome.value);
}
