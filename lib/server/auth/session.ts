import 'server-only';
import { getServerSession } from 'next-auth';
import { connection } from 'next/server';
import type { Role } from '@/lib/generated/prisma/enums';
import { getPrisma } from '../db';
import { getAuthOptions } from './options';
import { isSessionCurrent } from './session-stamp';

/**
 * Who is calling, resolved from the session cookie and the database (roles are never trusted from
 * the client). No viewer for a session signed out everywhere since it signed in (session-stamp.ts).
 */
export interface Viewer {
  userId: string;
  email: string;
  name: string;
  workspaceId: string;
  workspaceName: string;
  role: Role;
}

export async function getViewer(): Promise<Viewer | null> {
  await connection(); // per-request: never prerendered at build time
  const session = await getServerSession(getAuthOptions());
  const userId = session?.user?.id;
  if (!userId) return null;
  const prisma = await getPrisma();
  const membership = await prisma.membership.findFirst({
    where: { userId },
    orderBy: { createdAt: 'asc' },
    include: { user: true, workspace: true },
  });
  if (!membership || !isSessionCurrent(session.sessionsValidFrom, membership.user.sessionsValidFrom))
    return null;
  return {
    userId,
    email: membership.user.email,
    name: membership.user.name,
    workspaceId: membership.workspaceId,
    workspaceName: membership.workspace.name,
    role: membership.role,
  };
}
