import { LoomError } from '../core';
import type { CompletionRequest } from '../provider';
import { wrapProvider, type Middleware } from './wrap';

// The RateLimiter port: counts requests per key over a sliding window and decides. The memory
// implementation below counts per process; a shared one (the Redis adapter) makes several
// instances hold one limit together. Both pass rate-limiter-contract.ts.

export interface RateLimitDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** When refused: how long until a request would be allowed. */
  retryAfterMs: number;
}

export interface RateLimiter {
  /** Counts one request of `key` when it is within the limit, and says whether it was. */
  hit(key: string): Promise<RateLimitDecision>;
}

export interface SlidingWindowOptions {
  /** Requests allowed per window. */
  limit: number;
  windowMs: number;
  now?: () => number;
}

interface Counter {
  /** Start of the current fixed window. */
  windowStart: number;
  current: number;
  previous: number;
}

/** Beyond this many keys, idle counters are dropped (their count has aged out anyway). */
const MAX_COUNTERS = 50_000;

/**
 * The sliding-window counter: the previous fixed window's count weighted by how much of it still
 * overlaps the sliding window, plus the current one's. O(1) memory per key, within a few percent
 * of an exact log, and no burst of 2x the limit at a window boundary.
 */
export function createSlidingWindowRateLimiter(options: SlidingWindowOptions): RateLimiter {
  const { limit, windowMs } = options;
  const now = options.now ?? Date.now;
  const counters = new Map<string, Counter>();

  const advance = (counter: Counter, t: number) => {
    const elapsedWindows = Math.floor((t - counter.windowStart) / windowMs);
    if (elapsedWindows <= 0) return;
    counter.previous = elapsedWindows === 1 ? counter.current : 0;
    counter.current = 0;
    counter.windowStart += elapsedWindows * windowMs;
  };

  return {
    async hit(key) {
      const t = now();
      let counter = counters.get(key);
      if (!counter) {
        if (counters.size >= MAX_COUNTERS) {
          for (const [k, c] of counters) {
            advance(c, t);
            if (c.current === 0 && c.previous === 0) counters.delete(k);
          }
        }
        counter = { windowStart: t - (t % windowMs), current: 0, previous: 0 };
        counters.set(key, counter);
      }
      advance(counter, t);
      const overlap = 1 - (t - counter.windowStart) / windowMs;
      const used = counter.previous * overlap + counter.current;
      if (used + 1 > limit) {
        // The weighted previous count decays linearly: wait until one more request fits. When the
        // current window alone is full, that is after the turn, once its count has decayed enough.
        const untilTurn = counter.windowStart + windowMs - t;
        const retryAfterMs =
          counter.current + 1 > limit
            ? untilTurn + Math.ceil(windowMs * (1 - (limit - 1) / counter.current))
            : Math.min(untilTurn, Math.ceil(((used + 1 - limit) * windowMs) / counter.previous));
        return { allowed: false, limit, remaining: 0, retryAfterMs: Math.max(1, retryAfterMs) };
      }
      counter.current += 1;
      return { allowed: true, limit, remaining: Math.max(0, Math.floor(limit - used - 1)), retryAfterMs: 0 };
    },
  };
}

export interface LimitCallsOptions {
  limiter: RateLimiter;
  /** Which count a request draws from. */
  key: (request: CompletionRequest) => string;
}

/**
 * Refuses provider calls beyond a RateLimiter's limit with RATE_LIMITED (and `retryAfterMs`):
 * unlike `rateLimit`'s in-process token buckets, the count can live in a shared store.
 */
export function limitCalls({ limiter, key }: LimitCallsOptions): Middleware {
  const admit = async (request: CompletionRequest) => {
    const k = key(request);
    const decision = await limiter.hit(k);
    if (!decision.allowed) {
      throw new LoomError('RATE_LIMITED', `Rate limit of ${decision.limit} calls reached for ${k}`, {
        key: k,
        retryAfterMs: decision.retryAfterMs,
        source: 'rateLimit',
      });
    }
  };
  return (next) =>
    wrapProvider(next, {
      async complete(request, callOptions) {
        await admit(request);
        return next.complete(request, callOptions);
      },
      async *stream(request, callOptions) {
        await admit(request);
        yield* next.stream(request, callOptions);
      },
    });
}
