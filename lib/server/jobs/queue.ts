import 'server-only';
import { randomUUID } from 'node:crypto';
import PgBoss from 'pg-boss';
import type { ExecuteSql, OpenDatabase } from '../db/open';
import { logger } from '../logger';
import { JOB_NAMES, QUEUE_SETTINGS, type QueueSettings } from './settings';
import type { JobHandler, JobName, JobPayloads } from './types';

/** The PostgreSQL schema pg-boss keeps its tables in, beside the app's own. */
export const JOB_SCHEMA = 'pgboss';
/** How often an idle worker asks for jobs: one sent by another process starts within this (pg-boss's floor is 500 ms). */
export const POLL_INTERVAL_MS = 500;
/**
 * Longest `stop()` waits for running handlers before putting their jobs back: leaves room, within
 * the 10 s shutdown budget (lib/server/shutdown.ts), for the queue and the database to close.
 */
export const STOP_TIMEOUT_MS = 7_000;
/** Connections of pg-boss's own pool on a PostgreSQL server: polling and bookkeeping only (handlers use Prisma). */
const POOL_MAX = 3;
/** How often pg-boss's maintenance fails jobs whose lease lapsed (their worker died) and archives old ones. */
const MAINTENANCE_INTERVAL_SECONDS = 60;
const CONNECT_TIMEOUT_MS = 5_000;

/** Where the queue lives: the embedded database's one session, or a PostgreSQL server (pg-boss's own pool). */
export type JobConnection = { kind: 'embedded'; executeSql: ExecuteSql } | { kind: 'postgres'; url: string };

/** The queue's connection for a database the app opened; `url` is its DATABASE_URL (PostgreSQL only). */
export function jobConnection(
  db: Pick<OpenDatabase, 'kind' | 'location' | 'executeSql'>,
  url?: string,
): JobConnection {
  if (db.kind === 'embedded' && db.executeSql) return { kind: 'embedded', executeSql: db.executeSql };
  if (db.kind === 'postgres' && url) return { kind: 'postgres', url };
  throw new Error(`The job queue has no way to reach the database at ${db.location}.`);
}

export interface SendOptions {
  /** At most one queued job per key (queues with the `short` policy; see settings.ts): a duplicate send returns null. */
  singletonKey?: string;
  startAfterSeconds?: number;
  /** Overrides the queue's retry limit for this job. */
  retryLimit?: number;
}

export type JobHandlers = { [N in JobName]?: JobHandler<N> };

/** Work a worker repeats: at start, then `everyMs` after each run ends. Runs in EVERY worker process. */
export interface PeriodicTask {
  name: string;
  everyMs: number;
  run: (signal: AbortSignal) => Promise<void>;
}

export interface WorkerOptions {
  handlers: JobHandlers;
  /** Jobs of each queue this worker runs at the same time (default 1). */
  concurrency?: number;
  periodic?: PeriodicTask[];
  pollIntervalMs?: number;
}

export interface JobWorker {
  /**
   * Aborts the handlers' signals and stops taking jobs; waits up to `timeoutMs` (STOP_TIMEOUT_MS)
   * for handlers and periodic tasks to return. A job whose handler ends after the abort, or has not
   * ended by then, is put back at once without using up a retry, so the next worker resumes it.
   */
  stop(options?: { timeoutMs?: number }): Promise<void>;
}

export interface JobQueue {
  /** Queues a job; null when a queued job with the same singletonKey already exists. */
  send<N extends JobName>(name: N, data: JobPayloads[N], options?: SendOptions): Promise<string | null>;
  startWorker(options: WorkerOptions): JobWorker;
  /** Stops pg-boss (and its pool on PostgreSQL). Stop the workers first. */
  close(): Promise<void>;
}

export interface JobQueueOptions {
  /** Overrides of settings.ts, per queue (tests). */
  settings?: { [N in JobName]?: Partial<QueueSettings> };
  maintenanceIntervalSeconds?: number;
}

type Db = { executeSql: (text: string, values?: unknown[]) => Promise<{ rows: unknown[] } | undefined> };

/**
 * Puts active jobs back to be fetched again at once, without using up a retry (pg-boss counts a
 * retry when it fetches a job that has a start time). Used for jobs interrupted by a shutdown.
 */
const RELEASE_SQL = `UPDATE ${JOB_SCHEMA}.job SET state = 'retry', started_on = NULL, start_after = now()
  WHERE name = $1 AND id = ANY($2::uuid[]) AND state = 'active'`;
/** Renews the lease of running jobs: pg-boss expires a job `expire_in` after `started_on`. */
const RENEW_SQL = `UPDATE ${JOB_SCHEMA}.job SET started_on = now()
  WHERE name = $1 AND id = ANY($2::uuid[]) AND state = 'active'`;
const ACTIVE_SQL = `SELECT name, id FROM ${JOB_SCHEMA}.job WHERE state = 'active' AND name = ANY($1::text[])`;

class Waker {
  #resolve: (() => void) | undefined;
  #pending = false;

