import { formatCost } from '@/components/playground/format-cost';

// Wording shared by the runs list, the start form and the live progress of a run.

export const RUN_STATUS_TEXT: Record<string, string> = {
  queued: 'queued',
  running: 'running',
  completed: 'completed',
  completed_with_errors: 'completed with errors',
  cancelled: 'cancelled',
  failed: 'failed',
};

/** Still moving: the progress polls, the list refreshes. */
export function isActiveRun(status: string): boolean {
  return status === 'queued' || status === 'running';
}

export function runStatusTone(status: string): string {
  switch (status) {
    case 'completed':
      return 'bg-emerald-100 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-200';
    case 'completed_with_errors':
      return 'bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-200';
    case 'failed':
      return 'bg-red-100 text-red-800 dark:bg-red-950 dark:text-red-200';
    case 'running':
      return 'bg-blue-100 text-blue-800 dark:bg-blue-950 dark:text-blue-200';
    default:
      return 'bg-zinc-100 text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300';
  }
}

/**
 * A cost so far: dollars for what is priced, and "unpriced" for cases whose model has no price (an
 * unknown cost is not $0). `unpricedCases` of `cases` had no price.
 */
export function formatRunCost(micros: number, unpricedCases: number, cases: number): string {
  if (cases === 0) return '—';
  if (unpricedCases >= cases) return 'unpriced';
  const dollars = formatCost(micros, '');
  return unpricedCases > 0 ? `${dollars} + ${unpricedCases} unpriced` : dollars;
}

export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return '—';
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${seconds % 60} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

export function formatPassRate(passed: number, total: number): string {
  if (total === 0) return '—';
  return `${((passed / total) * 100).toFixed(1)}%`;
}
