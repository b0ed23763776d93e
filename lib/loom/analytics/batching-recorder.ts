import { z } from 'zod';
import { isLoomError, LoomError } from '../core';
import { parseAnalyticsRecord, type AnalyticsRecord } from './record';
import type { AnalyticsStore } from './store';

export const batchingOptionsSchema = z.object({
  /** Flush as soon as this many records wait. */
  maxBatch: z.number().int().positive().default(100),
  /** Flush records at most this long after the first one arrived. */
  flushMs: z.number().int().positive().default(1000),
  /**
   * Records kept while the store is slow or down (queued, waiting for a retry or being written), so a
   * long outage cannot exhaust memory; beyond this new records are dropped and reported.
   */
  maxPending: z.number().int().positive().default(10_000),
  /** Tries per batch before it is dropped and reported; only errors a retry may fix are retried. */
  maxAttempts: z.number().int().positive().default(6),
  /** Wait before the first retry; it doubles per failed attempt up to maxRetryDelayMs. */
  retryDelayMs: z.number().int().positive().default(500),
  maxRetryDelayMs: z.number().int().positive().default(30_000),
});
export type BatchingOptionsInput = z.input<typeof batchingOptionsSchema>;

export interface BatchingRecorderOptions extends BatchingOptionsInput {
  /**
   * Dropped records land here instead of being lost silently: a batch given up on (with its
   * records), the first record refused by a full backlog, and then one summary of how many more were
   * refused (`details.dropped`, no records) once the backlog drains or the recorder closes.
   */
  onError?: (error: unknown, records: AnalyticsRecord[]) => void;
}

export interface BatchingRecorder {
  /** Validates and queues a record without waiting for the store; INVALID_INPUT for a bad record. */
  record(record: AnalyticsRecord): void;
  /** Writes everything queued so far and waits for every write in flight; failed batches stay queued for their retry. */
  flush(): Promise<void>;
  /**
   * Refuses further records (CONFLICT), writes everything still held (one last try for batches
   * waiting on a retry, without the backoff) and reports what could not be written. Call on shutdown.
   */
  close(): Promise<void>;
  /** Records queued, waiting for a retry, or being written. */
  readonly pending: number;
}

interface QueuedBatch {
  records: AnalyticsRecord[];
  /** Failed tries so far. */
  attempts: number;
}

/** A store error that a later try may not fix (a record the store rejects) is not retried. */
function isRetryable(error: unknown): boolean {
  return isLoomError(error) ? error.isRetryable : true;
}

/**
 * Buffers single records (e.g. the executor's onRecord hook) and writes them to the store in batches.
 * A failed batch is retried with exponential backoff; while it waits, later batches queue behind it
 * (in order, one write at a time) instead of hammering a store that is down.
 */
