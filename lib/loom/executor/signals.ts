import type { Sleep } from './types';

/** Why an attempt was aborted; compared by identity to tell timeouts from cancellation. */
export const ATTEMPT_TIMEOUT = Object.freeze({ reason: 'attempt-timeout' });
export const TOTAL_TIMEOUT = Object.freeze({ reason: 'total-timeout' });
export const CONSUMER_STOPPED = Object.freeze({ reason: 'consumer-stopped' });

export interface Attempt {
  /** The attempt's budget in milliseconds: handed to the provider as `timeoutMs`. */
  readonly ms: number;
  /**
   * Fires on timeout, on the caller's signal, or when the consumer stops. Created on first use:
   * an AbortSignal handed to an SDK costs tens of microseconds (Node composes it with its own).
   */
  readonly signal: AbortSignal;
  /** Why the attempt was aborted, or undefined while it runs. */
  readonly reason: unknown;
  /**
   * Settles with `promise`, or rejects with the abort reason as soon as the attempt is aborted, so
   * a provider that ignores its signal or timeout cannot hold a timeout or cancellation hostage.
   */
  race<T>(promise: Promise<T>): Promise<T>;
  abort(reason: unknown): void;
  /** Clears the timer and detaches from the parent; idempotent. */
  dispose(): void;
}

const NOT_ABORTED = Symbol('not-aborted');

/**
 * One provider call's abort scope. EventTarget listeners, AbortSignal.any, spare promises and
 * closures cost microseconds each on this path, so it is a class, the timer settles the raced
 * promise directly, and only a caller's signal is listened to.
 */
class AttemptScope implements Attempt {
  private controller: AbortController | undefined;
  private why: unknown = NOT_ABORTED;
  private rejectRace: ((reason: unknown) => void) | undefined;
  private readonly timer: ReturnType<typeof setTimeout>;
  private readonly onParentAbort: (() => void) | undefined;

  constructor(
    private readonly parent: AbortSignal | undefined,
    readonly ms: number,
    timeoutReason: unknown,
  ) {
    if (parent?.aborted) this.abort(parent.reason);
    else if (parent) {
      this.onParentAbort = () => this.abort(parent.reason);
      parent.addEventListener('abort', this.onParentAbort, { once: true });
    }
    this.timer = setTimeout(() => this.abort(timeoutReason), ms);
  }

  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.why !== NOT_ABORTED) this.controller.abort(this.why);
    }
    return this.controller.signal;
  }

  get reason(): unknown {
    return this.why === NOT_ABORTED ? undefined : this.why;
  }

  race<T>(promise: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.why !== NOT_ABORTED) reject(this.why);
      this.rejectRace = reject;
      promise.then(resolve, reject);
    });
  }

  abort(reason: unknown): void {
    if (this.why !== NOT_ABORTED) return;
    this.why = reason;
    this.controller?.abort(reason);
    this.rejectRace?.(reason);
  }

  dispose(): void {
    clearTimeout(this.timer);
    if (this.onParentAbort) this.parent?.removeEventListener('abort', this.onParentAbort);
  }
}

export function openAttempt(parent: AbortSignal | undefined, ms: number, timeoutReason: unknown): Attempt {
  return new AttemptScope(parent, ms, timeoutReason);
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
