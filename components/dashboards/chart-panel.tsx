'use client';

import dynamic from 'next/dynamic';
import { useId, useState, type ReactNode } from 'react';
import { TableScroll } from '@/components/ui/table';
import type { ChartSpec } from './chart-spec';
import { formatBucket, formatValue } from './format';

/** The chart library in its own chunk, fetched after the page is interactive. */
const Chart = dynamic(() => import('./chart').then((m) => m.Chart), {
  ssr: false,
  loading: () => <ChartPlaceholder />,
});

function ChartPlaceholder() {
  return (
    <div className="flex h-60 items-center justify-center text-sm text-zinc-600 dark:text-zinc-400">
      Loading chart…
    </div>
  );
}

/**
 * One chart with what makes it usable without seeing it: a one-sentence summary (read by screen
 * readers as the chart's description), and a toggle that shows the same numbers as a table.
 * `empty` replaces the chart when there is nothing to draw and says how to get data.
 */
export function ChartPanel({
  title,
  summary,
  spec,
  empty,
  actions,
}: {
  title: string;
  summary: string;
  spec: ChartSpec;
  empty?: ReactNode;
  actions?: ReactNode;
}) {
  const [asTable, setAsTable] = useState(false);
  const summaryId = useId();
  const headingId = useId();
  return (
    <section
      aria-labelledby={headingId}
      className="min-w-0 rounded-lg border border-zinc-200 bg-white shadow-xs dark:border-zinc-800 dark:bg-zinc-900"
    >
      <header className="flex flex-wrap items-center justify-between gap-2 border-b border-zinc-200 px-4 py-3 dark:border-zinc-800">
        <h2 id={headingId} className="text-sm font-semibold">
          {title}
        </h2>
        <div className="flex items-center gap-3">
          {actions}
          {empty ? null : (
            <button
              type="button"
              aria-pressed={asTable}
              onClick={() => setAsTable((value) => !value)}
              className="text-xs font-medium text-accent hover:underline dark:text-accent-soft"
            >
              {asTable ? 'Show as chart' : 'Show as table'}
            </button>
          )}
        </div>
      </header>
      <div className="space-y-2 p-4">
        {empty ? null : (
          <p id={summaryId} className="text-sm text-zinc-600 dark:text-zinc-400">
            {summary}
          </p>
        )}
        {empty ? (
          <div className="rounded-md border border-dashed border-zinc-300 px-4 py-8 text-center text-sm text-zinc-600 dark:border-zinc-700 dark:text-zinc-400">
            {empty}
          </div>
        ) : asTable ? (
          <SeriesTable title={title} spec={spec} />
        ) : (
          <div role="img" aria-label={title} aria-describedby={summaryId}>
            <Chart spec={spec} />
          </div>
        )}
      </div>
    </section>
  );
}

function SeriesTable({ title, spec }: { title: string; spec: ChartSpec }) {
  return (
    <TableScroll label={`${title} as a table`}>
      <table className="w-full text-sm">
        <thead className="bg-zinc-50 text-left text-xs text-zinc-600 dark:bg-zinc-800/50 dark:text-zinc-400">
          <tr>
            <th scope="col" className="px-3 py-2 font-medium">
              {spec.grain === 'hour' ? 'Hour' : 'Day'}
            </th>
            {spec.series.map((s) => (
              <th key={s.key} scope="col" className="px-3 py-2 text-right font-medium">
                {s.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
          {spec.points.map((point) => (
            <tr key={point.t}>
              <th scope="row" className="px-3 py-1.5 text-left font-normal whitespace-nowrap">
                {formatBucket(point.t, spec.grain, spec.timeZone)}
              </th>
              {spec.series.map((s) => (
                <td key={s.key} className="px-3 py-1.5 text-right tabular-nums">
                  {formatValue(point.values[s.key] ?? 0, spec.format)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}
