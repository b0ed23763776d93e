'use client';

/**
 * Placeholder: the runs branch replaces this file with the live progress of a queued or running
 * run (done/total, passes, errors, cost so far, ETA, cancel).
 */
export function RunProgress({
  runId,
  suiteId,
  initialStatus,
  canCancel,
}: {
  runId: string;
  suiteId: string;
  initialStatus: string;
  canCancel: boolean;
}) {
  return (
    <p role="status" data-run={runId} data-suite={suiteId} data-can-cancel={canCancel}>
      Run {initialStatus}.
    </p>
  );
}
