import 'server-only';
import type { Prisma } from '@/lib/generated/prisma/client';
import { writeAudit, type AuditAction } from '../audit';
import type { Viewer } from '../auth/session';

/** The audit subject of everything done to a suite and its runs. */
export const suiteSubject = (suiteId: string) => `suite:${suiteId}`;

/**
 * Audits an action on one evaluation run (cancel, review) in the caller's transaction, naming the
 * suite as it is called now and the prompt version the run tested, plus the action's own details.
 */
export async function auditSuiteRun(
  tx: Prisma.TransactionClient,
  viewer: Pick<Viewer, 'workspaceId' | 'email' | 'userId'>,
  action: Extract<AuditAction, `suite_run.${string}`>,
  run: { id: string; suiteId: string; promptId: string; promptVersion: number },
  details: Record<string, unknown>,
): Promise<void> {
  const suite = await tx.suite.findUnique({
    where: { workspaceId_id: { workspaceId: viewer.workspaceId, id: run.suiteId } },
    select: { name: true },
  });
  await writeAudit(tx, viewer, action, suiteSubject(run.suiteId), {
    suiteId: run.suiteId,
    suiteName: suite?.name ?? run.suiteId,
    runId: run.id,
    promptId: run.promptId,
    promptVersion: run.promptVersion,
    ...details,
  });
}
