import 'server-only';

// When a failed delivery is tried again: exponential backoff with jitter, for up to 24 hours
// after the event, then the delivery is `failed` (an admin can still redeliver it by hand).

/** How long an event keeps being retried: receivers down for a day are down, not flaky. */
export const RETRY_WINDOW_MS = 24 * 60 * 60 * 1000;
/** The first retry: soon enough to ride out a restart of the receiver. */
export const FIRST_RETRY_MS = 5_000;
/** The longest pause between two attempts, so a receiver back after hours is served within 3. */
export const MAX_RETRY_DELAY_MS = 3 * 60 * 60 * 1000;
/** ±25 %: receivers that came back are not hit by every sender's retries at the same instant. */
export const RETRY_JITTER = 0.25;

/**
 * When to try again after `attempts` attempts (≥ 1) failed, or undefined when the 24 hours since
 * `createdAt` are over. The delay doubles from 5 s up to 3 h, with jitter; the last attempt falls
 * on the end of the window. `random` returns [0, 1) (injectable for tests).
 */
export function nextAttemptAt(
  attempts: number,
  createdAt: Date,
  now: Date,
  random: () => number = Math.random,
): Date | undefined {
  const deadline = createdAt.getTime() + RETRY_WINDOW_MS;
  if (now.getTime() >= deadline) return undefined;
  const base = Math.min(FIRST_RETRY_MS * 2 ** Math.max(0, attempts - 1), MAX_RETRY_DELAY_MS);
  const delay = base * (1 - RETRY_JITTER + 2 * RETRY_JITTER * random());
  return new Date(Math.min(now.getTime() + delay, deadline));
}
