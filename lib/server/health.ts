import 'server-only';
import type { PrismaClient } from '@/lib/generated/prisma/client';
import { getDatabase, type OpenDatabase } from './db';
import { pendingMigrations, readMigrations, type SqlConnection } from './db/migrator';
import { logger } from './logger';
import { redisHealth } from './redis';

/**
 * ok: serving. degraded: serving, but the database schema is behind this build (features that need
 * the new tables fail; an admin should look), or the configured Redis is unreachable (every request
 * is still answered, from PostgreSQL and per-instance state). error: the database cannot be reached.
 */
export type HealthStatus = 'ok' | 'degraded' | 'error';

export interface Health {
  status: HealthStatus;
  database: { kind?: OpenDatabase['kind']; reachable: boolean; latencyMs?: number; error?: string };
  migrations: { current: boolean; pending: string[] };
  /** Present when REDIS_URL is set. */
  redis?: { reachable: boolean };
}

/** What anyone may read: the status only, never hosts, paths or driver messages. */
export type PublicHealth = Pick<Health, 'status'>;

/** Probes run every few seconds; the migrations on disk change only with a deploy. */
const MIGRATIONS_CACHE_MS = 30_000;
/** A probe that waits longer than this reports the database unreachable instead of hanging. */
const PROBE_TIMEOUT_MS = 3_000;

let migrationsCache: { at: number; pending: Promise<string[]> } | undefined;

/** The database round trip through the app's own pool, and the migration check cached briefly. */
export async function getHealth(): Promise<Health> {
  const redis = redisHealth();
  try {
    const db = await withTimeout(getDatabase());
    const started = performance.now();
    await withTimeout(db.prisma.$queryRaw`SELECT 1`);
    const latencyMs = Math.round((performance.now() - started) * 10) / 10;
    const pending = await withTimeout(cachedPendingMigrations(db.prisma));
    return {
      status: pending.length > 0 || redis?.reachable === false ? 'degraded' : 'ok',
      database: { kind: db.kind, reachable: true, latencyMs },
      migrations: { current: pending.length === 0, pending },
      ...(redis ? { redis } : {}),
    };
  } catch (error) {
    logger.error({ error }, 'health check: the database cannot be reached');
    return {
      status: 'error',
      database: { reachable: false, error: (error as Error).message || String(error) },
      migrations: { current: false, pending: [] },
      ...(redis ? { redis } : {}),
    };
  }
}

export function publicHealth(health: Health): PublicHealth {
  return { status: health.status };
}

function cachedPendingMigrations(prisma: PrismaClient): Promise<string[]> {
  const now = Date.now();
  if (!migrationsCache || now - migrationsCache.at > MIGRATIONS_CACHE_MS) {
    const pending = readMigrations().then((migrations) =>
      pendingMigrations(poolConnection(prisma), migrations),
    );
    migrationsCache = { at: now, pending };
    // A failed check is not remembered: the next probe tries again.
    pending.catch(() => {
      if (migrationsCache?.pending === pending) migrationsCache = undefined;
    });
  }
  return migrationsCache.pending;
}

/** The migrator's reads through Prisma's pool, so a probe never opens a connection of its own. */
function poolConnection(prisma: PrismaClient): SqlConnection {
  return {
    query: async <T>(sql: string, params: unknown[] = []) => ({
      rows: await prisma.$queryRawUnsafe<T[]>(sql, ...params),
    }),
    exec: (sql) => prisma.$executeRawUnsafe(sql),
  };
}

function withTimeout<T>(promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`the database did not answer within ${PROBE_TIMEOUT_MS / 1000} s`)),
      PROBE_TIMEOUT_MS,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
