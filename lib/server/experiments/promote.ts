import 'server-only';
import type { Prisma, PrismaClient } from '@/lib/generated/prisma/client';
import { isLoomError, LoomError } from '@/lib/loom/core';
import { parseExperiment, promote, type Experiment, type Promoter, type Verdict } from '@/lib/loom/optimizer';
import type { PromotionView } from '@/components/experiments/types';
import { writeAudit } from '../audit';
import { can } from '../auth/permissions';
import { logger } from '../logger';
import { moveLabel } from '../prompts/prompt-history';
import { nudgeWebhookDelivery } from '../webhooks/nudge';
import { enqueueWebhookEvent } from '../webhooks/outbox';
import { analyzeRecorded } from './daily-stats';
import { forgetLiveExperiment } from './live';
import { experimentSubject, getExperimentRow, type Actor } from './setup';

const SYSTEM_ACTOR = 'experiments (automatic)';

/**
 * onWinner: the first time an experiment has a winner, claim it (the ExperimentWinner row), queue
 * the `experiment.winner` webhook and write an audit entry, all in one transaction, so it happens
 * exactly once however many outcomes or promote clicks race to it. Returns whether this call fired.
 */
export async function fireWinnerOnce(
  db: PrismaClient,
  workspaceId: string,
  experiment: Experiment,
  verdict: Verdict,
): Promise<boolean> {
  const fired = await db.$transaction((tx) => fireWinnerInTransaction(tx, workspaceId, experiment, verdict));
  if (fired) nudgeWebhookDelivery();
  return fired;
}

/** `fireWinnerOnce` inside the caller's transaction (the promotion's), which nudges delivery after its commit. */
export async function fireWinnerInTransaction(
  db: Prisma.TransactionClient,
  workspaceId: string,
  experiment: Experiment,
  verdict: Verdict,
  actor?: Actor,
): Promise<boolean> {
  const winner = verdict.winner;
  if (!winner) return false;
  const claimed = await db.$executeRaw`
    INSERT INTO "ExperimentWinner" ("workspaceId", "experimentId", "variant")
    VALUES (${workspaceId}, ${experiment.id}, ${winner.name})
    ON CONFLICT DO NOTHING`;
  if (claimed !== 1) return false;
  const data = {
    experimentId: experiment.id,
    promptId: experiment.promptId,
    winner: { variant: winner.name, version: winner.version },
    control: experiment.variants[0]?.name ?? null,
    lift: verdict.lift,
    liftInterval: verdict.interval,
    pValue: verdict.pValue,
  };
  await enqueueWebhookEvent(db, workspaceId, 'experiment.winner', data);
  const subject = experimentSubject(experiment.id);
  if (actor) await writeAudit(db, actor, 'experiment.winner', subject, data);
  else
    await db.auditEvent.create({
      data: { workspaceId, actorEmail: SYSTEM_ACTOR, action: 'experiment.winner', subject, details: data },
    });
  return true;
}

export interface PromoteWinnerResult {
  promptId: string;
  label: string;
  from: number | null;
  to: number;
  variant: string;
  /** Whether this promotion is what fired onWinner (false when outcome recording already had). */
  firedWinner: boolean;
}

/**
 * Promote winner: moves production to the winner's version through the manual promote's path
 * (moveLabel: role check, audit entry, the release gate, one transaction) and completes the
 * experiment in that same transaction. Refused without a winner, with a sample-ratio mismatch, and
 * for an experiment already completed, so concurrent clicks promote once.
 */
