import { formatCost } from '@/components/playground/format-cost';

// Wording shared by the runs list, the start form and the live progress of a run.

/** Still moving: the progress polls, the list refreshes. */
export function isActiveRun(status: string): boolean {
  return status === 'queued' || status === 'running';
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
