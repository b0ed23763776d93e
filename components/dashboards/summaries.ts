/** One-sentence summaries of the charts: what a screen reader announces, and what a glance needs. */
import { formatBucket, formatRange, formatValue } from './format';
import type { RangeView, Series, SeriesPoint } from './types';

function peak(points: SeriesPoint[], valueOf: (point: SeriesPoint) => number) {
  let best: SeriesPoint | undefined;
  for (const point of points) if (!best || valueOf(point) > valueOf(best)) best = point;
  return best;
}

const sum = (values: Record<string, number>) => Object.values(values).reduce((a, b) => a + b, 0);

export function costSummary(range: RangeView, cost: Series, stackBy: string): string {
  const when = formatRange(range.from, range.to, range.grain, range.timeZone);
  const total = cost.points.reduce((acc, point) => acc + sum(point.values), 0);
  if (total === 0) return `No priced runs ${when}.`;
  const top = peak(cost.points, (point) => sum(point.values));
  const byKey = cost.keys
    .map((key) => ({ key, total: cost.points.reduce((acc, point) => acc + (point.values[key] ?? 0), 0) }))
    .sort((a, b) => b.total - a.total)[0];
  return (
    `${formatValue(total, 'usd')} in total, ${when}. ` +
    (top
      ? `The most expensive ${range.grain} was ${formatBucket(top.t, range.grain, range.timeZone)} (${formatValue(sum(top.values), 'usd')}). `
      : '') +
    (byKey ? `By ${stackBy}, ${byKey.key} cost the most (${formatValue(byKey.total, 'usd')}).` : '')
  );
}

export function runsSummary(range: RangeView, points: SeriesPoint[]): string {
  const runs = points.reduce((acc, point) => acc + (point.values.runs ?? 0), 0);
  const errors = points.reduce((acc, point) => acc + (point.values.errors ?? 0), 0);
  if (runs === 0) return 'No runs in this range.';
  const top = peak(points, (point) => point.values.runs ?? 0);
  return (
    `${formatValue(runs, 'count')} runs and ${formatValue(errors, 'count')} errors. ` +
    (top
      ? `Busiest hour: ${formatBucket(top.t, 'hour', range.timeZone)} with ${formatValue(top.values.runs ?? 0, 'count')} runs.`
      : '')
  );
}

export function latencySummary(points: SeriesPoint[]): string {
  if (points.length === 0) return 'No latency to show: nothing ran in this range.';
  const p95 = points.map((point) => point.values.p95 ?? 0);
  const p50 = points.map((point) => point.values.p50 ?? 0);
  return (
    `p95 between ${formatValue(Math.min(...p95), 'ms')} and ${formatValue(Math.max(...p95), 'ms')}; ` +
    `p50 between ${formatValue(Math.min(...p50), 'ms')} and ${formatValue(Math.max(...p50), 'ms')}.`
  );
}
