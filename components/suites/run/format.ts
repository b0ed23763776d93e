// Plain-text formats of the run page's figures. Costs are micro-dollars; an unknown price is never $0.

export function formatPercent(value: number): string {
  return `${Math.round(value * 100)}%`;
}

/** "72% (95% CI 61–81%)" */
export function formatRateInterval(interval: {
  value: number;
  low: number;
  high: number;
  confidence: number;
}): string {
  return `${formatPercent(interval.value)} (${Math.round(interval.confidence * 100)}% CI ${Math.round(interval.low * 100)}–${formatPercent(interval.high)})`;
}

/** "0.74 (95% CI 0.70–0.78)" for scores in [0, 1]. */
export function formatScoreInterval(interval: {
  value: number;
  low: number;
  high: number;
  confidence: number;
}): string {
  return `${interval.value.toFixed(2)} (${Math.round(interval.confidence * 100)}% CI ${interval.low.toFixed(2)}–${interval.high.toFixed(2)})`;
}

/** Dollars from micro-dollars, with enough digits that a cheap call is not shown as $0.00. */
export function formatMicros(micros: number): string {
  const dollars = micros / 1_000_000;
  if (micros === 0) return '$0';
  if (dollars >= 100) return `$${dollars.toFixed(2)}`;
  if (dollars >= 0.01) return `$${dollars.toFixed(4)}`;
  return `$${dollars.toFixed(6)}`;
}

/** A cost with its unpriced part: "$0.0144 + 3 unpriced", or "unpriced" when nothing had a price. */
export function formatCost(micros: number | null, unpriced = 0): string {
  if (micros === null) return 'unpriced';
  if (unpriced > 0 && micros === 0) return `unpriced (${unpriced})`;
  return unpriced > 0 ? `${formatMicros(micros)} + ${unpriced} unpriced` : formatMicros(micros);
}

export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return formatDuration(ms);
}

/** "1 h 2 min", "3 min 15 s", "42 s". */
export function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${seconds % 60} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

export function formatTokens(usage: { inputTokens: number; outputTokens: number }): string {
  return `${usage.inputTokens.toLocaleString('en')} in · ${usage.outputTokens.toLocaleString('en')} out`;
}

export function formatKappa(kappa: number): string {
  return kappa.toFixed(2);
}
