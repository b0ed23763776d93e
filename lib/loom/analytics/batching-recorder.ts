import { z } from 'zod';
import { LoomError } from '../core';
import { parseRunRecord, type RunRecord } from './record';
import type { AnalyticsStore } from './store';

export const batchingOptionsSchema = z.object({
  /** Flush as soon as this many records wait. */
  maxBatch: z.number().int().positive().default(100),
  /** Flush records at most this long after the first one arrived. */
  flushMs: z.number().int().positive().default(1000),
  /** Records kept while the store is slow or down; beyond this new records are dropped and reported. */
  maxPending: z.number().int().positive().default(10_000),
});
export type BatchingOptionsInput = z.input<typeof batchingOptionsSchema>;

export interface BatchingRecorderOptions extends BatchingOptionsInput {
  /** Failed batches and dropped records land here instead of being lost silently. */
  onError?: (error: unknown, records: RunRecord[]) => void;
}

export interface BatchingRecorder {
  /** Validates and queues a record without waiting for the store; INVALID_INPUT for a bad record. */
  record(record: RunRecord): void;
  /** Writes everything queued so far and waits for every write in flight. */
  flush(): Promise<void>;
  /** Flushes and refuses further records (CONFLICT); call on shutdown. */
  close(): Promise<void>;
  /** Records queued or being written. */
  readonly pending: number;
}

/** Buffers single records (e.g. the executor's onRecord hook) and writes them to the store in batches. */
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
  const { maxBatch, flushMs, maxPending } = parsed.data;
  const onError = options.onError ?? (() => undefined);
  let buffer: RunRecord[] = [];
  let writing = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;
  const inFlight = new Set<Promise<void>>();

  function write(): void {
    if (timer !== undefined) {
      clearTimeout(timer);
      timer = undefined;
    }
    if (buffer.length === 0) return;
    const batch = buffer;
    buffer = [];
    writing += batch.length;
    const done = store
      .record(batch)
      .catch((error: unknown) => onError(error, batch))
      .finally(() => {
        writing -= batch.length;
        inFlight.delete(done);
      });
    inFlight.add(done);
  }

  async function flush(): Promise<void> {
    write();
    await Promise.all([...inFlight]);
  }

  return {
    record(input) {
      if (closed) throw new LoomError('CONFLICT', 'The batching recorder is closed');
      const record = parseRunRecord(input);
      if (buffer.length + writing >= maxPending) {
        onError(
          new LoomError('UNAVAILABLE', `Analytics backlog of ${maxPending} records is full; record dropped`),
          [record],
        );
        return;
      }
      buffer.push(record);
      if (buffer.length >= maxBatch) write();
      else timer ??= setTimeout(write, flushMs);
    },

    flush,

    async close() {
      closed = true;
      await flush();
    },

    get pending() {
      return buffer.length + writing;
    },
  };
}
