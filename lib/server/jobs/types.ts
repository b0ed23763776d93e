import 'server-only';

// The studio's background work, by queue name: what each job carries. Payloads are small ids; a
// handler loads what it needs, so a job stays valid however long it waits.
export interface JobPayloads {
  /** Execute (or resume) one evaluation run (EvalRun/SuiteRun of this id). */
  'eval-run': { workspaceId: string; runId: string };
  /** Deliver the webhook outbox rows that are due now (any workspace); a nudge after a commit. */
  'webhook-deliver': Record<string, never>;
  /** Fold new analytics runs into the rollups, prune past retention, fire budget alerts (every workspace). */
  'analytics-rollup': Record<string, never>;
  /** Delete finished webhook deliveries past the log's retention (every workspace). */
  'webhook-prune': Record<string, never>;
}

export type JobName = keyof JobPayloads;

export interface JobContext {
  jobId: string;
  /** Aborted when the worker stops (shutdown); the handler should stop soon and leave resumable state. */
  signal: AbortSignal;
}

export type JobHandler<N extends JobName> = (data: JobPayloads[N], context: JobContext) => Promise<void>;
