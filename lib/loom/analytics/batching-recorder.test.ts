import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LoomError } from '../core';
import { createBatchingRecorder } from './batching-recorder';
import type { AnalyticsRecord } from './record';
import type { AnalyticsStore } from './store';

function run(i: number): AnalyticsRecord {
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

function recordingStore(fail = false): AnalyticsStore & { batches: AnalyticsRecord[][] } {
  const batches: AnalyticsRecord[][] = [];
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

  it('never blocks or throws at the caller for store failures; a batch given up on reaches onError', async () => {
    const onError = vi.fn();
    const recorder = createBatchingRecorder(recordingStore(true), { maxBatch: 2, maxAttempts: 1, onError });
    recorder.record(run(1));
    recorder.record(run(2));
    await recorder.flush();
    expect(onError).toHaveBeenCalledTimes(1);
    expect(onError.mock.calls[0]?.[0]).toMatchObject({ code: 'UNAVAILABLE', details: { dropped: 2 } });
    expect(onError.mock.calls[0]?.[1]).toHaveLength(2);
    expect(recorder.pending).toBe(0);
  });

  it('drops records beyond maxPending, reporting the first at once and the count once it drains', async () => {
    const onError = vi.fn();
    let release: () => void = () => undefined;
    const store: AnalyticsStore = {
      record: () => new Promise<void>((resolve) => (release = resolve)),
      query: async () => [],
    };
    const recorder = createBatchingRecorder(store, { maxBatch: 2, maxPending: 4, onError });
    for (let i = 0; i < 9; i++) recorder.record(run(i));
    expect(recorder.pending).toBe(4);
    expect(onError).toHaveBeenCalledTimes(1); // not once per record: a long outage must not flood the log
    expect(onError.mock.calls[0]?.[0]).toMatchObject({ code: 'UNAVAILABLE', details: { dropped: 1 } });
    expect(onError.mock.calls[0]?.[1]).toEqual([{ ...run(4), source: 'playground' }]);
    release();
    await vi.advanceTimersByTimeAsync(0);
    expect(onError).toHaveBeenCalledTimes(2);
    expect(onError.mock.calls[1]?.[0]).toMatchObject({
      message: expect.stringContaining('5 analytics records were dropped'),
      details: { dropped: 5 },
    });
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

/** Fails the first `failures` writes (UNAVAILABLE), then stores; remembers when each write came. */
function flakyStore(failures: number, error: unknown = new LoomError('UNAVAILABLE', 'database down')) {
  const calls: { at: number; latencies: number[] }[] = [];
  const batches: AnalyticsRecord[][] = [];
  const store: AnalyticsStore = {
    async record(records) {
      calls.push({ at: Date.now(), latencies: records.map((r) => r.latencyMs) });
      if (calls.length <= failures) throw error;
      batches.push(records);
    },
    async query() {
      return [];
    },
  };
  return { store, calls, batches };
}

describe('batching recorder when the store fails', () => {
  beforeEach(() => vi.useFakeTimers({ now: 0 }));
  afterEach(() => vi.useRealTimers());

  it('retries a failed batch with exponential backoff and stores it once the store is back', async () => {
    const onError = vi.fn();
    const { store, calls, batches } = flakyStore(3);
    const recorder = createBatchingRecorder(store, { maxBatch: 2, retryDelayMs: 100, onError });
    recorder.record(run(1));
    recorder.record(run(2));
    await vi.advanceTimersByTimeAsync(10_000);
    expect(calls.map((call) => call.at)).toEqual([0, 100, 300, 700]);
    expect(batches.map((batch) => batch.map((r) => r.latencyMs))).toEqual([[1, 2]]);
    expect(onError).not.toHaveBeenCalled();
    expect(recorder.pending).toBe(0);
  });

  it('caps the backoff, then gives up after maxAttempts and reports what it dropped', async () => {
    const onError = vi.fn();
    const { store, calls } = flakyStore(Infinity);
    const recorder = createBatchingRecorder(store, {
      maxBatch: 3,
      maxAttempts: 5,
      retryDelayMs: 100,
      maxRetryDelayMs: 300,
      onError,
    });
    for (let i = 0; i < 3; i++) recorder.record(run(i));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(calls.map((call) => call.at)).toEqual([0, 100, 300, 600, 900]);
    expect(onError).toHaveBeenCalledTimes(1);
    expect(onError.mock.calls[0]?.[0]).toMatchObject({
      code: 'UNAVAILABLE',
      message: expect.stringContaining('3 records were dropped'),
      details: { dropped: 3, attempts: 5 },
    });
    expect(onError.mock.calls[0]?.[1]).toHaveLength(3);
    expect(recorder.pending).toBe(0);
  });

  it('does not retry what a retry cannot fix', async () => {
    const onError = vi.fn();
    const { store, calls } = flakyStore(1, new LoomError('INVALID_INPUT', 'bad record'));
    const recorder = createBatchingRecorder(store, { maxBatch: 1, onError });
    recorder.record(run(1));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(calls).toHaveLength(1);
    expect(onError.mock.calls[0]?.[0]).toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('queues later batches behind a failing one and writes them in order, one at a time', async () => {
    const { store, calls, batches } = flakyStore(2);
    const recorder = createBatchingRecorder(store, { maxBatch: 2, retryDelayMs: 100 });
    for (let i = 0; i < 2; i++) recorder.record(run(i));
    await vi.advanceTimersByTimeAsync(50);
    for (let i = 2; i < 6; i++) recorder.record(run(i)); // two more batches while the first waits
    expect(recorder.pending).toBe(6);
    await vi.advanceTimersByTimeAsync(10_000);
    // Only the head batch was tried while the store was down; no write hammered it in parallel.
    expect(calls.map((call) => call.latencies)).toEqual([
      [0, 1],
      [0, 1],
      [0, 1],
      [2, 3],
      [4, 5],
    ]);
    expect(batches.flat().map((r) => r.latencyMs)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('on close, writes what waits for a retry at once, without the backoff', async () => {
    const { store, calls, batches } = flakyStore(1);
    const recorder = createBatchingRecorder(store, { maxBatch: 2, retryDelayMs: 60_000 });
    recorder.record(run(1));
    recorder.record(run(2));
    recorder.record(run(3));
    await vi.advanceTimersByTimeAsync(0);
    await recorder.close();
    expect(calls).toHaveLength(3);
    expect(Date.now()).toBe(0);
    expect(batches.flat().map((r) => r.latencyMs)).toEqual([1, 2, 3]);
    expect(recorder.pending).toBe(0);
  });

  it('on close, reports what it still cannot write instead of waiting forever', async () => {
    const onError = vi.fn();
    const { store } = flakyStore(Infinity);
    const recorder = createBatchingRecorder(store, { maxBatch: 2, retryDelayMs: 60_000, onError });
    recorder.record(run(1));
    recorder.record(run(2));
    await vi.advanceTimersByTimeAsync(0);
    await recorder.close();
    expect(onError).toHaveBeenCalledTimes(1);
    expect(onError.mock.calls[0]?.[1]).toHaveLength(2);
    expect(recorder.pending).toBe(0);
  });
});
