// A worker process for the studio's background jobs (evaluation runs), beside one or more studios
// on the same PostgreSQL server: `npm run worker`. Needs DATABASE_URL: the embedded database
// belongs to the studio process (one process only), whose in-process worker runs its jobs.
// Ctrl-C or SIGTERM stops it cleanly: running jobs are interrupted and queued again for the next
// worker, without using up a retry.
import { getDatabase } from '@/lib/server/db';
import { getEnv } from '@/lib/server/env';
import { startStudioWorker } from '@/lib/server/jobs/studio-worker';
import { onShutdown, shutdown } from '@/lib/server/shutdown';

try {
  if (!getEnv().DATABASE_URL) {
    console.error(
      '✖ npm run worker needs DATABASE_URL (a PostgreSQL server). The embedded database can be opened by one process only: `npm start` runs its jobs in its own worker.',
    );
    process.exit(2);
  }
  const db = await getDatabase();
  onShutdown('database', () => db.close());
  await startStudioWorker();
  // Listening before saying ready: a signal that arrives with no listener kills the process outright.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      console.log(`[loom] ${signal}: stopping the job worker`);
      void shutdown().finally(() => process.exit(0));
    });
  }
  console.log(`[loom] job worker ready (PostgreSQL at ${db.location}); Ctrl-C stops it`);
} catch (error) {
  console.error(`✖ ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
