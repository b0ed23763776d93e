import 'server-only';
import { onShutdown } from '../shutdown';
import { jobHandlers, periodicTasks } from './handlers';
import { getJobQueue } from './index';
import type { JobWorker } from './queue';

/**
 * Jobs of each queue one studio worker runs at once. An evaluation run has its own case
 * concurrency (several provider calls in flight), so a few runs at once keep a 2-core machine busy.
 */
export const STUDIO_WORKER_CONCURRENCY = 4;

/**
 * Starts this process's worker on the studio's job queue and stops it (first, before the queue
 * and the database close) on shutdown. Called by lib/server/boot.ts (in-process worker, unless
 * LOOM_WORKER=off) and scripts/worker.ts (`npm run worker`), with the handlers of ./handlers.ts.
 */
export async function startStudioWorker(): Promise<JobWorker> {
  const queue = await getJobQueue();
  const worker = queue.startWorker({
    handlers: jobHandlers,
    periodic: periodicTasks,
    concurrency: STUDIO_WORKER_CONCURRENCY,
  });
  onShutdown('job worker', () => worker.stop());
  return worker;
}
