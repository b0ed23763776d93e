import { formatDuration, formatPercent } from '../format';

// Plain-text formats of the run page's figures (costs and durations: ../format.ts).

/** "72% (95% CI 61–81%)" */
export function formatRateInterval(interval: {
  value: number;
  low: number;
  high: number;
  confidence: number;
}): string {
  return `${formatPercent(interval.value, 0)} (${Math.round(interval.confidence * 100)}% CI ${Math.round(interval.low * 100)}–${formatPercent(interval.high, 0)})`;
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

export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return formatDuration(ms);
}

export function formatTokens(usage: { inputTokens: number; outputTokens: number }): string {
  return `${usage.inputTokens.toLocaleString('en')} in · ${usage.outputTokens.toLocaleString('en')} out`;
}

export function formatKappa(kappa: number): string {
  return kappa.toFixed(2);
}
