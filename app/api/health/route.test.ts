// The health probe against a real PostgreSQL database: it uses the app's pool, caches the migration
// check, and tells anonymous callers the status only.
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Viewer } from '@/lib/server/auth/session';
import type { OpenDatabase } from '@/lib/server/db';
import { createTestDatabase, type TestDatabase } from '@/test/db';

const state = vi.hoisted(() => ({
  viewer: null as Viewer | null,
  database: undefined as unknown as () => Promise<OpenDatabase>,
}));
vi.mock('@/lib/server/auth/session', () => ({ getViewer: async () => state.viewer }));
vi.mock('@/lib/server/db', () => ({ getDatabase: () => state.database() }));

const { GET } = await import('./route');

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase({ kind: 'postgres' });
});
afterAll(() => db.close());
beforeEach(() => {
  state.viewer = null;
  state.database = async () => db;
});

function as(role: Viewer['role']) {
  state.viewer = { userId: 'u', email: 'a@x.test', name: 'A', workspaceId: 'w', workspaceName: 'W', role };
}

async function probe() {
  const response = await GET();
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Sessions ever opened on the test database (PostgreSQL 14+ counts them per database). */
async function sessionsOpened(): Promise<number> {
  const [row] = await db.prisma.$queryRaw<{ sessions: bigint }[]>`
    SELECT sessions FROM pg_stat_database WHERE datname = current_database()`;
  return Number(row?.sessions);
}

describe('GET /api/health', () => {
  it('tells anyone but an admin the status only', async () => {
    expect(await probe()).toEqual({ status: 200, body: { status: 'ok' } });
    as('editor');
    expect(await probe()).toEqual({ status: 200, body: { status: 'ok' } });
    as('admin');
    expect(await probe()).toEqual({
      status: 200,
      body: {
        status: 'ok',
        database: { kind: 'postgres', reachable: true, latencyMs: expect.any(Number) },
        migrations: { current: true, pending: [] },
      },
    });
  });

  it('keeps the driver message (hosts, paths) from anonymous callers when the database is down', async () => {
    state.database = async () => {
      throw new Error('connect ECONNREFUSED 10.1.2.3:5432 (data directory /srv/loom/.data)');
    };
    const anonymous = await probe();
    expect(anonymous).toEqual({ status: 503, body: { status: 'error' } });
    as('admin'); // the session lookup needs the database too: even an admin's probe is anonymous now
    expect(JSON.stringify((await probe()).body)).not.toContain('10.1.2.3');
  });

  it('answers through the pool: a hundred probes open no connection each', async () => {
    await probe();
    const before = await sessionsOpened();
    for (let i = 0; i < 100; i++) await probe();
    await new Promise((resolve) => setTimeout(resolve, 600)); // statistics are flushed every 500 ms
    expect((await sessionsOpened()) - before).toBeLessThan(10);
  });

  it('caches the migration check for 30 s, then reports a schema behind the build as degraded', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      as('admin');
      await probe();
      const [last] = await db.prisma.$queryRaw<{ migration_name: string }[]>`
        SELECT migration_name FROM "_prisma_migrations" ORDER BY migration_name DESC LIMIT 1`;
      await db.prisma
        .$executeRaw`DELETE FROM "_prisma_migrations" WHERE migration_name = ${last?.migration_name}`;
      expect((await probe()).body.status).toBe('ok');
      vi.setSystemTime(Date.now() + 31_000);
      expect(await probe()).toMatchObject({
        status: 200,
        body: { status: 'degraded', migrations: { current: false, pending: [last?.migration_name] } },
      });
      state.viewer = null;
      expect(await probe()).toEqual({ status: 200, body: { status: 'degraded' } });
    } finally {
      vi.useRealTimers();
    }
  });
});