export function createBatchingRecorder(
  store: AnalyticsStore,
  options: BatchingRecorderOptions = {},
): BatchingRecorder {
  const parsed = batchingOptionsSchema.safeParse(options);
  if (!parsed.success) {
    throw new LoomError('INVALID_INPUT', 'Invalid batching options', {
      issues: parsed.error.issues.map((issue) => ({
        path: issue.path.map(String).join('.'),
        message: issue.message,
      })),
    });
  }
  const { maxBatch, flushMs, maxPending, maxAttempts, retryDelayMs, maxRetryDelayMs } = parsed.data;
  const onError = (error: unknown, records: AnalyticsRecord[]): void => {
    try {
      options.onError?.(error, records);
    } catch {
      // A throwing reporter must not turn into an unhandled rejection inside a background write.
    }
  };
  let buffer: AnalyticsRecord[] = [];
  /** Batches behind a failure, oldest first; the head is the one being retried. */
  const queue: QueuedBatch[] = [];
  let queued = 0;
  let writing = 0;
  let flushTimer: ReturnType<typeof setTimeout> | undefined;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let draining: Promise<void> | undefined;
  let closed = false;
  /** Records refused by a full backlog since the last report. */
  let refused = 0;
  const inFlight = new Set<Promise<void>>();

  function track(promise: Promise<void>): void {
    inFlight.add(promise);
    void promise.finally(() => inFlight.delete(promise));
  }

  function enqueue(batch: QueuedBatch, first = false): void {
    if (first) queue.unshift(batch);
    else queue.push(batch);
    queued += batch.records.length;
  }

  function reportRefused(): void {
    if (refused <= 1) {
      refused = 0;
      return; // the first refused record was reported when it was refused
    }
    const count = refused;
    refused = 0;
    onError(
      new LoomError('UNAVAILABLE', `${count} analytics records were dropped while the backlog was full`, {
        dropped: count,
      }),
      [],
    );
  }

  /** Either schedules another try of a failed batch or gives up on it, reporting its records. */
  function failed(batch: QueuedBatch, error: unknown): void {
    batch.attempts += 1;
    if (closed || !isRetryable(error) || batch.attempts >= maxAttempts) {
      const reason = !isRetryable(error)
        ? error
        : new LoomError(
            'UNAVAILABLE',
            `The analytics store failed ${batch.attempts} time(s); ${batch.records.length} records were dropped`,
            { dropped: batch.records.length, attempts: batch.attempts },
            { cause: error },
          );
      onError(reason, batch.records);
      return;
    }
    enqueue(batch, true);
    retryTimer ??= setTimeout(
      () => {
        retryTimer = undefined;
        void drain();
      },
      Math.min(maxRetryDelayMs, retryDelayMs * 2 ** (batch.attempts - 1)),
    );
  }

  /** Writes queued batches one at a time, oldest first, until the queue is empty or one fails. */
  function drain(): Promise<void> {
    draining ??= (async () => {
      while (queue.length > 0) {
        const batch = queue.shift() as QueuedBatch;
        queued -= batch.records.length;
        writing += batch.records.length;
        const error = await store.record(batch.records).then(
          () => undefined,
          (reason: unknown) => reason ?? new Error('The analytics store failed'),
        );
        writing -= batch.records.length;
        if (error !== undefined) {
          failed(batch, error);
          if (queue[0] === batch) break; // waiting for its retry
        }
      }
      if (queue.length === 0) reportRefused();
    })().finally(() => {
      draining = undefined;
    });
    track(draining);
    return draining;
  }

  function write(): void {
    if (flushTimer !== undefined) {
      clearTimeout(flushTimer);
      flushTimer = undefined;
    }
    if (buffer.length === 0) return;
    const batch: QueuedBatch = { records: buffer, attempts: 0 };
    buffer = [];
    if (queue.length > 0 || draining) {
      enqueue(batch); // the store is failing or catching up: wait in line
      return;
    }
    writing += batch.records.length;
    track(
      store.record(batch.records).then(
        () => {
          writing -= batch.records.length;
          if (queue.length === 0) reportRefused();
        },
        (error: unknown) => {
          writing -= batch.records.length;
          failed(batch, error);
        },
      ),
    );
  }

  async function flush(): Promise<void> {
    write();
    while (inFlight.size > 0) await Promise.all([...inFlight]);
  }

  return {
    record(input) {
      if (closed) throw new LoomError('CONFLICT', 'The batching recorder is closed');
      const record = parseAnalyticsRecord(input);
      if (buffer.length + queued + writing >= maxPending) {
        refused += 1;
        if (refused === 1) {
          onError(
            new LoomError(
              'UNAVAILABLE',
              `The analytics backlog of ${maxPending} records is full; new records are dropped until it drains`,
              { dropped: 1 },
            ),
            [record],
          );
        }
        return;
      }
      buffer.push(record);
      if (buffer.length >= maxBatch) write();
      else flushTimer ??= setTimeout(write, flushMs);
    },

    flush,

    async close() {
      closed = true;
      if (retryTimer !== undefined) {
        clearTimeout(retryTimer);
        retryTimer = undefined;
      }
      await flush();
      if (queue.length > 0) await drain(); // one last try each; failures are reported, not retried
      reportRefused();
    },

    get pending() {
      return buffer.length + queued + writing;
    },
  };
}
