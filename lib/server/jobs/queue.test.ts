import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestDatabase, type TestDatabase, type TestDatabaseKind } from '@/test/db';
import {
  createJobQueue,
  JOB_SCHEMA,
  jobConnection,
  type JobQueue,
  type JobQueueOptions,
  type JobWorker,
} from './queue';
import type { JobContext, JobPayloads } from './types';

type Payload = JobPayloads['eval-run'];

interface JobRow {
  state: string;
  retry_count: number;
  started_on: Date | null;
  output: { message?: string } | null;
}

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe.each<TestDatabaseKind>(['postgres', 'pglite'])('job queue on %s', (kind) => {
  let db: TestDatabase;
  const opened: JobQueue[] = [];
  const workers: JobWorker[] = [];

  beforeAll(async () => {
    db = await createTestDatabase({ kind });
  });
  afterEach(async () => {
    for (const worker of workers.splice(0)) await worker.stop({ timeoutMs: 200 });
    for (const queue of opened.splice(0)) await queue.close();
    await db.prisma.$executeRawUnsafe(`DELETE FROM ${JOB_SCHEMA}.job`);
  });
  afterAll(() => db.close());

  /** A queue as another process would open it (on PostgreSQL: its own pool). */
  async function openQueue(options?: JobQueueOptions): Promise<JobQueue> {
    const queue = await createJobQueue(jobConnection(db, db.url), options);
    opened.push(queue);
    return queue;
  }

  function work(
    queue: JobQueue,
    handler: (data: Payload, context: JobContext) => Promise<void>,
    concurrency = 1,
  ) {
    const worker = queue.startWorker({ handlers: { 'eval-run': handler }, concurrency });
    workers.push(worker);
    return worker;
  }

  async function job(id: string): Promise<JobRow | undefined> {
    const rows = await db.prisma.$queryRawUnsafe<JobRow[]>(
      `SELECT state::text AS state, retry_count, started_on, output FROM ${JOB_SCHEMA}.job WHERE id = $1::uuid`,
      id,
    );
    return rows[0];
  }

  const payload = (runId: string): Payload => ({ workspaceId: 'ws-1', runId });

  it('handles a job sent from another process once, with its payload, within about a second', async () => {
    const sender = await openQueue();
    const calls: Array<{ data: Payload; jobId: string; at: number }> = [];
    work(await openQueue(), async (data, { jobId }) => {
      calls.push({ data, jobId, at: Date.now() });
    });
    const sentAt = Date.now();
    const id = await sender.send('eval-run', payload('run-a'));
    expect(id).toEqual(expect.any(String));
    await vi.waitFor(async () => expect((await job(id!))?.state).toBe('completed'), { timeout: 3_000 });
    expect(calls).toEqual([{ data: payload('run-a'), jobId: id, at: expect.any(Number) }]);
    expect(calls[0]!.at - sentAt).toBeLessThan(1_200);
    await new Promise((r) => setTimeout(r, 700)); // a few more polls
    expect(calls).toHaveLength(1);
  });

  it('runs jobs concurrently up to the concurrency, then the rest as slots free', async () => {
    const queue = await openQueue();
    const gate = deferred();
    let running = 0;
    let peak = 0;
    let done = 0;
    work(
      queue,
      async () => {
        running++;
        peak = Math.max(peak, running);
        await gate.promise;
        running--;
        done++;
      },
      3,
    );
    for (let i = 0; i < 5; i++) await queue.send('eval-run', payload(`run-${i}`));
    await vi.waitFor(() => expect(running).toBe(3), { timeout: 3_000 });
    await new Promise((r) => setTimeout(r, 600)); // another poll: still no more than 3
    expect(running).toBe(3);
    gate.resolve();
    await vi.waitFor(() => expect(done).toBe(5), { timeout: 3_000 });
    expect(peak).toBe(3);
  });

  it('retries a throwing handler, then marks the job failed with its error', async () => {
    const queue = await openQueue({
      settings: { 'eval-run': { retryLimit: 1, retryDelaySeconds: 0, retryBackoff: false } },
    });
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const logError = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    let attempts = 0;
    work(queue, async () => {
      attempts++;
      throw new Error(`provider down (attempt ${attempts})`);
    });
    const id = (await queue.send('eval-run', payload('run-f')))!;
    await vi.waitFor(async () => expect((await job(id))?.state).toBe('failed'), { timeout: 5_000 });
    expect(attempts).toBe(2);
    expect((await job(id))?.output?.message).toBe('provider down (attempt 2)');
    const lines = [...log.mock.calls, ...logError.mock.calls].map((c) => JSON.parse(String(c[0])));
    expect(lines).toContainEqual(
      expect.objectContaining({ level: 'warn', message: 'job failed; it will be retried', jobId: id }),
    );
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: 'error',
        message: 'job failed; no retries left',
        jobId: id,
        attempt: 2,
      }),
    );
    log.mockRestore();
    logError.mockRestore();
  });

  it('stop() aborts the handlers, waits for them, and queues their jobs again without using a retry', async () => {
    const queue = await openQueue();
    const started = deferred();
    let sawAbort = false;
    let returned = false;
    const worker = work(queue, async (_data, { signal }) => {
      started.resolve();
      await new Promise((r) => signal.addEventListener('abort', r, { once: true }));
      sawAbort = signal.aborted;
      await new Promise((r) => setTimeout(r, 200)); // leaves resumable state
      returned = true;
    });
    const id = (await queue.send('eval-run', payload('run-s')))!;
    await started.promise;
    await worker.stop();
    expect(sawAbort).toBe(true);
    expect(returned).toBe(true);
    expect(await job(id)).toMatchObject({ state: 'retry', retry_count: 0, started_on: null });

    const resumed: string[] = [];
    work(queue, async (data) => {
      resumed.push(data.runId);
    });
    await vi.waitFor(async () => expect((await job(id))?.state).toBe('completed'), { timeout: 3_000 });
    expect(resumed).toEqual(['run-s']);
    expect((await job(id))?.retry_count).toBe(0);
  });

  it('stop() gives up on a handler that ignores the signal after its timeout, and queues its job again', async () => {
    const queue = await openQueue();
    const started = deferred();
    const never = deferred();
    const worker = work(queue, async () => {
      started.resolve();
      await never.promise;
    });
    const id = (await queue.send('eval-run', payload('run-stuck')))!;
    await started.promise;
    const warn = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const before = Date.now();
    await worker.stop({ timeoutMs: 300 });
    expect(Date.now() - before).toBeLessThan(2_000);
    warn.mockRestore();
    expect((await job(id))?.state).toBe('retry');
    never.resolve(); // its late end is not recorded
    await new Promise((r) => setTimeout(r, 100));
    expect((await job(id))?.state).toBe('retry');
  });

  it('runs again, in bounded time, a job that was active when its worker died', async () => {
    // Short lease and maintenance (production: 10 min and 60 s; the embedded database retries it at start).
    const options: JobQueueOptions = {
      settings: { 'eval-run': { leaseSeconds: 1, retryDelaySeconds: 0, retryBackoff: false } },
      maintenanceIntervalSeconds: 1,
    };
    const first = await openQueue(options);
    const id = (await first.send('eval-run', payload('run-d')))!;
    // What a killed worker leaves behind: the job active, nobody running it.
    await db.prisma.$executeRawUnsafe(
      `UPDATE ${JOB_SCHEMA}.job SET state = 'active', started_on = now() WHERE id = $1::uuid`,
      id,
    );
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const next = await openQueue(options);
    const runs: string[] = [];
    work(next, async (data) => {
      runs.push(data.runId);
    });
    await vi.waitFor(async () => expect((await job(id))?.state).toBe('completed'), {
      timeout: 6_000,
      interval: 100,
    });
    log.mockRestore();
    expect(runs).toEqual(['run-d']);
  });

  it('renews the lease of a running job, so a long job is not taken for a dead one', async () => {
    const queue = await openQueue({
      settings: { 'eval-run': { leaseSeconds: 1, retryDelaySeconds: 0, retryBackoff: false } },
      maintenanceIntervalSeconds: 1,
    });
    let calls = 0;
    work(
      queue,
      async () => {
        calls++;
        await new Promise((r) => setTimeout(r, 2_300)); // over twice the lease
      },
      2,
    );
    const id = (await queue.send('eval-run', payload('run-long')))!;
    await vi.waitFor(async () => expect((await job(id))?.state).toBe('completed'), { timeout: 6_000 });
    expect(calls).toBe(1);
  });

  it('keeps one queued job per singletonKey; a run already running can be queued again', async () => {
    const queue = await openQueue();
    const first = await queue.send('eval-run', payload('run-k'), { singletonKey: 'run-k' });
    const second = await queue.send('eval-run', payload('run-k'), { singletonKey: 'run-k' });
    expect(first).toEqual(expect.any(String));
    expect(second).toBeNull();
    const other = await queue.send('eval-run', payload('run-l'), { singletonKey: 'run-l' });
    expect(other).toEqual(expect.any(String));

    const gate = deferred();
    const seen: string[] = [];
    work(queue, async (data, { jobId }) => {
      seen.push(`${data.runId}:${jobId}`);
      await gate.promise;
    });
    await vi.waitFor(async () => expect((await job(first!))?.state).toBe('active'), { timeout: 3_000 });
    // The active one no longer blocks its key (a stale run is recovered this way).
    const again = await queue.send('eval-run', payload('run-k'), { singletonKey: 'run-k' });
    expect(again).toEqual(expect.any(String));
    expect(again).not.toBe(first);
    gate.resolve();
    await vi.waitFor(() => expect(seen).toHaveLength(3), { timeout: 4_000 });
  });

  it('delays a job by startAfterSeconds and sets its own retry limit', async () => {
    const queue = await openQueue();
    const id = (await queue.send('eval-run', payload('run-later'), {
      startAfterSeconds: 30,
      retryLimit: 0,
    }))!;
    const rows = await db.prisma.$queryRawUnsafe<Array<{ delay: number; retry_limit: number }>>(
      `SELECT extract(epoch FROM start_after - created_on)::float AS delay, retry_limit FROM ${JOB_SCHEMA}.job WHERE id = $1::uuid`,
      id,
    );
    expect(rows[0]?.retry_limit).toBe(0);
    expect(rows[0]?.delay).toBeGreaterThan(29);
  });

  it('runs periodic tasks at start and again after each interval, and stops them', async () => {
    const queue = await openQueue();
    let runs = 0;
    let aborted = false;
    const worker = queue.startWorker({
      handlers: {},
      periodic: [
        {
          name: 'tick',
          everyMs: 100,
          run: async (signal) => {
            runs++;
            signal.addEventListener('abort', () => (aborted = true));
          },
        },
      ],
    });
    await vi.waitFor(() => expect(runs).toBeGreaterThanOrEqual(3), { timeout: 2_000 });
    await worker.stop();
    const after = runs;
    await new Promise((r) => setTimeout(r, 250));
    expect(runs).toBe(after);
    expect(aborted).toBe(true);
  });
});
