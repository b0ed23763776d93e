import { LoomError, isLoomError } from '../core';
import type { Sleep } from '../executor';

/** Waits `ms`, rejecting with CANCELLED as soon as the signal fires; the default `Sleep`. */
export const sleep: Sleep = (ms, signal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(cancelledError(signal));
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(cancelledError(signal));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });

export function cancelledError(signal?: AbortSignal): LoomError {
  return new LoomError('CANCELLED', 'The operation was cancelled', {}, { cause: signal?.reason });
}

/** Any thrown value as a LoomError; foreign errors become INTERNAL and keep the original as `cause`. */
export function toLoomError(error: unknown): LoomError {
  if (isLoomError(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new LoomError('INTERNAL', message, {}, { cause: error });
}

export interface DeadlineOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
  sleep: Sleep;
  /** Names the work in the TIMEOUT message and details. */
  what: string;
}

/**
 * Runs `task` with its own AbortSignal that fires on the parent's abort or after `timeoutMs`.
 * The race means a task that ignores its signal still cannot hold the caller past the deadline.
 */
export async function runWithDeadline<T>(
  task: (signal: AbortSignal) => Promise<T>,
  { timeoutMs, signal, sleep: wait, what }: DeadlineOptions,
): Promise<T> {
  if (signal?.aborted) throw cancelledError(signal);
  const controller = new AbortController();
  // Cancels the timeout's sleep once the task settles, so no timer outlives the call.
  const timer = timeoutMs === undefined ? undefined : new AbortController();
  let onParentAbort: (() => void) | undefined;
  const cancelled = new Promise<never>((_, reject) => {
    onParentAbort = () => {
      const error = cancelledError(signal);
      controller.abort(error);
      reject(error);
    };
    signal?.addEventListener('abort', onParentAbort, { once: true });
  });
  const contenders: Promise<T>[] = [Promise.resolve().then(() => task(controller.signal)), cancelled];
  if (timeoutMs !== undefined && timer) {
    contenders.push(
      wait(timeoutMs, timer.signal).then(() => {
        const error = new LoomError('TIMEOUT', `${what} timed out after ${timeoutMs} ms`, { timeoutMs });
        controller.abort(error);
        throw error;
      }),
    );
  }
  try {
    return await Promise.race(contenders);
  } finally {
    timer?.abort();
    if (onParentAbort) signal?.removeEventListener('abort', onParentAbort);
  }
}

/**
 * Calls `fn` for every item with at most `concurrency` in flight. Stops starting new items once the
 * signal fires; always waits for the started ones, so nothing runs on after it returns.
 */
export async function forEachBounded<T>(
  items: readonly T[],
  concurrency: number,
  fn: (item: T, index: number) => Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length && !signal?.aborted) {
      const index = next++;
      await fn(items[index] as T, index);
    }
  };
  const workers = Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker);
  const settled = await Promise.allSettled(workers);
  const failure = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failure) throw failure.reason;
}
