import 'server-only';
import type { JobName } from './types';

/** How each queue retries and expires its jobs; applied (created or updated) every time the queue starts. */
export interface QueueSettings {
  /**
   * pg-boss policy. `short`: at most one QUEUED job per singletonKey (a second send with the same
   * key while one waits returns null); jobs already running or waiting for a retry do not count.
   */
  policy: 'standard' | 'short';
  /** Attempts after the first when the handler throws (a shutdown does not use one up). */
  retryLimit: number;
  /** Seconds before the first retry; doubled (with jitter) at each further one when `retryBackoff`. */
  retryDelaySeconds: number;
  retryBackoff: boolean;
  /**
   * Lease of a running job, in seconds: the worker renews it every LEASE_RENEW_MS while the
   * handler runs, so a job may run for hours; a job whose worker died is failed by pg-boss's
   * maintenance once the lease lapses, and retried (that uses up an attempt).
   */
  leaseSeconds: number;
}

export const QUEUE_SETTINGS = {
  // An evaluation run lasts minutes to hours and resumes from its stored results, so a retry is
  // cheap; two retries ride out a provider or database outage without looping on a broken run.
  'eval-run': {
    policy: 'short',
    retryLimit: 2,
    retryDelaySeconds: 15,
    retryBackoff: true,
    leaseSeconds: 10 * 60,
  },
  // A sweep of the due outbox rows: every row carries its own retry schedule (24 hours of
  // backoff), so the job itself is never retried, and one queued nudge at a time is enough.
  'webhook-deliver': {
    policy: 'short',
    retryLimit: 0,
    retryDelaySeconds: 5,
    retryBackoff: false,
    leaseSeconds: 5 * 60,
  },
  // Queued every 10 s with one singletonKey; a failed round is simply the next round's work, so
  // no retry. A first rollup of a big backlog folds 200k runs per transaction: minutes at most.
  'analytics-rollup': {
    policy: 'short',
    retryLimit: 0,
    retryDelaySeconds: 10,
    retryBackoff: false,
    leaseSeconds: 15 * 60,
  },
  // Queued hourly with one singletonKey; what a failed round leaves is the next round's work.
  'webhook-prune': {
    policy: 'short',
    retryLimit: 0,
    retryDelaySeconds: 60,
    retryBackoff: false,
    leaseSeconds: 15 * 60,
  },
} as const satisfies Record<JobName, QueueSettings>;

/** Every job name, at run time (types.ts only has the type). */
export const JOB_NAMES = Object.keys(QUEUE_SETTINGS) as JobName[];
