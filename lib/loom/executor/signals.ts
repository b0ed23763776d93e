import type { Sleep } from './types';

/** Why an attempt was aborted; compared by identity to tell timeouts from cancellation. */
export const ATTEMPT_TIMEOUT = Object.freeze({ reason: 'attempt-timeout' });
export const TOTAL_TIMEOUT = Object.freeze({ reason: 'total-timeout' });
export const CONSUMER_STOPPED = Object.freeze({ reason: 'consumer-stopped' });

export interface Attempt {
  /** Handed to the provider: fires on timeout, on the caller's signal, or when the consumer stops. */
  readonly signal: AbortSignal;
  /**
   * Settles with `promise`, or rejects with the abort reason as soon as the attempt is aborted, so
   * a provider that ignores its signal cannot hold a timeout or cancellation hostage.
   */
  race<T>(promise: Promise<T>): Promise<T>;
  abort(reason: unknown): void;
  /** Clears the timer and detaches from the parent; idempotent. */
  dispose(): void;
}

/**
 * One provider call's abort scope. EventTarget listeners and AbortSignal.any cost tens of
 * microseconds in Node, so the timer rejects a plain promise and only a caller's signal is listened to.
 */
export function openAttempt(parent: AbortSignal | undefined, ms: number, timeoutReason: unknown): Attempt {
  const controller = new AbortController();
  let rejectAborted: (reason: unknown) => void = () => undefined;
  const aborted = new Promise<never>((_, reject) => {
    rejectAborted = reject;
  });
  aborted.catch(() => undefined);
  const abort = (reason: unknown) => {
    if (controller.signal.aborted) return;
    controller.abort(reason);
    rejectAborted(reason);
  };
  const onParentAbort = () => abort(parent?.reason);
  if (parent?.aborted) abort(parent.reason);
  else parent?.addEventListener('abort', onParentAbort, { once: true });
  const timer = setTimeout(() => abort(timeoutReason), ms);
  return {
    signal: controller.signal,
    race: (promise) => Promise.race([promise, aborted]),
    abort,
    dispose() {
      clearTimeout(timer);
      parent?.removeEventListener('abort', onParentAbort);
    },
  };
}

export const realSleep: Sleep = (ms, signal) =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
