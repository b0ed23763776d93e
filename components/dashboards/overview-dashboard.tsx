import Link from 'next/link';
import type { ReactNode } from 'react';
import { TableScroll } from '@/components/ui/table';
import { ChartPanel } from './chart-panel';
import { errorRate, formatTotalCost, formatValue } from './format';
import { KpiStrip } from './kpi-strip';
import { costSummary, latencySummary, runsSummary } from './summaries';
import { UnpricedNotice } from './unpriced-notice';
import type { OverviewData } from './types';

const LINK = 'font-medium text-accent hover:underline dark:text-accent-soft';

/** The overview's figures and charts for one range (the page adds the filters and the home cards). */
export function OverviewDashboard({
  data,
  playgroundHref,
  canSetPrices,
  budgets,
}: {
  data: OverviewData;
  playgroundHref: string;
  canSetPrices: boolean;
  /** This month's budget progress (it does not follow the range). */
  budgets: ReactNode;
}) {
  const { range } = data;
  const hasRuns = data.current.runs > 0;
  const empty = hasRuns ? undefined : (
    <>
      No runs in this range. Run a prompt in the{' '}
      <Link href={playgroundHref} className={LINK}>
        playground
      </Link>
      , start a suite run or call the API: runs show here within a minute.
    </>
  );
  const withQuery = (path: string, extra = '') => {
    const query = [range.query, extra].filter(Boolean).join('&');
    return query ? `${path}?${query}` : path;
  };
  return (
    <div className="space-y-6" data-testid="overview-dashboard">
      <KpiStrip current={data.current} previous={data.previous} />
      {budgets}
      {data.unpricedModels.length > 0 ? (
        <UnpricedNotice models={data.unpricedModels} canSetPrices={canSetPrices} />
      ) : null}
      <div className="grid gap-6 lg:grid-cols-2">
        <ChartPanel
          title={`Cost per ${range.grain} by ${data.stackBy}`}
          summary={hasRuns ? costSummary(range, data.cost, data.stackBy) : 'No runs in this range.'}
          spec={{
            kind: 'bar',
            stacked: true,
            points: data.cost.points,
            series: data.cost.keys.map((key) => ({ key, label: key })),
            grain: range.grain,
            timeZone: range.timeZone,
            format: 'usd',
          }}
          empty={empty}
          actions={
            <nav aria-label="Stack the cost by" className="flex gap-2 text-xs">
              {(['model', 'prompt'] as const).map((by) => (
                <Link
                  key={by}
                  href={withQuery('/', by === 'prompt' ? 'stack=prompt' : '')}
                  aria-current={data.stackBy === by ? 'true' : undefined}
                  className={
                    data.stackBy === by
                      ? 'font-semibold text-zinc-900 dark:text-zinc-50'
                      : 'text-zinc-600 hover:underline dark:text-zinc-400'
                  }
                >
                  by {by}
                </Link>
              ))}
            </nav>
          }
        />
        <ChartPanel
          title="Runs per hour"
          summary={runsSummary(range, data.runsPerHour)}
          spec={{
            kind: 'bar',
            points: data.runsPerHour,
            series: [
              { key: 'runs', label: 'Runs' },
              { key: 'errors', label: 'Errors' },
            ],
            grain: 'hour',
            timeZone: range.timeZone,
            format: 'count',
          }}
          empty={empty}
        />
        <ChartPanel
          title={`Latency per ${range.grain}`}
          summary={latencySummary(data.latency)}
          spec={{
            kind: 'line',
            points: data.latency,
            series: [
              { key: 'p50', label: 'p50' },
              { key: 'p95', label: 'p95' },
            ],
            grain: range.grain,
            timeZone: range.timeZone,
            format: 'ms',
          }}
          empty={empty}
        />
        <section
          aria-labelledby="top-prompts"
          className="min-w-0 rounded-lg border border-zinc-200 bg-white shadow-xs dark:border-zinc-800 dark:bg-zinc-900"
        >
          <header className="flex items-center justify-between border-b border-zinc-200 px-4 py-3 dark:border-zinc-800">
            <h2 id="top-prompts" className="text-sm font-semibold">
              Top prompts by cost
            </h2>
            <Link href={withQuery('/cost')} className={`text-xs ${LINK}`}>
              All costs
            </Link>
          </header>
          <div className="p-4">
            {data.topPrompts.length === 0 ? (
              <p className="text-sm text-zinc-600 dark:text-zinc-400">{empty}</p>
            ) : (
              <TableScroll label="Top prompts by cost">
                <table className="w-full text-sm">
                  <thead className="bg-zinc-50 text-left text-xs text-zinc-600 dark:bg-zinc-800/50 dark:text-zinc-400">
                    <tr>
                      <th scope="col" className="px-3 py-2 font-medium">
                        Prompt
                      </th>
                      <th scope="col" className="px-3 py-2 text-right font-medium">
                        Runs
                      </th>
                      <th scope="col" className="px-3 py-2 text-right font-medium">
                        Errors
                      </th>
                      <th scope="col" className="px-3 py-2 text-right font-medium">
                        Cost
                      </th>
                    </tr>
                  </thead>
                  <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
                    {data.topPrompts.map((row) => (
                      <tr key={row.promptId}>
                        <th scope="row" className="max-w-48 px-3 py-1.5 text-left font-normal break-words">
                          <Link
                            href={`/prompts/${encodeURIComponent(row.promptId)}/metrics`}
                            className={LINK}
                          >
                            {row.name}
                          </Link>
                        </th>
                        <td className="px-3 py-1.5 text-right tabular-nums">
                          {formatValue(row.totals.runs, 'count')}
                        </td>
                        <td className="px-3 py-1.5 text-right tabular-nums">
                          {formatValue(errorRate(row.totals) ?? 0, 'percent')}
                        </td>
                        <td className="px-3 py-1.5 text-right tabular-nums">{formatTotalCost(row.totals)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableScroll>
            )}
          </div>
        </section>
      </div>
    </div>
  );
}