  /** Resolves after `ms`, or earlier on wake(); a wake() while not waiting ends the next wait at once. */
  wait(ms: number): Promise<void> {
    if (this.#pending) {
      this.#pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#resolve = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#resolve = done;
    });
  }

  wake(): void {
    if (this.#resolve) this.#resolve();
    else this.#pending = true;
  }
}

/** Resolves after `ms`, or at once when the signal aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}

function errorOutput(error: unknown): { name: string; message: string } {
  return error instanceof Error
    ? { name: error.name, message: error.message }
    : { name: 'Error', message: String(error) };
}

/** Starts pg-boss on the connection, installs or migrates its schema and creates every queue. */
export async function createJobQueue(
  connection: JobConnection,
  options: JobQueueOptions = {},
): Promise<JobQueue> {
  const common = {
    schema: JOB_SCHEMA,
    schedule: false, // no cron: periodic work runs in the workers (startWorker's `periodic`)
    maintenanceIntervalSeconds: options.maintenanceIntervalSeconds ?? MAINTENANCE_INTERVAL_SECONDS,
  };
  const boss =
    connection.kind === 'embedded'
      ? new PgBoss({ ...common, db: { executeSql: connection.executeSql } })
      : new PgBoss({
          ...common,
          connectionString: connection.url,
          max: POOL_MAX,
          application_name: 'loom-jobs',
          connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
        } as PgBoss.ConstructorOptions);
  // Without a listener an 'error' event would crash the process; pg-boss carries on after one.
  boss.on('error', (error) => logger.error({ error }, 'job queue error'));
  await boss.start();
  const db = boss.getDb() as Db;

  const settings = Object.fromEntries(
    JOB_NAMES.map((name) => [name, { ...QUEUE_SETTINGS[name], ...options.settings?.[name] }]),
  ) as Record<JobName, QueueSettings>;
  for (const name of JOB_NAMES) {
    const s = settings[name];
    const queueOptions = {
      name,
      policy: s.policy,
      retryLimit: s.retryLimit,
      retryDelay: s.retryDelaySeconds,
      retryBackoff: s.retryBackoff,
      expireInSeconds: s.leaseSeconds,
    };
    await boss.createQueue(name, queueOptions); // no-op when it exists...
    await boss.updateQueue(name, queueOptions); // ...so its settings follow this code's
  }

  // The embedded database is opened by one process only (its lock file), so a job still active
  // now was taken by a process that died: fail it (a retry, when one is left) instead of waiting
  // for its lease to lapse.
  if (connection.kind === 'embedded') {
    const result = await db.executeSql(ACTIVE_SQL, [JOB_NAMES]);
    const orphans = (result?.rows ?? []) as Array<{ name: JobName; id: string }>;
    for (const { name, id } of orphans) {
      logger.warn({ queue: name, jobId: id }, 'job was running when the studio stopped; retrying it');
      await boss.fail(name, id, { name: 'WorkerDied', message: 'the studio stopped while the job ran' });
    }
  }

  const wakers = new Map<JobName, Set<Waker>>();

  return {
    async send(name, data, sendOptions = {}) {
      const id = await boss.send(name, data as object, {
        // The `short` policy keeps one queued job per key, and a job without one counts as key '':
        // a job sent without a key gets a key of its own so that it is never taken for a duplicate.
        singletonKey: sendOptions.singletonKey ?? randomUUID(),
        ...(sendOptions.startAfterSeconds !== undefined && { startAfter: sendOptions.startAfterSeconds }),
        ...(sendOptions.retryLimit !== undefined && { retryLimit: sendOptions.retryLimit }),
      });
      // A worker of this process takes it now rather than at its next poll.
      if (id && !sendOptions.startAfterSeconds) for (const waker of wakers.get(name) ?? []) waker.wake();
      return id;
    },
    startWorker: (workerOptions) => startWorker(boss, db, settings, wakers, workerOptions),
    async close() {
      await boss.stop({ graceful: false, close: true });
    },
  };
}

interface Running {
  name: JobName;
  done: Promise<void>;
  /** Put back by stop() after its timeout: whatever the handler does later is not recorded. */
  released: boolean;
}

