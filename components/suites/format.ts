/** Small display helpers of the suites screens (no server code). */

/** A rate in [0, 1] as a percentage: "83.3%" (`decimals` at most), "—" when there is none. */
export function formatPercent(value: number | null | undefined, decimals = 1): string {
  if (value === null || value === undefined) return '—';
  const scale = 10 ** decimals;
  return `${Math.round(value * 100 * scale) / scale}%`;
}

/** Dollars from micro-dollars, with enough digits that a cheap call is not shown as $0.00. */
export function formatDollars(micros: number): string {
  const dollars = micros / 1_000_000;
  const abs = Math.abs(dollars);
  const digits = abs === 0 ? 2 : abs >= 1 ? 2 : abs >= 0.01 ? 4 : 6;
  return `${dollars < 0 ? '−' : ''}$${abs.toFixed(digits)}`;
}

/**
 * A cost with its unpriced part (a price the cost table does not know is never $0):
 * "$0.0144 + 3 unpriced", "unpriced (4)" when none of it had a price, "unpriced" for `null`.
 */
export function formatCost(micros: number | null, unpriced = 0): string {
  if (micros === null) return 'unpriced';
  if (unpriced > 0 && micros === 0) return `unpriced (${unpriced})`;
  return unpriced > 0 ? `${formatDollars(micros)} + ${unpriced} unpriced` : formatDollars(micros);
}

/** "1 h 2 min", "3 min 15 s", "42 s"; "—" when there is no duration. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return '—';
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${seconds % 60} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

export function formatCount(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

/** A case input value as one short line of text. */
export function formatInputValue(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}
