'use client';

import {
  Area,
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  LineChart,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { ExperimentResults } from './types';

// recharts is loaded only on the results page, through results-charts-lazy.tsx.

const COLOURS = ['#6366f1', '#10b981', '#f59e0b', '#ef4444', '#0ea5e9'];
const AXIS = { fontSize: 11, fill: 'currentColor' };

function ChartFrame({
  title,
  summary,
  children,
}: {
  title: string;
  summary: string;
  children: React.ReactNode;
}) {
  return (
    <figure className="space-y-2">
      <figcaption className="text-sm font-medium">{title}</figcaption>
      <div role="img" aria-label={`${title}. ${summary}`} className="h-56 text-zinc-500 dark:text-zinc-400">
        <ResponsiveContainer width="100%" height="100%">
          {children as React.ReactElement}
        </ResponsiveContainer>
      </div>
      <p className="text-xs text-zinc-600 dark:text-zinc-400">{summary}</p>
    </figure>
  );
}

export function ResultsCharts({ results }: { results: ExperimentResults }) {
  const names = results.variants.map((v) => v.name);
  const binary = results.experiment.metric.kind === 'binary';
  const last = results.exposuresOverTime.at(-1);

  const exposureData = results.exposuresOverTime.map((point) => ({
    day: point.day,
    ...Object.fromEntries(
      names.flatMap((n) => [
        [n, point.observed[n] ?? 0],
        [`${n} expected`, point.expected[n] ?? 0],
      ]),
    ),
  }));
  const exposureSummary = last
    ? `By ${last.day}: ${names.map((n) => `${n} ${last.observed[n] ?? 0} observed vs ${last.expected[n] ?? 0} expected`).join('; ')}.`
    : 'No exposures yet.';

  const challengers = names.slice(1);
  const liftData = [...new Set(results.liftOverTime.map((p) => p.day))].map((day) => {
    const row: Record<string, number | string | null | [number, number]> = { day };
    for (const p of results.liftOverTime.filter((q) => q.day === day)) {
      row[p.variant] = p.lift === null ? null : p.lift * 100;
      row[`${p.variant} band`] = p.low === null || p.high === null ? null : [p.low * 100, p.high * 100];
    }
    return row;
  });
  const lastLift = results.liftOverTime.filter((p) => p.day === liftData.at(-1)?.day);
  const pct = (v: number | null) => (v === null ? 'unknown' : `${(v * 100).toFixed(1)}%`);
  const liftSummary =
    lastLift.length > 0
      ? lastLift
          .map(
            (p) => `${p.variant}: lift ${pct(p.lift)}, confidence sequence ${pct(p.low)} to ${pct(p.high)}`,
          )
          .join('; ') + '. The band narrows as data arrives; a band clear of 0 is a significant difference.'
      : 'No comparison yet.';

  const metricData = results.metricByDay.map((point) => ({
    day: point.day,
    ...Object.fromEntries(
      names.map((n) => [
        n,
        point.values[n] === null ? null : (point.values[n] as number) * (binary ? 100 : 1),
      ]),
    ),
  }));
  const metricSummary =
    results.metricByDay.length > 0
      ? `${results.metricByDay.length} ${results.metricByDay.length === 1 ? 'day' : 'days'}. Latest day: ${names
          .map((n) => {
            const v = results.metricByDay.at(-1)?.values[n];
            return `${n} ${v === null || v === undefined ? 'no data' : binary ? `${(v * 100).toFixed(2)}%` : v.toPrecision(4)}`;
          })
          .join('; ')}.`
      : 'No data yet.';

  return (
    <div className="grid gap-6 lg:grid-cols-3" data-testid="results-charts">
      <ChartFrame title="Cumulative exposures vs configured split" summary={exposureSummary}>
        <LineChart data={exposureData}>
          <CartesianGrid strokeOpacity={0.2} />
          <XAxis dataKey="day" tick={AXIS} />
          <YAxis tick={AXIS} width={56} />
          <Tooltip contentStyle={{ fontSize: 12 }} />
          <Legend wrapperStyle={{ fontSize: 11 }} />
          {names.map((n, i) => (
            <Line
              key={n}
              dataKey={n}
              stroke={COLOURS[i % COLOURS.length]}
              dot={false}
              isAnimationActive={false}
            />
          ))}
          {names.map((n, i) => (
            <Line
              key={`${n} expected`}
              dataKey={`${n} expected`}
              stroke={COLOURS[i % COLOURS.length]}
              strokeDasharray="4 4"
              dot={false}
              legendType="none"
              isAnimationActive={false}
            />
          ))}
        </LineChart>
      </ChartFrame>
      <ChartFrame title="Lift over control (%), with its confidence sequence" summary={liftSummary}>
        <ComposedChart data={liftData}>
          <CartesianGrid strokeOpacity={0.2} />
          <XAxis dataKey="day" tick={AXIS} />
          <YAxis tick={AXIS} width={48} allowDataOverflow domain={['auto', 'auto']} />
          <Tooltip contentStyle={{ fontSize: 12 }} />
          <ReferenceLine y={0} stroke="currentColor" strokeOpacity={0.5} />
          {challengers.map((n, i) => (
            <Area
              key={`${n} band`}
              dataKey={`${n} band`}
              fill={COLOURS[(i + 1) % COLOURS.length]}
              fillOpacity={0.15}
              stroke="none"
              isAnimationActive={false}
            />
          ))}
          {challengers.map((n, i) => (
            <Line
              key={n}
              dataKey={n}
              stroke={COLOURS[(i + 1) % COLOURS.length]}
              dot={false}
              isAnimationActive={false}
            />
          ))}
        </ComposedChart>
      </ChartFrame>
      <ChartFrame title={binary ? 'Conversion rate per day (%)' : 'Mean per day'} summary={metricSummary}>
        <LineChart data={metricData}>
          <CartesianGrid strokeOpacity={0.2} />
          <XAxis dataKey="day" tick={AXIS} />
          <YAxis tick={AXIS} width={48} />
          <Tooltip contentStyle={{ fontSize: 12 }} />
          <Legend wrapperStyle={{ fontSize: 11 }} />
          {names.map((n, i) => (
            <Line
              key={n}
              dataKey={n}
              stroke={COLOURS[i % COLOURS.length]}
              dot={false}
              connectNulls
              isAnimationActive={false}
            />
          ))}
        </LineChart>
      </ChartFrame>
    </div>
  );
}
