import { errorRate, formatChange, formatTotalCost, formatValue, type ValueFormat } from './format';
import type { Totals } from './types';

interface Kpi {
  label: string;
  /** The value as shown (cost keeps its unpriced part). */
  text: string;
  current: number | null;
  previous: number | null;
  /** Whether a rise is good news (green), bad news (red) or neither. */
  rise: 'good' | 'bad' | 'neutral';
}

function kpis(current: Totals, previous: Totals): Kpi[] {
  const value = (n: number | null | undefined, format: ValueFormat) =>
    n === null || n === undefined ? '—' : formatValue(n, format);
  const latency = (totals: Totals, key: 'p50Ms' | 'p95Ms') =>
    totals.runs > 0 ? (totals[key] ?? null) : null;
  return [
    {
      label: 'Runs',
      text: value(current.runs, 'count'),
      current: current.runs,
      previous: previous.runs,
      rise: 'neutral',
    },
    {
      label: 'Cost',
      text: formatTotalCost(current),
      current: current.costMicros,
      previous: previous.costMicros,
      rise: 'bad',
    },
    {
      label: 'Tokens in',
      text: value(current.inputTokens, 'tokens'),
      current: current.inputTokens,
      previous: previous.inputTokens,
      rise: 'neutral',
    },
    {
      label: 'Tokens out',
      text: value(current.outputTokens, 'tokens'),
      current: current.outputTokens,
      previous: previous.outputTokens,
      rise: 'neutral',
    },
    {
      label: 'Error rate',
      text: value(errorRate(current), 'percent'),
      current: errorRate(current),
      previous: errorRate(previous),
      rise: 'bad',
    },
    {
      label: 'Latency p50',
      text: value(latency(current, 'p50Ms'), 'ms'),
      current: latency(current, 'p50Ms'),
      previous: latency(previous, 'p50Ms'),
      rise: 'bad',
    },
    {
      label: 'Latency p95',
      text: value(latency(current, 'p95Ms'), 'ms'),
      current: latency(current, 'p95Ms'),
      previous: latency(previous, 'p95Ms'),
      rise: 'bad',
    },
  ];
}

const TONE = {
  good: 'text-emerald-700 dark:text-emerald-300',
  bad: 'text-red-700 dark:text-red-300',
  neutral: 'text-zinc-600 dark:text-zinc-400',
};

/** The range's key figures, each with its change against the previous period of equal length. */
export function KpiStrip({ current, previous }: { current: Totals; previous: Totals }) {
  return (
    <ul
      aria-label="Key figures"
      className="grid grid-cols-2 gap-3 sm:grid-cols-4 xl:grid-cols-7"
      data-testid="kpi-strip"
    >
      {kpis(current, previous).map((kpi) => {
        const change = formatChange(kpi.current, kpi.previous);
        const direction =
          kpi.current !== null && kpi.previous !== null && kpi.current !== kpi.previous
            ? kpi.current > kpi.previous
              ? 'up'
              : 'down'
            : 'flat';
        const tone =
          direction === 'flat' || kpi.rise === 'neutral'
            ? TONE.neutral
            : (direction === 'up') === (kpi.rise === 'good')
              ? TONE.good
              : TONE.bad;
        return (
          <li
            key={kpi.label}
            data-testid={`kpi-${kpi.label.toLowerCase().replace(/\s+/g, '-')}`}
            className="min-w-0 rounded-lg border border-zinc-200 bg-white px-3 py-3 dark:border-zinc-800 dark:bg-zinc-900"
          >
            <span className="block text-xs font-medium text-zinc-600 dark:text-zinc-400">{kpi.label}</span>
            <span className="block text-lg font-semibold break-words tabular-nums" data-testid="kpi-value">
              {kpi.text}
            </span>
            <span className={`block text-xs ${tone}`}>
              {change === null ? (
                'no previous data'
              ) : (
                <>
                  <span aria-hidden="true">
                    {direction === 'up' ? '▲ ' : direction === 'down' ? '▼ ' : ''}
                  </span>
                  {change} <span className="text-zinc-600 dark:text-zinc-400">vs previous period</span>
                </>
              )}
            </span>
          </li>
        );
      })}
    </ul>
  );
}
