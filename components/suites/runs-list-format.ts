import { formatCost } from './format';

// Wording shared by the runs list, the start form and the live progress of a run.

/** A cost so far (see formatCost); "—" before any case finished. `unpricedCases` had no price. */
export function formatRunCost(micros: number, unpricedCases: number, cases: number): string {
  return cases === 0 ? '—' : formatCost(micros, unpricedCases);
}
