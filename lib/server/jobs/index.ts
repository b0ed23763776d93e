import 'server-only';
import { getDatabase } from '../db';
import { getEnv } from '../env';
import { onShutdown } from '../shutdown';
import { createJobQueue, jobConnection, type JobQueue } from './queue';

export {
  createJobQueue,
  jobConnection,
  JOB_SCHEMA,
  POLL_INTERVAL_MS,
  STOP_TIMEOUT_MS,
  type JobConnection,
  type JobHandlers,
  type JobQueueOptions,
  type JobQueue,
  type JobWorker,
  type PeriodicTask,
  type SendOptions,
  type WorkerOptions,
} from './queue';
export type { JobContext, JobHandler, JobName, JobPayloads } from './types';

const globalForJobs = globalThis as unknown as { __loomJobQueue?: Promise<JobQueue> };

async function openQueue(): Promise<JobQueue> {
  const db = await getDatabase();
  const queue = await createJobQueue(jobConnection(db, getEnv().DATABASE_URL));
  // Registered after the database's hook, so it runs before the database closes.
  onShutdown('job queue', () => queue.close());
  return queue;
}

/**
 * The process-wide job queue, on the app's database (the embedded one's single session, or
 * pg-boss's own small pool on DATABASE_URL). Kept on globalThis like the database: Next loads
 * server modules in more than one module graph.
 */
export function getJobQueue(): Promise<JobQueue> {
  globalForJobs.__loomJobQueue ??= openQueue().catch((error: unknown) => {
    globalForJobs.__loomJobQueue = undefined;
    throw error;
  });
  return globalForJobs.__loomJobQueue;
}

/**
 * The queue when this process has already opened it, else undefined: for cheap, optional sends
 * (a delivery nudge) that must not open a connection of their own.
 */
export function peekJobQueue(): Promise<JobQueue> | undefined {
  return globalForJobs.__loomJobQueue;
}