export async function promoteWinner(
  db: PrismaClient,
  actor: Actor,
  input: { experimentId: string },
): Promise<PromoteWinnerResult> {
  if (!can(actor.role, 'promote'))
    throw new LoomError('FORBIDDEN', `Your role (${actor.role}) may not promote a winner.`);
  const row = await getExperimentRow(db, actor.workspaceId, input.experimentId);
  if (row.status === 'completed') {
    const done = row.promotion as PromotionView | null;
    throw new LoomError(
      'CONFLICT',
      done
        ? `Already promoted: ${done.by} moved ${done.label} to version ${done.to}.`
        : `Experiment "${row.id}" is already completed.`,
      { experimentId: row.id },
    );
  }
  if (row.status === 'draft')
    throw new LoomError('CONFLICT', `Experiment "${row.id}" has not started; there is nothing to promote.`);
  const experiment = parseExperiment(row.definition);
  const analysis = await analyzeRecorded(db, actor.workspaceId, experiment);
  if (analysis.srm?.mismatch)
    throw new LoomError(
      'CONFLICT',
      'Sample ratio mismatch: the observed split differs from the configured one, so the result cannot be trusted. Fix the cause before promoting.',
      { experimentId: row.id },
    );
  let firedWinner = false;
  const promoter: Promoter = {
    moveLabel: (request) =>
      moveLabel(
        db,
        actor,
        { promptId: request.promptId, label: request.label, version: request.winner.version },
        {
          auditDetails: { experimentId: row.id, variant: request.winner.name },
          // The claim comes first, so a concurrent promote waits on this row and then finds it completed.
          before: async (tx) => {
            const claimed = await tx.experimentDefinition.updateMany({
              where: {
                workspaceId: actor.workspaceId,
                id: row.id,
                status: { in: ['running', 'paused', 'stopped'] },
              },
              data: {
                status: 'completed',
                definition: { ...experiment, status: 'completed' } as unknown as Prisma.InputJsonValue,
                endedAt: new Date(),
                endReason: `Promoted ${request.winner.name} (version ${request.winner.version}) to ${request.label}.`,
                updatedAt: new Date(),
              },
            });
            if (claimed.count === 0)
              throw new LoomError('CONFLICT', `Experiment "${row.id}" was completed meanwhile.`, {
                experimentId: row.id,
              });
          },
          after: async (tx, move) => {
            const promotion: PromotionView = {
              label: move.label,
              from: move.from ?? null,
              to: move.to,
              variant: request.winner.name,
              by: actor.email,
              at: new Date().toISOString(),
            };
            await tx.experimentDefinition.update({
              where: { workspaceId_id: { workspaceId: actor.workspaceId, id: row.id } },
              data: { promotion: promotion as unknown as Prisma.InputJsonValue },
            });
            firedWinner = await fireWinnerInTransaction(
              tx,
              actor.workspaceId,
              experiment,
              analysis.verdict,
              actor,
            );
            await writeAudit(tx, actor, 'experiment.complete', experimentSubject(row.id), {
              promptId: row.promptId,
              ...promotion,
            });
          },
        },
      ),
  };
  const promotion = await promote(experiment, analysis.verdict, promoter);
  await forgetLiveExperiment(actor.workspaceId, row.promptId);
  // After the commit: the sweep must see the experiment.winner delivery.
  if (firedWinner) nudgeWebhookDelivery();
  return {
    promptId: promotion.promptId,
    label: promotion.label,
    from: promotion.from ?? null,
    to: promotion.to,
    variant: promotion.winner.name,
    firedWinner,
  };
}

/**
 * Auto-promote acts as the admin who created the experiment, through the same path; it does
 * nothing if that person is no longer an admin of the workspace, and leaves the experiment running
 * (with the winner shown) when the release gate or anything else refuses the move.
 */
export async function autoPromoteIfEnabled(db: PrismaClient, workspaceId: string, experimentId: string) {
  const row = await getExperimentRow(db, workspaceId, experimentId);
  if (!row.autoPromote || row.status !== 'running' || !row.createdBy) return;
  const membership = await db.membership.findFirst({
    where: { workspaceId, user: { email: row.createdBy } },
    include: { user: true },
  });
  if (!membership || !can(membership.role, 'manage')) return;
  const actor: Actor = {
    workspaceId,
    userId: membership.userId,
    email: membership.user.email,
    role: membership.role,
  };
  try {
    await promoteWinner(db, actor, { experimentId });
  } catch (error) {
    if (!isLoomError(error)) throw error;
    logger.warn({ experimentId, code: error.code, reason: error.message }, 'experiment auto-promote refused');
  }
}
