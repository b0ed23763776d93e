/** A run's status (EvalRun.status) in words, wherever a run is shown. */
const RUN_STATUS_TEXT: Record<string, string> = {
  queued: 'queued',
  running: 'running',
  completed: 'completed',
  completed_with_errors: 'completed with errors',
  cancelled: 'cancelled',
  failed: 'failed',
};

const RUN_STATUS_TONE: Record<string, string> = {
  queued: 'bg-zinc-100 text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300',
  running: 'bg-blue-100 text-blue-800 dark:bg-blue-950 dark:text-blue-200',
  completed: 'bg-emerald-100 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-200',
  completed_with_errors: 'bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-200',
  cancelled: 'bg-zinc-100 text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300',
  failed: 'bg-red-100 text-red-800 dark:bg-red-950 dark:text-red-200',
};

/** A run's status as a coloured badge ("completed with errors", "failed", ...). */
export function RunStatusBadge({ status, testId }: { status: string; testId?: string }) {
  return (
    <span
      data-testid={testId}
      className={`inline-flex shrink-0 items-center rounded-full px-2 py-0.5 text-xs font-medium whitespace-nowrap ${RUN_STATUS_TONE[status] ?? RUN_STATUS_TONE.queued}`}
    >
      {RUN_STATUS_TEXT[status] ?? status}
    </span>
  );
}
