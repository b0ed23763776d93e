import { formatDollars } from '../format';
import type { MetricRow, MetricUnit, MetricVerdict } from './types';

/** A metric's value: "87.5%", "0.82", "$0.000120", "340 ms". */
export function formatValue(value: number | null, unit: MetricUnit): string {
  if (value === null) return '—';
  switch (unit) {
    case 'rate':
      return `${(value * 100).toFixed(1)}%`;
    case 'score':
      return value.toFixed(3);
    case 'micros':
      return formatDollars(value);
    case 'ms':
      return value >= 10_000 ? `${(value / 1000).toFixed(1)} s` : `${Math.round(value)} ms`;
  }
}

/** A signed delta in the metric's unit; rates in percentage points. */
export function formatDelta(value: number | null, unit: MetricUnit): string {
  if (value === null) return '—';
  const sign = value > 0 ? '+' : value < 0 ? '−' : '±';
  const abs = Math.abs(value);
  switch (unit) {
    case 'rate':
      return `${sign}${(abs * 100).toFixed(1)} pp`;
    case 'score':
      return `${sign}${abs.toFixed(3)}`;
    case 'micros':
      return `${sign}${formatDollars(abs)}`;
    case 'ms':
      return `${sign}${formatValue(abs, 'ms')}`;
  }
}

/** "95% CI −12.0 pp to −3.1 pp". */
export function formatInterval(row: Pick<MetricRow, 'interval' | 'unit'>): string | null {
  if (!row.interval) return null;
  const { low, high, confidence } = row.interval;
  return `${Math.round(confidence * 100)}% CI ${formatDelta(low, row.unit)} to ${formatDelta(high, row.unit)}`;
}

export const VERDICT_TEXT: Record<MetricVerdict, string> = {
  regression: 'Significant regression',
  improvement: 'Significant improvement',
  'no-detectable-change': 'No detectable change',
  'not-tested': 'Not tested',
  'not-measurable': 'Not measurable',
};

/** "v3 · openai/gpt-4o-mini" */
export function runLabel(run: { promptVersion: number; provider: string; model: string }): string {
  return `v${run.promptVersion} · ${run.provider}/${run.model}`;
}
