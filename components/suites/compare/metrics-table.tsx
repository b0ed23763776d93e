import Link from 'next/link';
import { TableScroll } from '../../ui/table';
import { formatCount } from '../format';
import { formatDelta, formatInterval, formatValue, runLabel } from './format';
import type { CandidateComparison, CompareRunInfo } from './types';
import { MetricVerdictBadge } from './metric-verdict-badge';

/** One candidate against the baseline: each metric's values, delta with interval, verdict and evidence. */
export function MetricsTable({
  suiteId,
  baseline,
  comparison,
}: {
  suiteId: string;
  baseline: CompareRunInfo;
  comparison: CandidateComparison;
}) {
  const { run } = comparison;
  const passRate = comparison.metrics.find((m) => m.key === 'passRate');
  return (
    <section
      className="space-y-3 rounded-lg border border-zinc-200 bg-white p-4 shadow-xs dark:border-zinc-800 dark:bg-zinc-900"
      aria-labelledby={`metrics-${run.id}`}
      data-testid="candidate-metrics"
    >
      <header className="flex flex-wrap items-baseline justify-between gap-x-4 gap-y-1">
        <h2 id={`metrics-${run.id}`} className="min-w-0 text-base font-semibold break-words">
          <Link
            href={`/suites/${encodeURIComponent(suiteId)}/runs/${encodeURIComponent(run.id)}`}
            className="hover:underline"
          >
            {runLabel(run)}
          </Link>{' '}
          <span className="font-normal text-zinc-600 dark:text-zinc-400">
            against baseline {runLabel(baseline)}
          </span>
        </h2>
        {passRate ? <MetricVerdictBadge verdict={passRate.verdict} /> : null}
      </header>
      <p className="text-sm text-zinc-600 dark:text-zinc-400">
        {formatCount(comparison.sharedCases, 'shared case')}
        {comparison.onlyInBaseline ? ` · ${comparison.onlyInBaseline} only in the baseline` : ''}
        {comparison.onlyInCandidate ? ` · ${comparison.onlyInCandidate} only in this run` : ''}
        {comparison.sharedCases ? ` · ${comparison.lost} lost, ${comparison.gained} gained` : ''}
        {comparison.revisionMismatch
          ? ` · suite revision ${run.suiteRevision} vs ${baseline.suiteRevision}`
          : ''}
      </p>
      {comparison.sharedCases === 0 ? (
        <p className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100">
          These runs share no case, so nothing can be paired. Compare runs of the same suite revision, or
          re-run the candidate on the baseline&apos;s cases.
        </p>
      ) : (
        <>
          {/* On a phone each metric is a block, so its verdict and evidence read without scrolling sideways. */}
          <ul
            className="divide-y divide-zinc-100 md:hidden dark:divide-zinc-800"
            aria-label={`Metrics of ${runLabel(run)} against the baseline`}
          >
            {comparison.metrics.map((metric) => {
              const interval = formatInterval(metric);
              return (
                <li key={metric.key} data-metric-item={metric.key} className="space-y-1 py-2">
                  <div className="flex flex-wrap items-center justify-between gap-2">
                    <span className="text-sm font-medium">{metric.label}</span>
                    <MetricVerdictBadge verdict={metric.verdict} />
                  </div>
                  <p className="text-sm tabular-nums">
                    {metric.unpriced ? 'unpriced' : formatValue(metric.baseline, metric.unit)} →{' '}
                    {metric.unpriced ? 'unpriced' : formatValue(metric.candidate, metric.unit)}{' '}
                    <span className="font-medium">({formatDelta(metric.delta, metric.unit)})</span>
                  </p>
                  {interval ? <p className="text-xs text-zinc-600 dark:text-zinc-400">{interval}</p> : null}
                  <p className="text-xs text-zinc-700 dark:text-zinc-300">{metric.evidence}</p>
                  {metric.notes.map((note) => (
                    <p key={note} className="text-xs text-zinc-600 dark:text-zinc-400">
                      {note}
                    </p>
                  ))}
                </li>
              );
            })}
          </ul>
          <div className="hidden md:block">
            <TableScroll label={`Metrics of ${runLabel(run)} against the baseline`}>
              <table className="w-full min-w-[44rem] text-left text-sm">
                <thead className="border-b border-zinc-200 text-xs text-zinc-600 uppercase dark:border-zinc-800 dark:text-zinc-400">
                  <tr>
                    <th scope="col" className="px-3 py-2 font-medium">
                      Metric
                    </th>
                    <th scope="col" className="px-3 py-2 text-right font-medium">
                      Baseline
                    </th>
                    <th scope="col" className="px-3 py-2 text-right font-medium">
                      Candidate
                    </th>
                    <th scope="col" className="px-3 py-2 text-right font-medium">
                      Change
                    </th>
                    <th scope="col" className="px-3 py-2 font-medium">
                      Verdict and evidence
                    </th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
                  {comparison.metrics.map((metric) => {
                    const interval = formatInterval(metric);
                    return (
                      <tr key={metric.key} data-metric={metric.key} className="align-top">
                        <th scope="row" className="px-3 py-2 font-medium whitespace-nowrap">
                          {metric.label}
                        </th>
                        <td className="px-3 py-2 text-right tabular-nums whitespace-nowrap">
                          {metric.unpriced ? 'unpriced' : formatValue(metric.baseline, metric.unit)}
                        </td>
                        <td className="px-3 py-2 text-right tabular-nums whitespace-nowrap">
                          {metric.unpriced ? 'unpriced' : formatValue(metric.candidate, metric.unit)}
                        </td>
                        <td className="px-3 py-2 text-right tabular-nums whitespace-nowrap">
                          <div>{formatDelta(metric.delta, metric.unit)}</div>
                          {interval ? (
                            <div className="text-xs text-zinc-600 dark:text-zinc-400">{interval}</div>
                          ) : null}
                        </td>
                        <td className="px-3 py-2">
                          <MetricVerdictBadge verdict={metric.verdict} />
                          <p className="mt-1 text-xs text-zinc-700 dark:text-zinc-300" data-testid="evidence">
                            {metric.evidence}
                          </p>
                          {metric.notes.map((note) => (
                            <p key={note} className="mt-0.5 text-xs text-zinc-600 dark:text-zinc-400">
                              {note}
                            </p>
                          ))}
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </TableScroll>
          </div>
        </>
      )}
    </section>
  );
}
