import { z } from 'zod';
import { LoomError } from '../core';
import { observeStream, parseOptions, systemClock, wrapProvider, type Clock, type Middleware } from './wrap';

const circuitBreakerOptionsSchema = z.object({
  /** Failure ratio in the window at which the circuit opens, e.g. 0.5. */
  failureThreshold: z.number().gt(0).max(1),
  /** No verdict on fewer calls than this. */
  minRequests: z.number().int().positive(),
  windowMs: z.number().int().positive().default(60_000),
  cooldownMs: z.number().int().positive(),
});

export type CircuitState = 'closed' | 'open' | 'half-open';

const WINDOW_SLOTS = 10;

export interface CircuitBreakerOptions {
  failureThreshold: number;
  minRequests: number;
  windowMs?: number;
  cooldownMs: number;
  clock?: Clock;
  onStateChange?: (state: CircuitState, provider: string) => void;
}

type Verdict = 'success' | 'failure' | 'ignore';

/** Outages count (RATE_LIMITED, TIMEOUT, UNAVAILABLE); a caller's mistake or cancellation says nothing about health. */
function verdictOf(error: unknown): Verdict {
  if (!(error instanceof LoomError)) return 'failure';
  if (error.code === 'CANCELLED') return 'ignore';
  return error.isRetryable ? 'failure' : 'success';
}

/**
 * Fails fast with CIRCUIT_OPEN while a provider is failing: opens when the failure ratio over
 * `windowMs` reaches the threshold, lets one trial call through after `cooldownMs`, closes on its success.
 */
export function circuitBreaker(options: CircuitBreakerOptions): Middleware {
  const { failureThreshold, minRequests, windowMs, cooldownMs } = parseOptions(
    circuitBreakerOptionsSchema,
    {
      failureThreshold: options.failureThreshold,
      minRequests: options.minRequests,
      windowMs: options.windowMs,
      cooldownMs: options.cooldownMs,
    },
    'circuitBreaker',
  );
  const clock = options.clock ?? systemClock;

  return (next) => {
    let state: CircuitState = 'closed';
    let openedAt = 0;
    let trialInFlight = false;
    // The window as WINDOW_SLOTS time slots of counts: O(1) per call however busy the provider is.
    const slotMs = Math.max(1, Math.ceil(windowMs / WINDOW_SLOTS));
    const slots = Array.from({ length: WINDOW_SLOTS }, () => ({ index: -1, total: 0, failures: 0 }));
    const resetWindow = () => slots.forEach((slot) => (slot.index = -1));

    const setState = (to: CircuitState) => {
      if (state === to) return;
      state = to;
      options.onStateChange?.(to, next.name);
    };

    /** Admits a call or throws CIRCUIT_OPEN; returns whether this call is the half-open trial. */
    const admit = (): boolean => {
      if (state === 'open') {
        const remaining = openedAt + cooldownMs - clock.now();
        if (remaining > 0) throw openError(remaining);
        setState('half-open');
      }
      if (state === 'half-open') {
        if (trialInFlight) throw openError(0);
        trialInFlight = true;
        return true;
      }
      return false;
    };
    const openError = (retryAfterMs: number) =>
      new LoomError('CIRCUIT_OPEN', `${next.name}: circuit open after repeated failures`, {
        provider: next.name,
        retryAfterMs,
      });

    const settle = (isTrial: boolean, verdict: Verdict) => {
      const now = clock.now();
      if (isTrial) {
        trialInFlight = false;
        if (verdict === 'ignore') return;
        if (verdict === 'failure') {
          openedAt = now;
          setState('open');
        } else {
          resetWindow();
          setState('closed');
        }
        return;
      }
      if (verdict === 'ignore' || state !== 'closed') return;
      const index = Math.floor(now / slotMs);
      const current = slots[index % WINDOW_SLOTS];
      if (!current) return;
      if (current.index !== index) Object.assign(current, { index, total: 0, failures: 0 });
      current.total += 1;
      if (verdict === 'failure') current.failures += 1;
      let total = 0;
      let failures = 0;
      for (const slot of slots) {
        if (slot.index > index - WINDOW_SLOTS) {
          total += slot.total;
          failures += slot.failures;
        }
      }
      if (total >= minRequests && failures / total >= failureThreshold) {
        openedAt = now;
        resetWindow();
        setState('open');
      }
    };

    return wrapProvider(next, {
      async complete(request, callOptions) {
        const isTrial = admit();
        try {
          const completion = await next.complete(request, callOptions);
          settle(isTrial, 'success');
          return completion;
        } catch (error) {
          settle(isTrial, verdictOf(error));
          throw error;
        }
      },
      stream(request, callOptions) {
        const isTrial = admit();
        return observeStream(next.stream(request, callOptions), (outcome) =>
          settle(isTrial, outcome.ok ? 'success' : outcome.stopped ? 'ignore' : verdictOf(outcome.error)),
        );
      },
    });
  };
}
