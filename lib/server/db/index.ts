import 'server-only';
import { getEnv } from '../env';
import { migrate, readMigrations } from './migrator';
import { openEmbedded, openPostgres, type OpenDatabase } from './open';
import { ensureDemoApiKey } from './demo';
import { DEMO_WORKSPACE, ensureSeed } from './seed';

export type { OpenDatabase } from './open';

const globalForDb = globalThis as unknown as { __loomDatabase?: Promise<OpenDatabase> };

async function openAndPrepare(): Promise<OpenDatabase> {
  const env = getEnv();
  const db = env.DATABASE_URL ? await openPostgres(env.DATABASE_URL) : await openEmbedded(env.LOOM_DATA_DIR);
  try {
    const migrations = await readMigrations();
    await db.withSession((conn) => migrate(conn, migrations));
    await ensureSeed(db.prisma, env);
    await ensureDemoApiKey(db.prisma, env, DEMO_WORKSPACE.slug);
    return db;
  } catch (error) {
    await db.close();
    throw error;
  }
}

/**
 * The process-wide database, migrated and seeded. Kept on globalThis because Next loads server
 * modules in more than one module graph, and the embedded database may be opened only once.
 */
export function getDatabase(): Promise<OpenDatabase> {
  globalForDb.__loomDatabase ??= openAndPrepare().catch((error: unknown) => {
    globalForDb.__loomDatabase = undefined;
    throw error;
  });
  return globalForDb.__loomDatabase;
}

export async function getPrisma() {
  return (await getDatabase()).prisma;
}
