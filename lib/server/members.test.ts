// Membership changes against a real PostgreSQL server, with real concurrency between connections.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@/test/db';
import { isLoomError } from '@/lib/loom/core';
import { addMember, changeRole, removeMember, type Actor } from './members';

let db: TestDatabase;
let n = 0;

beforeAll(async () => {
  db = await createTestDatabase({ kind: 'postgres' });
});
afterAll(() => db.close());

/** A workspace with `count` admins; each can act as itself. */
async function workspaceWithAdmins(count: number): Promise<Actor[]> {
  const workspace = await db.prisma.workspace.create({ data: { slug: `w${++n}`, name: `W${n}` } });
  return Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const email = `admin${i}-${n}@x.test`;
      const user = await db.prisma.user.create({
        data: {
          email,
          name: 'Admin',
          passwordHash: 'x',
          memberships: { create: { workspaceId: workspace.id, role: 'admin' } },
        },
      });
      return { workspaceId: workspace.id, userId: user.id, email };
    }),
  );
}

const adminCount = (workspaceId: string) =>
  db.prisma.membership.count({ where: { workspaceId, role: 'admin' } });

describe('members', () => {
  it('never lets two admins demoting each other at once leave the workspace without an admin', async () => {
    for (let round = 0; round < 8; round++) {
      const [a, b] = (await workspaceWithAdmins(2)) as [Actor, Actor];
      const results = await Promise.allSettled([
        changeRole(db.prisma, a, b.userId, 'editor'),
        changeRole(db.prisma, b, a.userId, 'viewer'),
      ]);
      expect(await adminCount(a.workspaceId)).toBe(1);
      const refused = results.filter((r) => r.status === 'rejected');
      expect(refused).toHaveLength(1);
      expect(isLoomError((refused[0] as PromiseRejectedResult).reason, 'CONFLICT')).toBe(true);
    }
  });

  it('never lets two admins removing each other at once leave the workspace without an admin', async () => {
    for (let round = 0; round < 4; round++) {
      const [a, b] = (await workspaceWithAdmins(2)) as [Actor, Actor];
      await Promise.allSettled([removeMember(db.prisma, a, b.userId), removeMember(db.prisma, b, a.userId)]);
      expect(await adminCount(a.workspaceId)).toBe(1);
    }
  });

  it('adds a removed member back, keeping their own password', async () => {
    const [admin] = (await workspaceWithAdmins(1)) as [Actor];
    const input = {
      email: `back-${n}@x.test`,
      name: 'Back',
      password: 'first-password',
      role: 'editor',
    } as const;
    const first = await addMember(db.prisma, admin, input);
    const { passwordHash } = await db.prisma.user.findUniqueOrThrow({ where: { id: first.userId } });
    await removeMember(db.prisma, admin, first.userId);

    const again = await addMember(db.prisma, admin, {
      ...input,
      password: 'chosen-by-admin',
      role: 'viewer',
    });
    expect(again).toEqual({ userId: first.userId, isReturning: true });
    const membership = await db.prisma.membership.findUniqueOrThrow({
      where: { userId_workspaceId: { userId: first.userId, workspaceId: admin.workspaceId } },
      include: { user: true },
    });
    expect(membership.role).toBe('viewer');
    expect(membership.user.passwordHash).toBe(passwordHash);

    await expect(addMember(db.prisma, admin, input)).rejects.toMatchObject({
      code: 'CONFLICT',
      details: { issues: [{ path: 'email', message: 'This person is already a member.' }] },
    });
  });

  it('writes the audit row in the same transaction as the change: no change without its record', async () => {
    const [admin, other] = (await workspaceWithAdmins(2)) as [Actor, Actor];
    await db.withSession(async (conn) => {
      await conn.exec(`
        CREATE FUNCTION refuse_audit() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'audit store down'; END $$ LANGUAGE plpgsql;
        CREATE TRIGGER refuse_audit BEFORE INSERT ON "AuditEvent" FOR EACH ROW EXECUTE FUNCTION refuse_audit();`);
    });
    try {
      await expect(changeRole(db.prisma, admin, other.userId, 'viewer')).rejects.toThrow(/audit store down/);
      await expect(removeMember(db.prisma, admin, other.userId)).rejects.toThrow(/audit store down/);
      await expect(
        addMember(db.prisma, admin, {
          email: `lost-${n}@x.test`,
          name: 'L',
          password: 'long-enough',
          role: 'viewer',
        }),
      ).rejects.toThrow(/audit store down/);
    } finally {
      await db.withSession((conn) =>
        conn.exec('DROP TRIGGER refuse_audit ON "AuditEvent"; DROP FUNCTION refuse_audit();'),
      );
    }
    expect(await adminCount(admin.workspaceId)).toBe(2);
    expect(await db.prisma.user.count({ where: { email: `lost-${n}@x.test` } })).toBe(0);
  });

  it('records who changed a role from what to what', async () => {
    const [admin, other] = (await workspaceWithAdmins(2)) as [Actor, Actor];
    await changeRole(db.prisma, admin, other.userId, 'editor');
    const events = await db.prisma.auditEvent.findMany({ where: { workspaceId: admin.workspaceId } });
    expect(events).toEqual([
      expect.objectContaining({
        actorEmail: admin.email,
        action: 'member.role',
        subject: `user:${other.userId}`,
        details: { from: 'admin', role: 'editor' },
      }),
    ]);
  });
});
