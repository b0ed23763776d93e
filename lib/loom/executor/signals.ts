import type { Sleep } from './types';

/** Why an internal controller fired; compared by identity to tell timeouts from cancellation. */
export const ATTEMPT_TIMEOUT = Object.freeze({ reason: 'attempt-timeout' });
export const TOTAL_TIMEOUT = Object.freeze({ reason: 'total-timeout' });
export const CONSUMER_STOPPED = Object.freeze({ reason: 'consumer-stopped' });

export interface Scope {
  readonly signal: AbortSignal;
  abort(reason: unknown): void;
  /** Clears the timer and detaches from the parent; idempotent. */
  dispose(): void;
}

/** A child of `parent` that also fires after `ms` with `timeoutReason`. */
export function openScope(parent: AbortSignal | undefined, ms: number, timeoutReason: unknown): Scope {
  const controller = new AbortController();
  const onParentAbort = () => controller.abort(parent?.reason);
  if (parent?.aborted) controller.abort(parent.reason);
  else parent?.addEventListener('abort', onParentAbort, { once: true });
  const timer = setTimeout(() => controller.abort(timeoutReason), ms);
  return {
    signal: controller.signal,
    abort: (reason) => controller.abort(reason),
    dispose() {
      clearTimeout(timer);
      parent?.removeEventListener('abort', onParentAbort);
    },
  };
}

/**
 * Settles with `promise`, or rejects with the signal's reason as soon as it fires, so a provider
 * that ignores its signal cannot hold a timeout or cancellation hostage.
 */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => undefined);
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      promise.catch(() => undefined);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
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
