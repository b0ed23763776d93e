// The members actions against a real PostgreSQL database; only the session is faked.
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Viewer } from '@/lib/server/auth/session';
import { createTestDatabase, type TestDatabase } from '@/test/db';
import { testViewer } from '@/test/viewer';

const session = vi.hoisted(() => ({ viewer: null as Viewer | null, prisma: undefined as unknown }));
vi.mock('@/lib/server/auth/session', () => ({ getViewer: async () => session.viewer }));
vi.mock('@/lib/server/db', () => ({ getPrisma: async () => session.prisma }));

const { addMemberAction, changeRoleAction, removeMemberAction, unlockMemberAction } =
  await import('./actions');
const { ACCOUNT_POLICY, accountKey, addressKey, findPausedAccounts, reserveSignInAttempt } =
  await import('@/lib/server/auth/throttle');

let db: TestDatabase;
let workspaceId: string;
let adminId: string;

beforeAll(async () => {
  db = await createTestDatabase({ kind: 'postgres' });
  session.prisma = db.prisma;
  const workspace = await db.prisma.workspace.create({ data: { slug: 'w', name: 'W' } });
  workspaceId = workspace.id;
  const admin = await db.prisma.user.create({
    data: {
      email: 'boss@x.test',
      name: 'Boss',
      passwordHash: 'x',
      memberships: { create: { workspaceId, role: 'admin' } },
    },
  });
  adminId = admin.id;
});
afterAll(() => db.close());

function as(role: Viewer['role'], userId = adminId) {
  session.viewer = testViewer(workspaceId, role, userId);
}

beforeEach(() => as('admin'));

describe('members actions', () => {
  it('adds a member who belongs to the workspace with the chosen role', async () => {
    const result = await addMemberAction({
      email: 'New@X.test',
      name: 'New',
      password: 'long-enough-pw',
      role: 'editor',
    });
    expect(result.ok).toBe(true);
    const user = await db.prisma.user.findUniqueOrThrow({
      where: { email: 'new@x.test' },
      include: { memberships: true },
    });
    expect(user.memberships).toEqual([expect.objectContaining({ workspaceId, role: 'editor' })]);
    expect(user.passwordHash).toMatch(/^scrypt\$/);
  });

  it('reports every invalid field and writes nothing', async () => {
    const result = await addMemberAction({
      email: 'not-an-email',
      name: '',
      password: 'short',
      role: 'editor',
    });
    expect(result).toMatchObject({
      ok: false,
      error: {
        code: 'INVALID_INPUT',
        fieldErrors: {
          email: [expect.any(String)],
          name: [expect.any(String)],
          password: ['Use at least 10 characters.'],
        },
      },
    });
    expect(await db.prisma.user.count({ where: { email: 'not-an-email' } })).toBe(0);
  });

  it('refuses a duplicate email with a field error', async () => {
    const result = await addMemberAction({
      email: 'boss@x.test',
      name: 'Again',
      password: 'long-enough-pw',
      role: 'viewer',
    });
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT', fieldErrors: { email: [expect.any(String)] } },
    });
  });

  it('refuses editors and viewers, whatever they send', async () => {
    for (const role of ['editor', 'viewer'] as const) {
      as(role);
      expect(
        await addMemberAction({
          email: `${role}@x.test`,
          name: 'X',
          password: 'long-enough-pw',
          role: 'admin',
        }),
      ).toMatchObject({
        ok: false,
        error: { code: 'FORBIDDEN' },
      });
      expect(await changeRoleAction({ userId: adminId, role: 'viewer' })).toMatchObject({
        ok: false,
        error: { code: 'FORBIDDEN' },
      });
    }
  });

  it('never leaves the workspace without an admin', async () => {
    expect(await changeRoleAction({ userId: adminId, role: 'viewer' })).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT' },
    });
    expect(await removeMemberAction({ userId: adminId })).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT' },
    });
    const membership = await db.prisma.membership.findFirstOrThrow({ where: { userId: adminId } });
    expect(membership.role).toBe('admin');
  });

  it('changes a role and removes a member', async () => {
    const added = await addMemberAction({
      email: 'temp@x.test',
      name: 'Temp',
      password: 'long-enough-pw',
      role: 'viewer',
    });
    if (!added.ok) throw new Error('setup failed');
    expect(await changeRoleAction({ userId: added.data.userId, role: 'editor' })).toEqual({
      ok: true,
      data: undefined,
    });
    expect((await db.prisma.membership.findFirstOrThrow({ where: { userId: added.data.userId } })).role).toBe(
      'editor',
    );
    expect(await removeMemberAction({ userId: added.data.userId })).toEqual({ ok: true, data: undefined });
    expect(await db.prisma.membership.count({ where: { userId: added.data.userId } })).toBe(0);
  });

  it("lets an admin lift a member's sign-in pause, and records it", async () => {
    const added = await addMemberAction({
      email: 'paused@x.test',
      name: 'Paused',
      password: 'long-enough-pw',
      role: 'viewer',
    });
    if (!added.ok) throw new Error('setup failed');
    for (let i = 0; i <= ACCOUNT_POLICY.capacity; i++) {
      await reserveSignInAttempt(db.prisma, {
        account: accountKey('paused@x.test'),
        address: addressKey(`192.0.2.${i}`),
      });
    }
    expect(await findPausedAccounts(db.prisma, ['paused@x.test'])).toEqual(new Set(['paused@x.test']));

    as('editor');
    expect(await unlockMemberAction({ userId: added.data.userId })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    as('admin');
    expect(await unlockMemberAction({ userId: added.data.userId })).toEqual({ ok: true, data: undefined });
    expect(await findPausedAccounts(db.prisma, ['paused@x.test'])).toEqual(new Set());
    expect(
      await db.prisma.auditEvent.count({
        where: { action: 'member.unlock', subject: `user:${added.data.userId}` },
      }),
    ).toBe(1);
    expect(await unlockMemberAction({ userId: 'not-a-member' })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
  });
});
