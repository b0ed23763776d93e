import 'server-only';
import {
  ANALYTICS_ROLLUP_EVERY_MS,
  requestAnalyticsRollup,
  runAnalyticsRollupJob,
} from '../analytics/maintenance';
import { getPrisma } from '../db';
import { runEvalJob } from '../suites/run-job';
import { recoverStaleRuns } from '../suites/run-recovery';
import { deliverDueWebhooks } from '../webhooks/deliver';
import { requestWebhookPrune, runWebhookPruneJob, WEBHOOK_PRUNE_EVERY_MS } from '../webhooks/prune';
import { getJobQueue } from './index';
import type { JobHandlers, PeriodicTask } from './queue';

/** What each queue's jobs do (lib/server/jobs/types.ts names them). */
export const jobHandlers: JobHandlers = {
  'eval-run': runEvalJob,
  // A nudge after a commit: deliver what is due now rather than at the next sweep.
  'webhook-deliver': async () => void (await deliverDueWebhooks(await getPrisma())),
  'analytics-rollup': runAnalyticsRollupJob,
  'webhook-prune': runWebhookPruneJob,
};

/** How often a worker looks for runs that lost their job (a dead worker, a failed enqueue). */
const RECOVERY_EVERY_MS = 15_000;
/**
 * How often a worker delivers the webhook outbox rows that are due: retries, and events whose
 * writer did not (or could not) nudge. One indexed query when nothing is due.
 */
const WEBHOOK_SWEEP_EVERY_MS = 2_000;

/** Work every worker repeats: at its start, then every `everyMs` after the last round ended. */
export const periodicTasks: PeriodicTask[] = [
  {
    name: 'recover-stale-runs',
    everyMs: RECOVERY_EVERY_MS,
    run: async () => void (await recoverStaleRuns(await getJobQueue())),
  },
  {
    name: 'deliver-webhooks',
    everyMs: WEBHOOK_SWEEP_EVERY_MS,
    run: async () => void (await deliverDueWebhooks(await getPrisma())),
  },
  {
    name: 'queue-analytics-rollup',
    everyMs: ANALYTICS_ROLLUP_EVERY_MS,
    run: async () => void (await requestAnalyticsRollup(await getJobQueue())),
  },
  {
    name: 'queue-webhook-prune',
    everyMs: WEBHOOK_PRUNE_EVERY_MS,
    run: async () => void (await requestWebhookPrune(await getJobQueue())),
  },
];