function startWorker(
  boss: PgBoss,
  db: Db,
  settings: Record<JobName, QueueSettings>,
  wakers: Map<JobName, Set<Waker>>,
  { handlers, concurrency = 1, periodic = [], pollIntervalMs = POLL_INTERVAL_MS }: WorkerOptions,
): JobWorker {
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new Error('concurrency must be a whole number ≥ 1');
  const controller = new AbortController();
  const { signal } = controller;
  const running = new Map<string, Running>();
  const names = JOB_NAMES.filter((name) => handlers[name]);
  const ownWakers = new Map(names.map((name) => [name, new Waker()]));
  for (const [name, waker] of ownWakers) {
    const set = wakers.get(name) ?? new Set();
    set.add(waker);
    wakers.set(name, set);
  }

  async function release(name: JobName, ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await db.executeSql(RELEASE_SQL, [name, ids]);
  }

  async function record(
    name: JobName,
    job: PgBoss.JobWithMetadata<unknown>,
    outcome: 'completed' | 'failed' | 'interrupted',
    error?: unknown,
  ): Promise<void> {
    if (outcome === 'completed') {
      await boss.complete(name, job.id);
    } else if (outcome === 'interrupted') {
      await release(name, [job.id]);
      logger.info({ queue: name, jobId: job.id }, 'job interrupted by shutdown; queued again');
    } else {
      const final = job.retryCount >= job.retryLimit;
      (final ? logger.error : logger.warn)(
        { queue: name, jobId: job.id, attempt: job.retryCount + 1, attempts: job.retryLimit + 1, error },
        final ? 'job failed; no retries left' : 'job failed; it will be retried',
      );
      await boss.fail(name, job.id, errorOutput(error));
    }
  }

  function launch(name: JobName, job: PgBoss.JobWithMetadata<unknown>): void {
    const handler = handlers[name] as JobHandler<JobName>;
    const entry: Running = { name, released: false, done: Promise.resolve() };
    entry.done = (async () => {
      let outcome: 'completed' | 'failed' | 'interrupted';
      let failure: unknown;
      try {
        await handler(job.data as JobPayloads[JobName], { jobId: job.id, signal });
        outcome = signal.aborted ? 'interrupted' : 'completed';
      } catch (error) {
        failure = error;
        outcome = signal.aborted ? 'interrupted' : 'failed';
      }
      if (entry.released) return;
      try {
        await record(name, job, outcome, failure);
      } catch (error) {
        logger.error({ queue: name, jobId: job.id, outcome, error }, 'could not record the outcome of a job');
      }
    })().finally(() => {
      running.delete(job.id);
      ownWakers.get(name)?.wake(); // a slot is free
    });
    running.set(job.id, entry);
  }

  async function poll(name: JobName): Promise<void> {
    const waker = ownWakers.get(name)!;
    while (!signal.aborted) {
      const free = concurrency - [...running.values()].filter((r) => r.name === name).length;
      if (free > 0) {
        try {
          const jobs = await boss.fetch<unknown>(name, { batchSize: free, includeMetadata: true });
          if (signal.aborted)
            await release(
              name,
              jobs.map((job) => job.id),
            );
          else for (const job of jobs) launch(name, job);
        } catch (error) {
          logger.error({ queue: name, error }, 'could not fetch jobs');
        }
      }
      if (!signal.aborted) await waker.wait(pollIntervalMs);
    }
  }

  // Lease: while a handler runs its job stays ours; a dead worker's lapses after leaseSeconds.
  const renewEveryMs = Math.min(60_000, ...names.map((name) => (settings[name].leaseSeconds * 1000) / 3));
  const renewal = setInterval(() => {
    for (const name of names) {
      const ids = [...running].filter(([, r]) => r.name === name && !r.released).map(([id]) => id);
      if (ids.length === 0) continue;
      db.executeSql(RENEW_SQL, [name, ids]).catch((error: unknown) =>
        logger.warn({ queue: name, error }, 'could not renew the lease of running jobs'),
      );
    }
  }, renewEveryMs);

  async function repeat(task: PeriodicTask): Promise<void> {
    while (!signal.aborted) {
      try {
        await task.run(signal);
      } catch (error) {
        if (!signal.aborted) logger.error({ task: task.name, error }, 'periodic task failed');
      }
      if (!signal.aborted) await sleep(task.everyMs, signal);
    }
  }

  const loops = names.map((name) => poll(name));
  const tasks = periodic.map((task) => repeat(task));

  let stopping: Promise<void> | undefined;
  return {
    stop({ timeoutMs = STOP_TIMEOUT_MS } = {}) {
      stopping ??= (async () => {
        controller.abort(new Error('the job worker is stopping'));
        for (const waker of ownWakers.values()) waker.wake();
        for (const [name, waker] of ownWakers) wakers.get(name)?.delete(waker);
        await Promise.all(loops); // no job is fetched after this
        let timer: ReturnType<typeof setTimeout> | undefined;
        const timedOut = await Promise.race([
          Promise.all([...[...running.values()].map((r) => r.done), ...tasks]).then(() => false),
          new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), timeoutMs))),
        ]);
        clearTimeout(timer);
        clearInterval(renewal);
        if (timedOut) {
          for (const name of names) {
            const late = [...running].filter(([, r]) => r.name === name && !r.released);
            for (const [, r] of late) r.released = true;
            if (late.length === 0) continue;
            logger.warn(
              { queue: name, jobIds: late.map(([id]) => id), timeoutMs },
              'job handlers did not stop in time; their jobs are queued again',
            );
            await release(
              name,
              late.map(([id]) => id),
            ).catch((error: unknown) => logger.error({ queue: name, error }, 'could not queue jobs again'));
          }
        }
      })();
      return stopping;
    },
  };
}
