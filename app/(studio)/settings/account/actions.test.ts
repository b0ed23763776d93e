// Changing one's own password against a real PostgreSQL database; only the session is faked.
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Viewer } from '@/lib/server/auth/session';
import { createTestDatabase, type TestDatabase } from '@/test/db';

const session = vi.hoisted(() => ({ viewer: null as Viewer | null, prisma: undefined as unknown }));
vi.mock('@/lib/server/auth/session', () => ({ getViewer: async () => session.viewer }));
vi.mock('@/lib/server/db', () => ({ getPrisma: async () => session.prisma }));
vi.mock('next/headers', () => ({
  headers: async () => new Headers({ 'x-loom-client-address': '192.0.2.10' }),
  // The faked session has no cookie to renew (sessions.test.ts covers renewal).
  cookies: async () => ({ get: () => undefined, set: () => {} }),
}));

const { changePasswordAction } = await import('./actions');
const { hashPassword, verifyPassword } = await import('@/lib/server/auth/password');
const { ACCOUNT_POLICY } = await import('@/lib/server/auth/throttle');

let db: TestDatabase;
let n = 0;
const OLD = 'the-old-password';

beforeAll(async () => {
  db = await createTestDatabase({ kind: 'postgres' });
  session.prisma = db.prisma;
});
afterAll(() => db.close());

/** A fresh viewer-role member per test, signed in. */
beforeEach(async () => {
  const workspace = await db.prisma.workspace.create({ data: { slug: `w${++n}`, name: 'W' } });
  const email = `me-${n}@x.test`;
  const user = await db.prisma.user.create({
    data: {
      email,
      name: 'Me',
      passwordHash: await hashPassword(OLD),
      memberships: { create: { workspaceId: workspace.id, role: 'viewer' } },
    },
  });
  session.viewer = {
    userId: user.id,
    email,
    name: 'Me',
    workspaceId: workspace.id,
    workspaceName: 'W',
    role: 'viewer',
  };
});

async function storedHash() {
  return (await db.prisma.user.findUniqueOrThrow({ where: { id: session.viewer!.userId } })).passwordHash;
}

describe('changePasswordAction', () => {
  it('lets any member change their own password with the current one', async () => {
    expect(
      await changePasswordAction({
        currentPassword: OLD,
        newPassword: 'a-new-password',
        repeatPassword: 'a-new-password',
      }),
    ).toEqual({ ok: true, data: undefined });
    expect(await verifyPassword('a-new-password', await storedHash())).toBe(true);
    expect(await verifyPassword(OLD, await storedHash())).toBe(false);
  });

  it('refuses a wrong current password on its field and keeps the old one', async () => {
    expect(
      await changePasswordAction({
        currentPassword: 'guess',
        newPassword: 'a-new-password',
        repeatPassword: 'a-new-password',
      }),
    ).toMatchObject({
      ok: false,
      error: {
        code: 'INVALID_INPUT',
        fieldErrors: { currentPassword: [expect.stringMatching(/not your current password/)] },
      },
    });
    expect(await verifyPassword(OLD, await storedHash())).toBe(true);
  });

  it('names every rule a new password breaks', async () => {
    expect(
      await changePasswordAction({ currentPassword: '', newPassword: 'short', repeatPassword: 'other' }),
    ).toMatchObject({
      ok: false,
      error: {
        code: 'INVALID_INPUT',
        fieldErrors: {
          currentPassword: ['Enter your current password.'],
          newPassword: ['Use at least 10 characters.'],
          repeatPassword: ['This does not match the new password.'],
        },
      },
    });
    expect(
      await changePasswordAction({ currentPassword: OLD, newPassword: OLD, repeatPassword: OLD }),
    ).toMatchObject({
      ok: false,
      error: { fieldErrors: { newPassword: ['Choose a password different from the current one.'] } },
    });
  });

  it('counts wrong current passwords against the sign-in throttle', async () => {
    for (let i = 0; i < ACCOUNT_POLICY.capacity; i++) {
      await changePasswordAction({
        currentPassword: `guess-${i}`,
        newPassword: 'a-new-password',
        repeatPassword: 'a-new-password',
      });
    }
    expect(
      await changePasswordAction({
        currentPassword: OLD,
        newPassword: 'a-new-password',
        repeatPassword: 'a-new-password',
      }),
    ).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(await verifyPassword(OLD, await storedHash())).toBe(true);
  });
});
