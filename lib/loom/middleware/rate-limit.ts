import { z } from 'zod';
import { LoomError } from '../core';
import type { CallOptions, CompletionRequest } from '../provider';
import { parseOptions, systemClock, wrapProvider, type Clock, type Middleware } from './wrap';

const rateLimitOptionsSchema = z.object({
  capacity: z.number().positive(),
  refillPerSec: z.number().positive(),
  mode: z.enum(['wait', 'reject']).default('wait'),
  /** In wait mode, a wait longer than this is rejected instead. */
  maxWaitMs: z.number().int().nonnegative().default(60_000),
});

export interface RateLimitOptions {
  /** Burst size: tokens a bucket holds when full. */
  capacity: number;
  refillPerSec: number;
  /** Which bucket a request draws from; one shared bucket by default. */
  key?: (request: CompletionRequest) => string;
  /** `wait` queues the call until a token is free; `reject` throws RATE_LIMITED with retryAfterMs. */
  mode?: 'wait' | 'reject';
  maxWaitMs?: number;
  clock?: Clock;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

// Idle buckets refill to full and carry no state worth keeping; beyond this many, drop them.
const MAX_BUCKETS = 10_000;

function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted)
      return reject(new LoomError('CANCELLED', 'Cancelled while waiting for the rate limit'));
    const onAbort = () => {
      clearTimeout(timer);
      reject(new LoomError('CANCELLED', 'Cancelled while waiting for the rate limit'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** A token bucket per key in front of complete and stream. */
export function rateLimit(options: RateLimitOptions): Middleware {
  const { capacity, refillPerSec, mode, maxWaitMs } = parseOptions(
    rateLimitOptionsSchema,
    {
      capacity: options.capacity,
      refillPerSec: options.refillPerSec,
      mode: options.mode,
      maxWaitMs: options.maxWaitMs,
    },
    'rateLimit',
  );
  const clock = options.clock ?? systemClock;
  const sleep = options.sleep ?? defaultSleep;
  const keyOf = options.key ?? (() => '*');
  const buckets = new Map<string, Bucket>();

  const refill = (bucket: Bucket, now: number) => {
    bucket.tokens = Math.min(capacity, bucket.tokens + ((now - bucket.updatedAt) / 1000) * refillPerSec);
    bucket.updatedAt = now;
  };
  const prune = (now: number) => {
    for (const [key, bucket] of buckets) {
      refill(bucket, now);
      if (bucket.tokens >= capacity) buckets.delete(key);
    }
  };

  /**
   * Takes a token now (returns undefined), or reserves the next one (tokens go negative) and says
   * how long to wait for it; throws RATE_LIMITED when that wait is not allowed.
   */
  const reserve = (
    request: CompletionRequest,
    callOptions: CallOptions | undefined,
  ): { bucket: Bucket; waitMs: number } | undefined => {
    const key = keyOf(request);
    const now = clock.now();
    let bucket = buckets.get(key);
    if (!bucket) {
      if (buckets.size >= MAX_BUCKETS) prune(now);
      bucket = { tokens: capacity, updatedAt: now };
      buckets.set(key, bucket);
    }
    refill(bucket, now);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return undefined;
    }
    const waitMs = Math.ceil(((1 - bucket.tokens) / refillPerSec) * 1000);
    // A wait longer than the call's budget would only end in TIMEOUT after holding a token.
    const budgetMs = callOptions?.timeoutMs ?? Number.POSITIVE_INFINITY;
    if (mode === 'reject' || waitMs > maxWaitMs || waitMs >= budgetMs) {
      throw new LoomError('RATE_LIMITED', `Rate limit of ${refillPerSec}/s reached for ${key}`, {
        key,
        retryAfterMs: waitMs,
        source: 'rateLimit',
      });
    }
    bucket.tokens -= 1;
    return { bucket, waitMs };
  };

  /** Waits out a reservation; returns the options to call on with (the wait is taken out of the budget). */
  const waitFor = async (
    { bucket, waitMs }: { bucket: Bucket; waitMs: number },
    callOptions: CallOptions | undefined,
  ): Promise<CallOptions | undefined> => {
    try {
      await sleep(waitMs, callOptions?.signal);
    } catch (error) {
      bucket.tokens += 1; // give the reservation back: the call never happens
      throw error;
    }
    return callOptions?.timeoutMs === undefined
      ? callOptions
      : { ...callOptions, timeoutMs: callOptions.timeoutMs - waitMs };
  };

  return (next) =>
    wrapProvider(next, {
      complete(request, callOptions) {
        let reservation;
        try {
          reservation = reserve(request, callOptions);
        } catch (error) {
          return Promise.reject(error as Error);
        }
        // A free token (the common case) calls on without a promise of its own.
        if (!reservation) return next.complete(request, callOptions);
        return waitFor(reservation, callOptions).then((options) => next.complete(request, options));
      },
      async *stream(request, callOptions) {
        const reservation = reserve(request, callOptions);
        yield* next.stream(request, reservation ? await waitFor(reservation, callOptions) : callOptions);
      },
    });
}
