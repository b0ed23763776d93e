import 'server-only';
import type { Prisma, PrismaClient } from '@/lib/generated/prisma/client';
import type { Viewer } from './auth/session';

/** Every action the audit log records; the home page's feed has words for each. */
export const AUDIT_ACTIONS = [
  'label.set',
  'label.remove',
  'prompt.archive',
  'prompt.unarchive',
  'provider.update',
  'provider.delete',
  'member.add',
  'member.role',
  'member.remove',
  'member.unlock',
  'gate.update',
  'api_key.create',
  'api_key.revoke',
  'webhook.create',
  'webhook.update',
  'webhook.delete',
  'webhook.secret_reveal',
  'webhook.secret_rotate',
  'webhook.test',
  'webhook.redeliver',
  'analytics.settings',
  'price.save',
  'price.delete',
  'budget.save',
  'experiment.create',
  'experiment.start',
  'experiment.pause',
  'experiment.resume',
  'experiment.stop',
  'experiment.winner',
  'experiment.complete',
  'suite_run.start',
  'suite_run.cancel',
  'suite_run.review',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export interface AuditEntry {
  id: string;
  actorEmail: string;
  action: string;
  subject: string;
  details: Record<string, unknown>;
  createdAt: Date;
}

type Db = PrismaClient | Prisma.TransactionClient;

/** Appends one event; pass a transaction client to make it part of the change it records. */
export async function writeAudit(
  db: Db,
  /** A member, or an API key (`userId` null, `email` naming the key). */
  viewer: Pick<Viewer, 'workspaceId' | 'email'> & { userId: string | null },
  action: AuditAction,
  subject: string,
  details: Record<string, unknown> = {},
): Promise<void> {
  await db.auditEvent.create({
    data: {
      workspaceId: viewer.workspaceId,
      actorId: viewer.userId,
      actorEmail: viewer.email,
      action,
      subject,
      details: details as Prisma.InputJsonValue,
    },
  });
}

/** Newest first; `subject` narrows to one thing, e.g. `prompt:support-reply`. */
export async function listAudit(
  db: PrismaClient,
  workspaceId: string,
  options: { subject?: string; limit?: number } = {},
): Promise<AuditEntry[]> {
  const rows = await db.auditEvent.findMany({
    where: { workspaceId, ...(options.subject ? { subject: options.subject } : {}) },
    orderBy: { createdAt: 'desc' },
    take: options.limit ?? 100,
  });
  return rows.map((r) => ({
    id: r.id,
    actorEmail: r.actorEmail,
    action: r.action,
    subject: r.subject,
    details: r.details as Record<string, unknown>,
    createdAt: r.createdAt,
  }));
}
