// Who stays signed in: real session checks (next-auth's callbacks, getViewer) against real
// PostgreSQL databases; only the browsers and their cookies are simulated (test/browser-session.ts).
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type * as NextAuth from 'next-auth';
import type * as NextServer from 'next/server';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestDatabase, TEST_DATABASE_URL, type TestDatabase } from '@/test/db';

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

const { getViewer } = await import('./session');
const { resetPassword } = await import('./account');
const { hashPassword } = await import('./password');
const { addMember, removeMember } = await import('../members');
const { migrate, readMigrations } = await import('../db/migrator');
const { openPostgres } = await import('../db/open');
const { Browser, signIn, signInBeforeStamps, requestsFrom } = await import('@/test/browser-session');

type TestBrowser = InstanceType<typeof Browser>;
const PASSWORD = 'the-password';
let n = 0;

async function viewerIn(browser: TestBrowser) {
  requestsFrom(browser);
  return getViewer();
}

describe('after the session-revocation migration', () => {
  const name = `loom_sess_${randomBytes(4).toString('hex')}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
    await client.query(sql).finally(() => client.end());
  };
  let close: () => Promise<void> = async () => {};
  afterAll(async () => {
    await close();
    await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  });

  it('keeps existing accounts signed in, and stamps new accounts with their creation time', async () => {
    await admin(`CREATE DATABASE "${name}"`);
    const url = new URL(TEST_DATABASE_URL);
    url.pathname = `/${name}`;
    const db = await openPostgres(url.toString());
    close = db.close;
    state.prisma = db.prisma;
    const migrations = await readMigrations();
    const before = migrations.filter((m) => m.name < '20261202100100_session_revocation');
    expect(before.length).toBeLessThan(migrations.length);
    await db.withSession(async (conn) => {
      await migrate(conn, before);
      await conn.query(`INSERT INTO "Workspace" (id, slug, name) VALUES ('w1', 'w1', 'W')`);
      await conn.query(
        `INSERT INTO "User" (id, email, name, "passwordHash") VALUES ('u1', 'old@x.test', 'Old', $1)`,
        [await hashPassword(PASSWORD)],
      );
      await conn.query(
        `INSERT INTO "Membership" ("userId", "workspaceId", role) VALUES ('u1', 'w1', 'viewer')`,
      );
      await migrate(conn, migrations);
    });

    // A cookie from before the deploy, and one signed in after it.
    const before1 = new Browser();
    await signInBeforeStamps(before1, { id: 'u1', email: 'old@x.test', name: 'Old' });
    const after = new Browser();
    await signIn(after, 'old@x.test', PASSWORD);
    expect(await viewerIn(before1)).toMatchObject({ email: 'old@x.test' });
    expect(await viewerIn(after)).toMatchObject({ email: 'old@x.test' });

    const start = Date.now();
    const created = await db.prisma.user.create({
      data: { email: 'new@x.test', name: 'New', passwordHash: 'x' },
    });
    expect(created.sessionsValidFrom.getTime()).toBeGreaterThanOrEqual(start - 1_000);
  });
});

describe('signing an account out everywhere', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase({ kind: 'postgres' });
    state.prisma = db.prisma;
  });
  afterAll(() => db.close());

  async function workspaceWithAdmin() {
    const workspace = await db.prisma.workspace.create({ data: { slug: `w${++n}`, name: `W${n}` } });
    const email = `admin-${n}@x.test`;
    const user = await db.prisma.user.create({
      data: {
        email,
        name: 'Admin',
        passwordHash: 'x',
        memberships: { create: { workspaceId: workspace.id, role: 'admin' } },
      },
    });
    return { workspaceId: workspace.id, userId: user.id, email };
  }

  async function signedInMember(actor: Awaited<ReturnType<typeof workspaceWithAdmin>>) {
    const email = `member-${++n}@x.test`;
    const { userId } = await addMember(db.prisma, actor, {
      email,
      name: 'Member',
      password: PASSWORD,
      role: 'editor',
    });
    const browser = new Browser();
    await signIn(browser, email, PASSWORD);
    expect(await viewerIn(browser)).toMatchObject({ email, workspaceId: actor.workspaceId });
    return { userId, email, browser };
  }

  it('ends the sessions of a member removed from their only workspace, even once added back', async () => {
    const actor = await workspaceWithAdmin();
    const member = await signedInMember(actor);
    await removeMember(db.prisma, actor, member.userId);
    expect(await viewerIn(member.browser)).toBeNull();

    await addMember(db.prisma, actor, {
      email: member.email,
      name: 'Member',
      password: 'ignored-password',
      role: 'editor',
    });
    expect(await viewerIn(member.browser)).toBeNull();
    const again = new Browser();
    await signIn(again, member.email, PASSWORD);
    expect(await viewerIn(again)).toMatchObject({ email: member.email });
  });

  it('keeps the sessions of a member removed from one workspace who is still in another', async () => {
    const first = await workspaceWithAdmin();
    const second = await workspaceWithAdmin();
    const member = await signedInMember(first);
    await addMember(db.prisma, second, {
      email: member.email,
      name: 'Member',
      password: 'ignored-password',
      role: 'viewer',
    });
    await removeMember(db.prisma, first, member.userId);
    expect(await viewerIn(member.browser)).toMatchObject({
      email: member.email,
      workspaceId: second.workspaceId,
    });
  });

  it('ends every session when the password is reset from the machine', async () => {
    const actor = await workspaceWithAdmin();
    const member = await signedInMember(actor);
    const password = await resetPassword(db.prisma, member.email);
    expect(await viewerIn(member.browser)).toBeNull();
    const again = new Browser();
    await signIn(again, member.email, password);
    expect(await viewerIn(again)).toMatchObject({ email: member.email });
  });
});
