// "Changing your password signs you out on every other device": real session checks (next-auth's
// callbacks, getViewer, the action builder) against a real PostgreSQL database; only the browsers
// and their cookies are simulated (test/browser-session.ts).
import type * as NextAuth from 'next-auth';
import type * as NextServer from 'next/server';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@/test/db';

vi.stubEnv('NEXTAUTH_SECRET', 's'.repeat(44));
const state = vi.hoisted(() => ({ prisma: undefined as unknown }));
vi.mock('@/lib/server/db', () => ({ getPrisma: async () => state.prisma }));
vi.mock('next/server', async (original) => ({
  ...(await original<typeof NextServer>()),
  connection: async () => {},
}));
vi.mock('next-auth', async (original) => ({
  ...(await original<typeof NextAuth>()),
  getServerSession: (await import('@/test/browser-session')).serverSession,
}));
vi.mock('next/headers', async () => {
  const { cookieJar } = await import('@/test/browser-session');
  return { headers: async () => new Headers(), cookies: async () => cookieJar() };
});

const { changePasswordAction } = await import('./actions');
const { getViewer } = await import('@/lib/server/auth/session');
const { hashPassword } = await import('@/lib/server/auth/password');
const { Browser, signIn, signInBeforeStamps, requestsFrom } = await import('@/test/browser-session');

let db: TestDatabase;
let n = 0;
let email: string;
const OLD = 'the-old-password';
const NEW = 'a-new-password';

beforeAll(async () => {
  db = await createTestDatabase({ kind: 'postgres' });
  state.prisma = db.prisma;
});
afterAll(() => db.close());

async function createMember(data: { sessionsValidFrom?: Date } = {}) {
  const workspace = await db.prisma.workspace.create({ data: { slug: `w${++n}`, name: 'W' } });
  email = `me-${n}@x.test`;
  return db.prisma.user.create({
    data: {
      email,
      name: 'Me',
      passwordHash: await hashPassword(OLD),
      memberships: { create: { workspaceId: workspace.id, role: 'viewer' } },
      ...data,
    },
  });
}
beforeEach(() => createMember());

async function viewerIn(browser: InstanceType<typeof Browser>) {
  requestsFrom(browser);
  return getViewer();
}

async function changePasswordIn(browser: InstanceType<typeof Browser>, currentPassword = OLD) {
  requestsFrom(browser);
  return changePasswordAction({ currentPassword, newPassword: NEW, repeatPassword: NEW });
}

describe('changing a password', () => {
  it('signs every other browser out at its next request and keeps this one signed in', async () => {
    const laptop = new Browser();
    const phone = new Browser();
    await signIn(laptop, email, OLD);
    await signIn(phone, email, OLD);
    expect(await viewerIn(phone)).toMatchObject({ email });

    expect(await changePasswordIn(laptop)).toEqual({ ok: true, data: undefined });

    expect(await viewerIn(laptop)).toMatchObject({ email });
    expect(await viewerIn(phone)).toBeNull();
    expect(await changePasswordIn(phone, NEW)).toEqual({
      ok: false,
      error: { code: 'UNAUTHENTICATED', message: 'Your session has ended. Sign in again.' },
    });
  });

  it('lets a browser signed in afterwards in with the new password, and only with it', async () => {
    const laptop = new Browser();
    await signIn(laptop, email, OLD);
    await changePasswordIn(laptop);

    const tablet = new Browser();
    await expect(signIn(tablet, email, OLD)).rejects.toThrow(/Wrong email or password/);
    await signIn(tablet, email, NEW);
    expect(await viewerIn(tablet)).toMatchObject({ email });
    expect(await viewerIn(laptop)).toMatchObject({ email });
  });

  it('signs nobody out when the current password is wrong', async () => {
    const laptop = new Browser();
    const phone = new Browser();
    await signIn(laptop, email, OLD);
    await signIn(phone, email, OLD);
    expect(await changePasswordIn(laptop, 'a-guess')).toMatchObject({ ok: false });
    expect(await viewerIn(laptop)).toMatchObject({ email });
    expect(await viewerIn(phone)).toMatchObject({ email });
  });

  it('also ends sessions signed in before session stamps existed', async () => {
    const user = await createMember({ sessionsValidFrom: new Date(0) }); // as the migration left it
    const oldLaptop = new Browser();
    await signInBeforeStamps(oldLaptop, user);
    expect(await viewerIn(oldLaptop)).toMatchObject({ email });

    const laptop = new Browser();
    await signIn(laptop, email, OLD);
    await changePasswordIn(laptop);
    expect(await viewerIn(oldLaptop)).toBeNull();
    expect(await viewerIn(laptop)).toMatchObject({ email });
  });
});
