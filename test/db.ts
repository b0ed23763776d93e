// Fresh, migrated databases for integration tests: a throw-away database on the real PostgreSQL
// server (TEST_DATABASE_URL, default postgresql://postgres@127.0.0.1:5432/postgres), or an
// in-memory embedded PGlite. Never mock Prisma: tests run against these.
import { randomBytes } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { migrate, readMigrations } from '@/lib/server/db/migrator';
import { fromPGlite, openPostgres, type OpenDatabase } from '@/lib/server/db/open';

export const TEST_DATABASE_URL =
  process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

export type TestDatabaseKind = 'postgres' | 'pglite';

export interface TestDatabase extends OpenDatabase {
  /** Connection URL (postgres kind only), for code that opens its own connections. */
  url?: string;
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function createTestDatabase({ kind }: { kind: TestDatabaseKind }): Promise<TestDatabase> {
  const migrations = await readMigrations();
  if (kind === 'pglite') {
    const db = fromPGlite(await PGlite.create(), 'memory');
    await db.withSession((conn) => migrate(conn, migrations));
    return db;
  }
  const name = `loom_test_${Date.now()}_${randomBytes(4).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE "${name}"`));
  const url = withDatabase(TEST_DATABASE_URL, name);
  const db = await openPostgres(url);
  await db.withSession((conn) => migrate(conn, migrations));
  return {
    ...db,
    url,
    async close() {
      await db.close();
      await admin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}
