import Link from 'next/link';
import { TableScroll } from '@/components/ui/table';
import { ChartPanel } from './chart-panel';
import { costPerCall, errorRate, formatBucket, formatValue } from './format';
import type { PromptMetricsData, SeriesPoint } from './types';

const LINK = 'font-medium text-accent hover:underline dark:text-accent-soft';

/** The bucket a moment falls in: the last point starting at or before it. */
function bucketAt(points: SeriesPoint[], at: string): string | undefined {
  let found: string | undefined;
  for (const point of points) if (point.t <= at) found = point.t;
  return found;
}

/** A prompt's metrics per version and over time, with where production moved marked on the timeline. */
export function PromptMetrics({ data, playgroundHref }: { data: PromptMetricsData; playgroundHref: string }) {
  const { range } = data;
  const markers = data.moves.flatMap((move) => {
    const t = bucketAt(data.timeline, move.at);
    return t ? [{ t, label: `v${move.to ?? '–'} to production` }] : [];
  });
  const runs = data.timeline.reduce((sum, point) => sum + (point.values.runs ?? 0), 0);
  const empty =
    runs === 0 ? (
      <>
        No runs of this prompt in this range. Try it in the{' '}
        <Link href={playgroundHref} className={LINK}>
          playground
        </Link>{' '}
        or start a suite run: runs show here within a minute.
      </>
    ) : undefined;
  const moveText =
    data.moves.length === 0
      ? 'Production did not move in this range.'
      : `Production moved ${data.moves.length} ${data.moves.length === 1 ? 'time' : 'times'}: ${data.moves
          .map((move) => `to v${move.to ?? '–'} on ${formatBucket(move.at, 'hour', range.timeZone)}`)
          .join('; ')}.`;
  const active = data.timeline.filter((point) => (point.values.runs ?? 0) > 0);
  const costs = active.map((point) => point.values.costPerCall ?? 0);
  const p95s = active.map((point) => point.values.p95 ?? 0);

  return (
    <div className="space-y-6" data-testid="prompt-metrics">
      <section aria-labelledby="per-version" className="space-y-2">
        <h2 id="per-version" className="text-sm font-semibold">
          Per version
        </h2>
        {data.versions.length === 0 ? (
          <p className="rounded-md border border-dashed border-zinc-300 px-4 py-6 text-center text-sm text-zinc-600 dark:border-zinc-700 dark:text-zinc-400">
            {empty}
          </p>
        ) : (
          <TableScroll label="Metrics per version">
            <table className="w-full text-sm" data-testid="version-metrics">
              <thead className="bg-zinc-50 text-left text-xs text-zinc-600 dark:bg-zinc-800/50 dark:text-zinc-400">
                <tr>
                  {[
                    'Version',
                    'Runs',
                    'Cost per call',
                    'Latency p50',
                    'Latency p95',
                    'Error rate',
                    'Latest suite score',
                  ].map((label, i) => (
                    <th
                      key={label}
                      scope="col"
                      className={`px-3 py-2 font-medium ${i > 0 && i < 6 ? 'text-right' : ''}`}
                    >
                      {label}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
                {data.versions.map((row) => {
                  const perCall = costPerCall(row.totals);
                  const rate = errorRate(row.totals);
                  return (
                    <tr key={row.version}>
                      <th scope="row" className="px-3 py-1.5 text-left font-medium">
                        v{row.version}
                      </th>
                      <td className="px-3 py-1.5 text-right tabular-nums">
                        {formatValue(row.totals.runs, 'count')}
                      </td>
                      <td className="px-3 py-1.5 text-right tabular-nums">
                        {row.totals.runs === 0
                          ? '—'
                          : perCall === null
                            ? 'unknown'
                            : formatValue(perCall, 'usd')}
                      </td>
                      <td className="px-3 py-1.5 text-right tabular-nums">
                        {row.totals.runs > 0 && row.totals.p50Ms !== undefined
                          ? formatValue(row.totals.p50Ms, 'ms')
                          : '—'}
                      </td>
                      <td className="px-3 py-1.5 text-right tabular-nums">
                        {row.totals.runs > 0 && row.totals.p95Ms !== undefined
                          ? formatValue(row.totals.p95Ms, 'ms')
                          : '—'}
                      </td>
                      <td className="px-3 py-1.5 text-right tabular-nums">
                        {rate === null ? '—' : formatValue(rate, 'percent')}
                      </td>
                      <td className="px-3 py-1.5">
                        {row.suite ? (
                          <Link
                            href={`/suites/${row.suite.suiteId}/runs/${row.suite.runId}`}
                            className={LINK}
                          >
                            {formatValue(row.suite.passRate, 'percent')} on {row.suite.suiteName}
                          </Link>
                        ) : (
                          <span className="text-zinc-600 dark:text-zinc-400">not evaluated</span>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </TableScroll>
        )}
      </section>
      <p className="text-sm text-zinc-600 dark:text-zinc-400" data-testid="production-moves">
        {moveText}
      </p>
      <div className="grid gap-6 lg:grid-cols-2">
        <ChartPanel
          title={`Cost per call per ${range.grain}`}
          summary={
            costs.length === 0
              ? 'No runs in this range.'
              : `Between ${formatValue(Math.min(...costs), 'usd')} and ${formatValue(Math.max(...costs), 'usd')} per call. ${moveText}`
          }
          spec={{
            kind: 'line',
            points: data.timeline,
            series: [{ key: 'costPerCall', label: 'Cost per call' }],
            grain: range.grain,
            timeZone: range.timeZone,
            format: 'usd',
            markers,
          }}
          empty={empty}
        />
        <ChartPanel
          title={`Latency per ${range.grain}`}
          summary={
            p95s.length === 0
              ? 'No runs in this range.'
              : `p95 between ${formatValue(Math.min(...p95s), 'ms')} and ${formatValue(Math.max(...p95s), 'ms')}. ${moveText}`
          }
          spec={{
            kind: 'line',
            points: data.timeline,
            series: [
              { key: 'p50', label: 'p50' },
              { key: 'p95', label: 'p95' },
            ],
            grain: range.grain,
            timeZone: range.timeZone,
            format: 'ms',
            markers,
          }}
          empty={empty}
        />
      </div>
    </div>
  );
}
