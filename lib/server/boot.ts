import 'server-only';
import { stampClientAddresses } from './auth/client-address';
import { getDatabase } from './db';
import { getEnv } from './env';
import { getJobQueue } from './jobs';
import { startStudioWorker } from './jobs/studio-worker';
import { installScaleOut } from './scale';
import { installShutdown, onShutdown } from './shutdown';

// A broken database stops the start with one clear line instead of failing the first request.
try {
  const env = getEnv();
  stampClientAddresses(env.LOOM_TRUSTED_PROXY_HOPS); // before the first request reaches Next
  const db = await getDatabase();
  console.log(
    `[loom] database ready (${db.kind === 'embedded' ? 'embedded PostgreSQL' : 'PostgreSQL'} at ${db.location})`,
  );
  // Close the database cleanly (and release the embedded one's lock) when the server is stopped,
  // after the hooks registered later (the job worker and queue, the analytics backlog) have run.
  onShutdown('database', () => db.close());
  // Before the first request: caches, key checks and rate limits shared through Redis when it is set.
  if (installScaleOut())
    console.log('[loom] sharing caches and rate limits with other instances through Redis');
  // The job queue (pg-boss, schema "pgboss") installs or migrates itself now, so a problem shows here.
  await getJobQueue();
  if (env.LOOM_WORKER === 'in-process') {
    await startStudioWorker();
    console.log('[loom] job worker running in this process');
  } else {
    console.log('[loom] job worker off (LOOM_WORKER=off): run `npm run worker` to execute background jobs');
  }
  installShutdown();
} catch (error) {
  console.error(`[loom] ${(error as Error).message}`);
  process.exit(1);
}
