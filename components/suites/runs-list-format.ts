import { formatCost } from './format';

// Wording shared by the runs list, the start form and the live progress of a run.

/** Still moving: the progress polls, the list refreshes. */
export function isActiveRun(status: string): boolean {
  return status === 'queued' || status === 'running';
}

/** A cost so far (see formatCost); "—" before any case finished. `unpricedCases` had no price. */
export function formatRunCost(micros: number, unpricedCases: number, cases: number): string {
  return cases === 0 ? '—' : formatCost(micros, unpricedCases);
}
