import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LoomError } from '../core';
import { createBatchingRecorder } from './batching-recorder';
import type { RunRecord } from './record';
import type { AnalyticsStore } from './store';

function run(i: number): RunRecord {
  return {
    promptId: 'p',
    version: 1,
    model: 'm',
    provider: 'openai',
    latencyMs: i,
    inputTokens: 1,
    outputTokens: 1,
    costMicros: 1,
    success: true,
    at: new Date(Date.UTC(2026, 0, 1)),
  };
}

function recordingStore(fail = false): AnalyticsStore & { batches: RunRecord[][] } {
  const batches: RunRecord[][] = [];
  return {
    batches,
    async record(records) {
      if (fail) throw new LoomError('UNAVAILABLE', 'database down');
      batches.push(records);
    },
    async query() {
      return [];
    },
  };
}

describe('batching recorder', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('writes a batch as soon as maxBatch records wait', async () => {
    const store = recordingStore();
    const recorder = createBatchingRecorder(store, { maxBatch: 3, flushMs: 60_000 });
    for (let i = 0; i < 7; i++) recorder.record(run(i));
    await vi.advanceTimersByTimeAsync(0);
    expect(store.batches.map((batch) => batch.length)).toEqual([3, 3]);
    expect(recorder.pending).toBe(1);
  });

  it('writes a partial batch after flushMs', async () => {
    const store = recordingStore();
    const recorder = createBatchingRecorder(store, { maxBatch: 100, flushMs: 500 });
    recorder.record(run(1));
    recorder.record(run(2));
    await vi.advanceTimersByTimeAsync(499);
    expect(store.batches).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(store.batches.map((batch) => batch.map((record) => record.latencyMs))).toEqual([[1, 2]]);
  });

  it('never blocks or throws at the caller for store failures; they reach onError with the batch', async () => {
    const onError = vi.fn();
    const recorder = createBatchingRecorder(recordingStore(true), { maxBatch: 2, onError });
    recorder.record(run(1));
    recorder.record(run(2));
    await recorder.flush();
    expect(onError).toHaveBeenCalledTimes(1);
    expect(onError.mock.calls[0]?.[0]).toMatchObject({ code: 'UNAVAILABLE' });
    expect(onError.mock.calls[0]?.[1]).toHaveLength(2);
    expect(recorder.pending).toBe(0);
  });

  it('drops and reports records beyond maxPending', async () => {
    const onError = vi.fn();
    const store: AnalyticsStore = { record: () => new Promise(() => undefined), query: async () => [] };
    const recorder = createBatchingRecorder(store, { maxBatch: 2, maxPending: 4, onError });
    for (let i = 0; i < 6; i++) recorder.record(run(i));
    expect(recorder.pending).toBe(4);
    expect(onError).toHaveBeenCalledTimes(2);
    expect(onError.mock.calls[0]?.[0]).toMatchObject({ code: 'UNAVAILABLE' });
  });

  it('rejects an invalid record at once and refuses records after close', async () => {
    const store = recordingStore();
    const recorder = createBatchingRecorder(store);
    expect(() => recorder.record({ ...run(1), latencyMs: -5 })).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT' }),
    );
    recorder.record(run(1));
    await recorder.close();
    expect(store.batches).toHaveLength(1);
    expect(() => recorder.record(run(2))).toThrow(expect.objectContaining({ code: 'CONFLICT' }));
  });
});
