import 'server-only';
import { getDatabase } from './db';
import { pendingMigrations, readMigrations } from './db/migrator';

export interface Health {
  status: 'ok' | 'error';
  database: { kind?: string; reachable: boolean; latencyMs?: number; error?: string };
  migrations: { current: boolean; pending: string[] };
}

export async function getHealth(): Promise<Health> {
  try {
    const db = await getDatabase();
    const started = performance.now();
    const pending = await db.withSession(async (conn) => {
      await conn.query('SELECT 1');
      return pendingMigrations(conn, await readMigrations());
    });
    return {
      status: pending.length === 0 ? 'ok' : 'error',
      database: {
        kind: db.kind,
        reachable: true,
        latencyMs: Math.round((performance.now() - started) * 10) / 10,
      },
      migrations: { current: pending.length === 0, pending },
    };
  } catch (error) {
    return {
      status: 'error',
      database: { reachable: false, error: (error as Error).message },
      migrations: { current: false, pending: [] },
    };
  }
}
