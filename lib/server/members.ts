import 'server-only';
import { z } from 'zod';
import type { PrismaClient } from '@/lib/generated/prisma/client';
import type { Role } from '@/lib/generated/prisma/enums';
import { LoomError } from '@/lib/loom/core';
import { hashPassword } from './auth/password';

export const ROLES = ['admin', 'editor', 'viewer'] as const satisfies readonly Role[];

export const addMemberSchema = z.object({
  email: z.email('Enter a valid email address.').transform((v) => v.toLowerCase()),
  name: z.string().trim().min(1, 'Enter a name.').max(100),
  password: z.string().min(10, 'Use at least 10 characters.').max(200),
  role: z.enum(ROLES),
});
export type AddMemberInput = z.input<typeof addMemberSchema>;

export const changeRoleSchema = z.object({ userId: z.string().min(1), role: z.enum(ROLES) });
export const removeMemberSchema = z.object({ userId: z.string().min(1) });

export interface MemberRow {
  userId: string;
  email: string;
  name: string;
  role: Role;
  joinedAt: Date;
}

export async function listMembers(prisma: PrismaClient, workspaceId: string): Promise<MemberRow[]> {
  const rows = await prisma.membership.findMany({
    where: { workspaceId },
    include: { user: true },
    orderBy: { createdAt: 'asc' },
  });
  return rows.map((m) => ({
    userId: m.userId,
    email: m.user.email,
    name: m.user.name,
    role: m.role,
    joinedAt: m.createdAt,
  }));
}

export async function addMember(
  prisma: PrismaClient,
  workspaceId: string,
  input: z.output<typeof addMemberSchema>,
) {
  if (await prisma.user.findUnique({ where: { email: input.email } })) {
    throw new LoomError('CONFLICT', `An account for ${input.email} already exists.`, {
      issues: [{ path: 'email', message: 'This email already has an account.' }],
    });
  }
  const passwordHash = await hashPassword(input.password);
  const user = await prisma.user.create({
    data: {
      email: input.email,
      name: input.name,
      passwordHash,
      memberships: { create: { workspaceId, role: input.role } },
    },
  });
  return { userId: user.id };
}

/** A workspace always keeps at least one admin, so nobody can lock the team out of its settings. */
async function assertKeepsAnAdmin(
  prisma: PrismaClient,
  workspaceId: string,
  userId: string,
  nextRole: Role | null,
) {
  const current = await prisma.membership.findUnique({
    where: { userId_workspaceId: { userId, workspaceId } },
  });
  if (!current) throw new LoomError('NOT_FOUND', 'That person is not a member of this workspace.');
  if (current.role !== 'admin' || nextRole === 'admin') return;
  const admins = await prisma.membership.count({ where: { workspaceId, role: 'admin' } });
  if (admins <= 1) throw new LoomError('CONFLICT', 'The workspace needs at least one admin.');
}

export async function changeRole(prisma: PrismaClient, workspaceId: string, userId: string, role: Role) {
  await assertKeepsAnAdmin(prisma, workspaceId, userId, role);
  await prisma.membership.update({ where: { userId_workspaceId: { userId, workspaceId } }, data: { role } });
}

export async function removeMember(prisma: PrismaClient, workspaceId: string, userId: string) {
  await assertKeepsAnAdmin(prisma, workspaceId, userId, null);
  await prisma.membership.delete({ where: { userId_workspaceId: { userId, workspaceId } } });
}
