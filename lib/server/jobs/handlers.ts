import 'server-only';
import {
  ANALYTICS_ROLLUP_EVERY_MS,
  requestAnalyticsRollup,
  runAnalyticsRollupJob,
} from '../analytics/maintenance';
import { runEvalJob } from '../suites/run-job';
import { recoverStaleRuns } from '../suites/run-recovery';
import { getJobQueue } from './index';
import type { JobHandlers, PeriodicTask } from './queue';

/** What each queue's jobs do (lib/server/jobs/types.ts names them). */
export const jobHandlers: JobHandlers = {
  'eval-run': runEvalJob,
  'analytics-rollup': runAnalyticsRollupJob,
};

/** How often a worker looks for runs that lost their job (a dead worker, a failed enqueue). */
const RECOVERY_EVERY_MS = 15_000;

/** Work every worker repeats: at its start, then every `everyMs` after the last round ended. */
export const periodicTasks: PeriodicTask[] = [
  {
    name: 'recover-stale-runs',
    everyMs: RECOVERY_EVERY_MS,
    run: async () => void (await recoverStaleRuns(await getJobQueue())),
  },
  {
    name: 'queue-analytics-rollup',
    everyMs: ANALYTICS_ROLLUP_EVERY_MS,
    run: async () => void (await requestAnalyticsRollup(await getJobQueue())),
  },
];
