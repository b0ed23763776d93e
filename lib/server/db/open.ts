import 'server-only';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { PrismaClient } from '@/lib/generated/prisma/client';
import { logger } from '../logger';
import type { SqlConnection } from './migrator';

export type DatabaseKind = 'postgres' | 'embedded';

export interface OpenDatabase {
  kind: DatabaseKind;
  /** Where the data lives, for messages: host:port/db or the embedded data directory. */
  location: string;
  prisma: PrismaClient;
  /** Runs `fn` on one dedicated session (needed for advisory locks and multi-statement scripts). */
  withSession<T>(fn: (conn: SqlConnection) => Promise<T>): Promise<T>;
  /**
   * Embedded only: runs SQL on the one PGlite session, for the job queue (lib/server/jobs), which
   * brings its own connection pool on a PostgreSQL server. Without values the text may hold several
   * statements (pg-boss installs and migrates its schema that way); the last one's rows are returned.
   * Waits while a Prisma transaction holds the session: never call it from inside one.
   */
  executeSql?: ExecuteSql;
  close(): Promise<void>;
}

export type ExecuteSql = (text: string, values?: unknown[]) => Promise<{ rows: unknown[] }>;

export class DatabaseOpenError extends Error {
  override readonly name = 'DatabaseOpenError';
}

/** How long to wait for a PostgreSQL server before saying it is unreachable. */
const CONNECT_TIMEOUT_MS = 5_000;

export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || '5432'}${u.pathname}`;
  } catch {
    return 'an unparseable URL';
  }
}

export async function openPostgres(url: string): Promise<OpenDatabase> {
  const location = describeUrl(url);
  const probe = new pg.Client({ connectionString: url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  try {
    await probe.connect();
  } catch (error) {
    throw new DatabaseOpenError(
      `DATABASE_URL points at ${location}, which cannot be reached: ${(error as Error).message || String(error)}`,
      { cause: error },
    );
  } finally {
    await probe.end().catch(() => undefined);
  }
  // A connection the server drops emits 'error'; without a listener that would crash the process.
  // The pool discards the broken client and opens a new one on the next query, so logging is enough.
  const onLost = (error: Error) => logger.warn({ location, error }, 'database connection lost');
  const prisma = new PrismaClient({
    adapter: new PrismaPg(
      { connectionString: url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS },
      { onPoolError: onLost, onConnectionError: onLost },
    ),
  });
  return {
    kind: 'postgres',
    location,
    prisma,
    async withSession(fn) {
      const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
      client.on('error', onLost); // the query in flight rejects as well; this keeps the process up
      await client.connect();
      try {
        return await fn(pgConnection(client));
      } finally {
        await client.end();
      }
    },
    close: () => prisma.$disconnect(),
  };
}

export function pgConnection(client: pg.Client): SqlConnection {
  return {
    query: async <T>(sql: string, params?: unknown[]) => ({
      rows: (await client.query(sql, params)).rows as T[],
    }),
    exec: (sql) => client.query(sql),
  };
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * PGlite has no locking of its own: two processes on one directory would corrupt it. A pid file
 * keeps a second studio out; a stale one (its process gone) is taken over.
 */
function lockDataDir(dir: string): () => void {
  const lockPath = `${dir}.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath, 'wx');
      writeFileSync(fd, String(process.pid));
      closeSync(fd);
      const release = () => rmSync(lockPath, { force: true });
      process.once('exit', release); // also when the server exits without closing the database
      return release;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(readFileSync(lockPath, 'utf8'));
      if (holder === process.pid) return () => rmSync(lockPath, { force: true });
      if (Number.isInteger(holder) && holder > 0 && isProcessAlive(holder)) {
        throw new DatabaseOpenError(
          `The embedded database in ${dir} is in use by process ${holder}. Stop that studio first, or set LOOM_DATA_DIR to another directory.`,
        );
      }
      rmSync(lockPath, { force: true });
    }
  }
  throw new DatabaseOpenError(`Could not lock the embedded database in ${dir}.`);
}

/** Opens (creating when absent) the embedded PostgreSQL. An existing directory is never re-initialised. */
export async function openEmbedded(dataDir: string): Promise<OpenDatabase> {
  const dir = path.resolve(dataDir, 'pglite');
  if (existsSync(dir)) {
    const entries = readdirSync(dir);
    if (entries.length > 0 && !entries.includes('PG_VERSION')) {
      throw new DatabaseOpenError(
        `${dir} is not an embedded database directory (no PG_VERSION). It was left untouched; move it aside or set LOOM_DATA_DIR.`,
      );
    }
  } else {
    mkdirSync(dir, { recursive: true });
  }
  const unlock = lockDataDir(dir);
  let db: PGlite;
  try {
    db = await PGlite.create(dir);
  } catch (error) {
    unlock();
    throw new DatabaseOpenError(
      `The embedded database in ${dir} could not be opened (${(error as Error).message || String(error)}). It was left untouched; restore it from a backup, move it aside, or set DATABASE_URL.`,
      { cause: error },
    );
  }
  return fromPGlite(db, dir, unlock);
}

/** Wraps an open PGlite (a directory, or in memory for tests). */
export function fromPGlite(
  db: PGlite,
  location: string,
  onClose: () => void = () => undefined,
): OpenDatabase {
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(db) });
  return {
    kind: 'embedded',
    location,
    prisma,
    withSession: (fn) => fn({ query: (sql, params) => db.query(sql, params), exec: (sql) => db.exec(sql) }),
    async executeSql(text, values) {
      // PGlite's query() takes one statement (extended protocol); exec() takes a script but no values.
      if (values && values.length > 0) return db.query(text, values);
      const results = await db.exec(text);
      return results.at(-1) ?? { rows: [] };
    },
    async close() {
      await prisma.$disconnect();
      await db.close();
      onClose();
    },
  };
}
