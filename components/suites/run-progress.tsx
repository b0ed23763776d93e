'use client';

import { useQuery } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useEffect, useRef } from 'react';
import { cancelRunAction } from '@/app/(studio)/suites/[id]/runs/actions';
import { Button } from '@/components/ui/button';
import { errorMessage } from '@/lib/client/action-result';
import { useActionMutation } from '@/lib/client/use-action-mutation';
import { formatDuration } from './format';
import { formatRunCost } from './runs-list-format';
import { isActiveRun, type RunCounts } from './types';
import { RunStatusBadge } from './run-status';

/** A run's live state, as the progress endpoint (lib/server/suites/run-progress.ts) serves it (JSON: dates as ISO text). */
export interface RunProgressView extends RunCounts {
  status: string;
  total: number;
  /** Scored and did not pass (errored cases are not counted here). */
  failed: number;
  cancelRequested: boolean;
  startedAt: string | null;
  finishedAt: string | null;
  /** Remaining time at the rate so far; null before a rate is known or once finished. */
  etaMs: number | null;
  /** Why the run failed as a whole. */
  error: string | null;
}

export interface RunProgressProps {
  runId: string;
  suiteId: string;
  initialStatus: string;
  canCancel: boolean;
}

/** How often a queued or running run is polled: progress shows within a second of a case finishing. */
const POLL_MS = 500;

async function fetchProgress(runId: string): Promise<RunProgressView> {
  const response = await fetch(`/api/suites/runs/${encodeURIComponent(runId)}/progress`, {
    cache: 'no-store',
  });
  const body = (await response.json().catch(() => ({}))) as Partial<RunProgressView> & {
    code?: string;
    message?: string;
  };
  if (!response.ok) throw new Error(errorMessage({ code: body.code ?? 'INTERNAL', message: body.message }));
  return body as RunProgressView;
}

/**
 * Live progress of one run: polls while it is queued or running, then refreshes the server page
 * once so the final results appear. Shows done/total, passes, errors, cost so far (target and
 * judge apart; "unpriced" when a model has no price), the ETA, and Cancel for those who may.
 */
export function RunProgress({ runId, suiteId, initialStatus, canCancel }: RunProgressProps) {
  const router = useRouter();
  const query = useQuery({
    queryKey: ['suites', suiteId, 'runs', runId, 'progress'],
    queryFn: () => fetchProgress(runId),
    refetchInterval: (q) => (isActiveRun(q.state.data?.status ?? initialStatus) ? POLL_MS : false),
    refetchOnWindowFocus: false,
  });
  const data = query.data;
  const status = data?.status ?? initialStatus;
  const wasActive = useRef(isActiveRun(initialStatus));
  useEffect(() => {
    if (!data) return;
    if (wasActive.current && !isActiveRun(data.status)) router.refresh();
    wasActive.current = isActiveRun(data.status);
  }, [data, router]);

  const cancel = useActionMutation(cancelRunAction, {
    invalidate: [['suites', suiteId, 'runs', runId, 'progress']],
  });

  const done = data?.done ?? 0;
  const total = data?.total ?? 0;
  const percent = total > 0 ? Math.round((done / total) * 100) : 0;
  const cancelling = Boolean(data?.cancelRequested) && isActiveRun(status);

  return (
    <section aria-label="Run progress" className="space-y-3">
      <div className="flex flex-wrap items-center gap-3">
        <RunStatusBadge status={status} />
        {cancelling ? <span className="text-sm text-zinc-600 dark:text-zinc-400">Cancelling…</span> : null}
        {canCancel && isActiveRun(status) && !cancelling ? (
          <Button
            variant="secondary"
            className="ml-auto"
            disabled={cancel.isPending}
            onClick={() => cancel.mutate({ runId })}
          >
            {cancel.isPending ? 'Cancelling…' : 'Cancel run'}
          </Button>
        ) : null}
      </div>
      <div>
        <div
          role="progressbar"
          aria-label="Cases done"
          aria-valuemin={0}
          aria-valuemax={total || 1}
          aria-valuenow={done}
          aria-valuetext={`${done} of ${total} cases done`}
          className="h-2 w-full overflow-hidden rounded-full bg-zinc-200 dark:bg-zinc-800"
        >
          <div className="bg-accent h-full transition-[width]" style={{ width: `${percent}%` }} />
        </div>
        <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400" aria-live="polite">
          {data ? `${done} / ${total} cases done` : 'Loading progress…'}
          {data && isActiveRun(status) && data.etaMs !== null
            ? ` · about ${formatDuration(data.etaMs)} left`
            : ''}
        </p>
      </div>
      {data ? (
        <dl className="grid grid-cols-2 gap-x-6 gap-y-2 text-sm sm:grid-cols-4">
          <div>
            <dt className="text-zinc-600 dark:text-zinc-400">Passed</dt>
            <dd className="font-medium">{data.passed}</dd>
          </div>
          <div>
            <dt className="text-zinc-600 dark:text-zinc-400">Failed</dt>
            <dd className="font-medium">{data.failed}</dd>
          </div>
          <div>
            <dt className="text-zinc-600 dark:text-zinc-400">Errors</dt>
            <dd className="font-medium">{data.errored}</dd>
          </div>
          <div>
            <dt className="text-zinc-600 dark:text-zinc-400">Cost so far (target / judge)</dt>
            <dd className="font-medium break-words">
              {formatRunCost(data.costMicros, data.unpricedCases, done)} /{' '}
              {formatRunCost(data.judgeCostMicros, data.judgeUnpricedCases, done)}
            </dd>
          </div>
        </dl>
      ) : null}
      {data?.error ? (
        <p role="alert" className="text-sm text-red-700 dark:text-red-300">
          The run failed: {data.error}
        </p>
      ) : null}
      {query.error ? (
        <p role="alert" className="text-sm text-red-700 dark:text-red-300">
          {query.error.message}
        </p>
      ) : null}
      {cancel.error ? (
        <p role="alert" className="text-sm text-red-700 dark:text-red-300">
          {cancel.error.message}
        </p>
      ) : null}
    </section>
  );
}
