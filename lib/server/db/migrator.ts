import 'server-only';
import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

/** The little a migrator needs from a PostgreSQL connection: pg's Client and PGlite both fit. */
export interface SqlConnection {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<{ rows: T[] }>;
  /** Runs a script of several statements (simple query protocol). */
  exec(sql: string): Promise<unknown>;
}

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

/** The key `prisma migrate deploy` locks too, so our migrator and Prisma's never run at once. */
const PRISMA_ADVISORY_LOCK_KEY = 72707369;

export async function readMigrations(): Promise<Migration[]> {
  const dir = path.join(process.cwd(), 'prisma', 'migrations');
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(path.join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    }),
  );
}

// Prisma's own bookkeeping table, so `prisma migrate deploy/status` sees what we applied.
const CREATE_PRISMA_MIGRATIONS = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum" VARCHAR(64) NOT NULL,
  "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL,
  "logs" TEXT,
  "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

interface AppliedRow {
  migration_name: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

async function appliedNames(db: SqlConnection): Promise<Set<string> | undefined> {
  const exists = await db.query<{ present: boolean }>(
    `SELECT to_regclass('"_prisma_migrations"') IS NOT NULL AS present`,
  );
  if (!exists.rows[0]?.present) return undefined;
  const { rows } = await db.query<AppliedRow>(
    `SELECT migration_name, finished_at, rolled_back_at FROM "_prisma_migrations"`,
  );
  const failed = rows.find((r) => r.finished_at === null && r.rolled_back_at === null);
  if (failed) {
    throw new Error(
      `Migration ${failed.migration_name} failed earlier and needs attention (see "_prisma_migrations"); refusing to continue.`,
    );
  }
  return new Set(rows.filter((r) => r.finished_at !== null).map((r) => r.migration_name));
}

/** Names of migrations in the folder that the database has not applied. */
export async function pendingMigrations(db: SqlConnection, migrations: Migration[]): Promise<string[]> {
  const applied = (await appliedNames(db)) ?? new Set();
  return migrations.filter((m) => !applied.has(m.name)).map((m) => m.name);
}

/**
 * Applies pending migrations, each in its own transaction, under Prisma's advisory lock so two app
 * instances starting at once against one database apply each migration exactly once.
 */
export async function migrate(db: SqlConnection, migrations: Migration[]): Promise<string[]> {
  await db.query('SELECT pg_advisory_lock($1)', [PRISMA_ADVISORY_LOCK_KEY]);
  try {
    await db.exec(CREATE_PRISMA_MIGRATIONS);
    const applied = (await appliedNames(db)) ?? new Set();
    const done: string[] = [];
    for (const m of migrations) {
      if (applied.has(m.name)) continue;
      await db.exec('BEGIN');
      try {
        await db.exec(m.sql);
        await db.query(
          `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
           VALUES ($1, $2, $3, now(), now(), 1)`,
          [randomUUID(), m.checksum, m.name],
        );
        await db.exec('COMMIT');
      } catch (error) {
        await db.exec('ROLLBACK');
        throw new Error(`Migration ${m.name} failed: ${(error as Error).message}`, { cause: error });
      }
      done.push(m.name);
    }
    return done;
  } finally {
    await db.query('SELECT pg_advisory_unlock($1)', [PRISMA_ADVISORY_LOCK_KEY]);
  }
}
