import 'server-only';
import { z } from 'zod';
import type { Prisma, PrismaClient } from '@/lib/generated/prisma/client';
import type { Role } from '@/lib/generated/prisma/enums';
import { LoomError } from '@/lib/loom/core';
import { writeAudit } from './audit';
import { newPasswordSchema } from './auth/account';
import { hashPassword } from './auth/password';
import type { Viewer } from './auth/session';
import { nextSessionStamp } from './auth/session-stamp';
import { findPausedAccounts, unlockAccount } from './auth/throttle';

export const ROLES = ['admin', 'editor', 'viewer'] as const satisfies readonly Role[];

export const addMemberSchema = z.object({
  email: z.email('Enter a valid email address.').transform((v) => v.toLowerCase()),
  name: z.string().trim().min(1, 'Enter a name.').max(100),
  password: newPasswordSchema,
  role: z.enum(ROLES),
});
export type AddMemberInput = z.input<typeof addMemberSchema>;

export const changeRoleSchema = z.object({ userId: z.string().min(1), role: z.enum(ROLES) });
export const memberSchema = z.object({ userId: z.string().min(1) });

/** Who makes a change: recorded in the audit row written in the same transaction. */
export type Actor = Pick<Viewer, 'workspaceId' | 'userId' | 'email'>;

export interface MemberRow {
  userId: string;
  email: string;
  name: string;
  role: Role;
  joinedAt: Date;
  /** Too many failed sign-ins: the next attempt would be refused until it drains or an admin unlocks. */
  isSignInPaused: boolean;
}

export async function listMembers(prisma: PrismaClient, workspaceId: string): Promise<MemberRow[]> {
  const rows = await prisma.membership.findMany({
    where: { workspaceId },
    include: { user: true },
    orderBy: { createdAt: 'asc' },
  });
  const paused = await findPausedAccounts(
    prisma,
    rows.map((m) => m.user.email),
  );
  return rows.map((m) => ({
    userId: m.userId,
    email: m.user.email,
    name: m.user.name,
    role: m.role,
    joinedAt: m.createdAt,
    isSignInPaused: paused.has(m.user.email),
  }));
}

/**
 * Membership changes of one workspace run one at a time: each takes the workspace row's lock
 * first, so "is there another admin?" stays true until the change commits (two admins demoting
 * each other at once would otherwise both see two admins).
 */
async function inMembersTransaction<T>(
  prisma: PrismaClient,
  workspaceId: string,
  fn: (tx: Prisma.TransactionClient) => Promise<T>,
): Promise<T> {
  return prisma.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT 1 FROM "Workspace" WHERE "id" = ${workspaceId} FOR UPDATE`;
    return fn(tx);
  });
}

export interface AddedMember {
  userId: string;
  /** The email already had an account (a removed member): it keeps its own password. */
  isReturning: boolean;
}

/**
 * Adds a member. An email with an account but no membership here (someone removed earlier) is
 * added back with the chosen role and keeps their own password: an admin of this workspace must
 * not be able to take over an account by choosing its password.
 */
export async function addMember(
  prisma: PrismaClient,
  actor: Actor,
  input: z.output<typeof addMemberSchema>,
): Promise<AddedMember> {
  const passwordHash = await hashPassword(input.password);
  return inMembersTransaction(prisma, actor.workspaceId, async (tx) => {
    const existing = await tx.user.findUnique({
      where: { email: input.email },
      include: { memberships: { where: { workspaceId: actor.workspaceId } } },
    });
    if (existing?.memberships.length) throw alreadyMember(input.email);
    const userId = existing
      ? existing.id
      : (await tx.user.create({ data: { email: input.email, name: input.name, passwordHash } })).id;
    await tx.membership.create({ data: { userId, workspaceId: actor.workspaceId, role: input.role } });
    await writeAudit(tx, actor, 'member.add', `member:${input.email}`, {
      role: input.role,
      ...(existing ? { returning: true } : {}),
    });
    return { userId, isReturning: Boolean(existing) };
  });
}

function alreadyMember(email: string) {
  return new LoomError('CONFLICT', `${email} is already a member of this workspace.`, {
    issues: [{ path: 'email', message: 'This person is already a member.' }],
  });
}

/** A workspace always keeps at least one admin, so nobody can lock the team out of its settings. */
async function assertKeepsAnAdmin(
  tx: Prisma.TransactionClient,
  workspaceId: string,
  userId: string,
  nextRole: Role | null,
) {
  const current = await tx.membership.findUnique({
    where: { userId_workspaceId: { userId, workspaceId } },
  });
  if (!current) throw new LoomError('NOT_FOUND', 'That person is not a member of this workspace.');
  if (current.role !== 'admin' || nextRole === 'admin') return current;
  const admins = await tx.membership.count({ where: { workspaceId, role: 'admin' } });
  if (admins <= 1) {
    throw new LoomError('CONFLICT', 'The workspace needs at least one admin. Make someone else admin first.');
  }
  return current;
}

export async function changeRole(prisma: PrismaClient, actor: Actor, userId: string, role: Role) {
  await inMembersTransaction(prisma, actor.workspaceId, async (tx) => {
    const current = await assertKeepsAnAdmin(tx, actor.workspaceId, userId, role);
    if (current.role === role) return;
    await tx.membership.update({
      where: { userId_workspaceId: { userId, workspaceId: actor.workspaceId } },
      data: { role },
    });
    await writeAudit(tx, actor, 'member.role', `user:${userId}`, { from: current.role, role });
  });
}

/**
 * Removes a member. An account left without any workspace is signed out everywhere, so its old
 * sessions do not come back to life if it is added again; one still in another workspace keeps
 * its sessions there (an admin here cannot sign people out of other workspaces).
 */
export async function removeMember(prisma: PrismaClient, actor: Actor, userId: string) {
  await inMembersTransaction(prisma, actor.workspaceId, async (tx) => {
    await assertKeepsAnAdmin(tx, actor.workspaceId, userId, null);
    await tx.membership.delete({ where: { userId_workspaceId: { userId, workspaceId: actor.workspaceId } } });
    const user = await tx.user.findUniqueOrThrow({
      where: { id: userId },
      include: { _count: { select: { memberships: true } } },
    });
    if (user._count.memberships === 0) {
      await tx.user.update({
        where: { id: userId },
        data: { sessionsValidFrom: nextSessionStamp(user.sessionsValidFrom) },
      });
    }
    await writeAudit(tx, actor, 'member.remove', `user:${userId}`);
  });
}

/** Lifts the sign-in pause of a member of the actor's workspace (and only of one). */
export async function unlockMember(prisma: PrismaClient, actor: Actor, userId: string) {
  await inMembersTransaction(prisma, actor.workspaceId, async (tx) => {
    const membership = await tx.membership.findUnique({
      where: { userId_workspaceId: { userId, workspaceId: actor.workspaceId } },
      include: { user: true },
    });
    if (!membership) throw new LoomError('NOT_FOUND', 'That person is not a member of this workspace.');
    await unlockAccount(tx, membership.user.email);
    await writeAudit(tx, actor, 'member.unlock', `user:${userId}`);
  });
}
