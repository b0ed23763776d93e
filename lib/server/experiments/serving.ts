import 'server-only';
import type { PrismaClient } from '@/lib/generated/prisma/client';
import { LoomError } from '@/lib/loom/core';
import { assign, parseExperiment, unitPosition } from '@/lib/loom/optimizer';
import { analyzeRecorded } from './daily-stats';
import { queueExposure, settleExposure } from './exposures';
import { liveExperiment } from './live';
import { autoPromoteIfEnabled, fireWinnerOnce } from './promote';

// Serving side of experiments, called by the runtime API: which version a unit gets, and its
// outcomes. The experiments feature owns the rules; the API only asks.

export interface ServedVariant {
  version: number;
  experimentId: string;
  variant: string;
}

/** Whether the unit is in the share of the prompt's traffic that enters the experiment. */
export function entersExperiment(experimentId: string, unitId: string, trafficShare: number): boolean {
  if (trafficShare >= 1) return true;
  // A hash of its own (not the assignment's), so the share and the split do not correlate.
  return unitPosition(`${experimentId}#traffic`, unitId) < trafficShare;
}

/**
 * The variant a unit is served when the prompt has a running experiment and the unit falls in its
 * traffic share, its exposure recorded once (sticky: the same unit always gets the same variant);
 * undefined otherwise, so the caller serves the label it was asked for (production). The exposure
 * is buffered and written within a fraction of a second (exposures.ts), off the request path.
 */
export async function chooseServedVariant(
  db: PrismaClient,
  workspaceId: string,
  request: { promptId: string; unitId: string },
): Promise<ServedVariant | undefined> {
  if (typeof request.unitId !== 'string' || request.unitId.length === 0 || request.unitId.length > 200) {
    throw new LoomError('INVALID_INPUT', 'unitId must be a string of 1 to 200 characters', {
      issues: [{ path: 'unitId', message: 'must be a string of 1 to 200 characters' }],
    });
  }
  const live = await liveExperiment(db, workspaceId, request.promptId);
  if (!live || !entersExperiment(live.experiment.id, request.unitId, live.trafficShare)) return undefined;
  const { experiment } = live;
  const variant = assign(experiment, request.unitId);
  queueExposure(db, {
    workspaceId,
    experimentId: experiment.id,
    unitId: request.unitId,
    variant: variant.name,
  });
  return { version: variant.version, experimentId: experiment.id, variant: variant.name };
}

/**
 * Records a unit's outcome (a conversion as 1/0, or a value); false when it already had one (the
 * first value counts, a retry changes nothing). Refused for unknown experiments or units and for
 * experiments that have ended. A new outcome may reveal a winner: that fires onWinner once, and
 * promotes when the experiment auto-promotes.
 */
export async function recordExperimentOutcome(
  db: PrismaClient,
  workspaceId: string,
  outcome: { experimentId: string; unitId: string; value: number },
): Promise<boolean> {
  const row = await db.experimentDefinition.findUnique({
    where: { workspaceId_id: { workspaceId, id: outcome.experimentId } },
  });
  if (!row) {
    throw new LoomError('NOT_FOUND', `Experiment "${outcome.experimentId}" not found.`, {
      experimentId: outcome.experimentId,
    });
  }
  if (row.status !== 'running' && row.status !== 'paused') {
    throw new LoomError(
      'CONFLICT',
      `Experiment "${row.id}" is ${row.status}; outcomes are accepted only while it runs or is paused.`,
      { experimentId: row.id, status: row.status },
    );
  }
  const experiment = parseExperiment(row.definition);
  const value = outcome.value;
  const valid = experiment.metric.kind === 'binary' ? value === 0 || value === 1 : Number.isFinite(value);
  if (!valid) {
    const expected = experiment.metric.kind === 'binary' ? '1 (converted) or 0' : 'a finite number';
    throw new LoomError('INVALID_INPUT', `The outcome value must be ${expected}.`, {
      issues: [{ path: 'value', message: `expected ${expected}` }],
    });
  }
  // The unit may have been served a moment ago, its exposure still buffered.
  await settleExposure(db, workspaceId, row.id, outcome.unitId);
  const [exposure] = await db.$queryRaw<{ variant: string }[]>`
    SELECT "variant" FROM "ExperimentExposure"
    WHERE "workspaceId" = ${workspaceId} AND "experimentId" = ${row.id} AND "unitId" = ${outcome.unitId}`;
  if (!exposure) {
    throw new LoomError(
      'NOT_FOUND',
      `Unit "${outcome.unitId}" was never served by experiment "${row.id}": fetch the prompt with this unitId first.`,
      { experimentId: row.id, unitId: outcome.unitId },
    );
  }
  const inserted = await db.$executeRaw`
    INSERT INTO "ExperimentOutcome" ("workspaceId", "experimentId", "unitId", "variant", "value")
    VALUES (${workspaceId}, ${row.id}, ${outcome.unitId}, ${exposure.variant}, ${value})
    ON CONFLICT DO NOTHING`;
  if (inserted !== 1) return false;
  const { verdict, srm } = await analyzeRecorded(db, workspaceId, experiment);
  if (verdict.status === 'winner' && verdict.winner && !srm?.mismatch) {
    await fireWinnerOnce(db, workspaceId, experiment, verdict);
    if (row.autoPromote && row.status === 'running') await autoPromoteIfEnabled(db, workspaceId, row.id);
  }
  return true;
}
