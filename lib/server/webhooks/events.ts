import 'server-only';
import type { EvalRun, Prisma } from '@/lib/generated/prisma/client';
import type { LabelMoveAttempt, LabelRemoved, SavedVersion } from '@/lib/adapters/prisma/registry';
import type { RunSummary } from '@/lib/loom/evaluator';
import { queueWebhookEvent } from './outbox';

// What each event says. Payloads carry ids, the numbers a receiver acts on and a `link` (a path of
// the studio, to join to its address), never prompt text: receivers fetch what they need.

type Tx = Prisma.TransactionClient;

const promptLink = (promptId: string) => `/prompts/${encodeURIComponent(promptId)}/history`;

/** `version.created`: in the save's transaction. Returns the deliveries queued. */
export async function emitVersionCreated(tx: Tx, { workspaceId, prompt }: SavedVersion): Promise<number> {
  const { deliveries } = await queueWebhookEvent(tx, workspaceId, 'version.created', {
    promptId: prompt.id,
    version: prompt.version,
    name: prompt.name,
    author: prompt.author ?? null,
    message: prompt.message ?? null,
    createdAt: (prompt.createdAt ?? new Date()).toISOString(),
    link: promptLink(prompt.id),
  });
  return deliveries;
}

/** `label.moved`: in the move's transaction (a label set to where it already was is no move). */
export async function emitLabelMoved(tx: Tx, move: LabelMoveAttempt & { actor?: string }): Promise<number> {
  const { deliveries } = await queueWebhookEvent(tx, move.workspaceId, 'label.moved', {
    promptId: move.promptId,
    label: move.label,
    from: move.from ?? null,
    to: move.version,
    actor: move.actor ?? null,
    link: promptLink(move.promptId),
  });
  return deliveries;
}

/** `label.removed`: in the removal's transaction (removing a label the prompt does not have is nothing). */
export async function emitLabelRemoved(tx: Tx, removal: LabelRemoved): Promise<number> {
  const { deliveries } = await queueWebhookEvent(tx, removal.workspaceId, 'label.removed', {
    promptId: removal.promptId,
    label: removal.label,
    from: removal.from,
    actor: removal.actor ?? null,
    link: promptLink(removal.promptId),
  });
  return deliveries;
}

/** Terminal statuses of an evaluation run: the run announces each once, whichever it ends in. */
export type FinishedRunStatus = 'completed' | 'completed_with_errors' | 'cancelled' | 'failed';

/** `suite_run.completed`: in the transaction that marks the run finished. */
export async function emitSuiteRunCompleted(
  tx: Tx,
  run: Pick<
    EvalRun,
    'workspaceId' | 'id' | 'suiteId' | 'promptId' | 'promptVersion' | 'provider' | 'model' | 'startedAt'
  >,
  outcome: { status: FinishedRunStatus; finishedAt: Date; summary?: RunSummary; error?: string | null },
): Promise<number> {
  const suite = await tx.suite.findUnique({
    where: { workspaceId_id: { workspaceId: run.workspaceId, id: run.suiteId } },
    select: { name: true },
  });
  const s = outcome.summary;
  const { deliveries } = await queueWebhookEvent(tx, run.workspaceId, 'suite_run.completed', {
    runId: run.id,
    suiteId: run.suiteId,
    suiteName: suite?.name ?? null,
    promptId: run.promptId,
    version: run.promptVersion,
    provider: run.provider,
    model: run.model,
    status: outcome.status,
    total: s?.total ?? null,
    passed: s?.passed ?? null,
    failed: s?.failed ?? null,
    errored: s?.errored ?? null,
    passRate: s ? s.passRate.value : null,
    // Micro-dollars as stored; a model without a price leaves its cases out (counted beside).
    costMicros: s?.costMicros ?? null,
    judgeCostMicros: s?.judgeCostMicros ?? null,
    unpricedCases: s?.unpricedCases ?? null,
    error: outcome.error ?? null,
    startedAt: run.startedAt?.toISOString() ?? null,
    finishedAt: outcome.finishedAt.toISOString(),
    link: `/suites/${encodeURIComponent(run.suiteId)}/runs/${encodeURIComponent(run.id)}`,
  });
  return deliveries;
}
