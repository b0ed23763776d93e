/** Display helpers of the dashboards (no server code). */
import { formatDollars } from '@/components/suites/format';
import type { Totals } from './types';

export type ValueFormat = 'usd' | 'count' | 'ms' | 'percent' | 'tokens';

export function formatValue(value: number, format: ValueFormat): string {
  switch (format) {
    case 'usd':
      return formatDollars(Math.round(value));
    case 'ms':
      return value >= 10_000
        ? `${(value / 1000).toFixed(1)} s`
        : `${Math.round(value).toLocaleString('en-US')} ms`;
    case 'percent':
      return `${(Math.round(value * 1000) / 10).toLocaleString('en-US')}%`;
    case 'count':
    case 'tokens':
      return Math.round(value).toLocaleString('en-US');
  }
}

/** Short axis labels: "$1.2", "12k", "1.5 s". */
export function formatAxis(value: number, format: ValueFormat): string {
  const compact = (n: number) =>
    new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 }).format(n);
  switch (format) {
    case 'usd': {
      const dollars = value / 1_000_000;
      return dollars !== 0 && Math.abs(dollars) < 1 ? `$${dollars.toPrecision(2)}` : `$${compact(dollars)}`;
    }
    case 'ms':
      return value >= 1000 ? `${compact(value / 1000)} s` : `${compact(value)} ms`;
    case 'percent':
      return `${Math.round(value * 100)}%`;
    default:
      return compact(value);
  }
}

/**
 * A total cost that never shows unknown prices as free: "$1.23", "$1.23 + 4 runs without a
 * price", "unknown (4 runs without a price)" when nothing in it was priced.
 */
export function formatTotalCost(totals: Pick<Totals, 'costMicros' | 'unpricedRuns' | 'runs'>): string {
  const unpriced = totals.unpricedRuns;
  if (unpriced === 0) return formatDollars(totals.costMicros);
  const without = `${unpriced.toLocaleString('en-US')} ${unpriced === 1 ? 'run' : 'runs'} without a price`;
  if (unpriced >= totals.runs) return `unknown (${without})`;
  return `${formatDollars(totals.costMicros)} + ${without}`;
}

export function errorRate(totals: Pick<Totals, 'errors' | 'runs'>): number | null {
  return totals.runs > 0 ? totals.errors / totals.runs : null;
}

/** Cost per priced call in micro-dollars, or null when no call was priced. */
export function costPerCall(totals: Pick<Totals, 'costMicros' | 'unpricedRuns' | 'runs'>): number | null {
  const priced = totals.runs - totals.unpricedRuns;
  return priced > 0 ? totals.costMicros / priced : null;
}

/** The change from the previous period: "+12.5%", "−3%", "new" (nothing before), null (no data). */
export function formatChange(current: number | null, previous: number | null): string | null {
  if (current === null || previous === null) return null;
  if (previous === 0) return current === 0 ? '0%' : 'new';
  const change = ((current - previous) / Math.abs(previous)) * 100;
  const rounded = Math.abs(change) >= 10 ? Math.round(change) : Math.round(change * 10) / 10;
  if (rounded === 0) return '0%';
  return `${rounded > 0 ? '+' : '−'}${Math.abs(rounded)}%`;
}

/** A bucket's start as the time zone's wall clock: "Mar 4" for days, "Mar 4, 14:00" for hours. */
export function formatBucket(iso: string, grain: 'hour' | 'day', timeZone: string): string {
  return new Intl.DateTimeFormat('en-US', {
    timeZone,
    month: 'short',
    day: 'numeric',
    ...(grain === 'hour' ? { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' as const } : {}),
  }).format(new Date(iso));
}

/** A range for sentences: "Mar 4 – Mar 10" ([from, to) with `to` exclusive, shown inclusive). */
export function formatRange(from: string, to: string, grain: 'hour' | 'day', timeZone: string): string {
  const last = new Date(Date.parse(to) - (grain === 'hour' ? 3_600_000 : 86_400_000)).toISOString();
  return `${formatBucket(from, grain, timeZone)} – ${formatBucket(last, grain, timeZone)}`;
}
