import Link from 'next/link';
import type { ReactNode } from 'react';
import { buttonClasses } from '../../ui/button';
import { formatCost, formatDuration, formatPercent } from '../format';
import { formatKappa, formatMs, formatRateInterval, formatScoreInterval, formatTokens } from './format';
import { RunStatusBadge } from '../run-status';
import type { JudgeAgreementView, RunInfo, RunSummaryView } from './types';

const muted = 'text-zinc-600 dark:text-zinc-400';

/**
 * The run's title block: prompt version, status, model, judge, who started it and when. It sits
 * under the suite's layout (suite name and tabs), so its title is a second-level heading.
 */
export function RunHeader({ run }: { run: RunInfo }) {
  const started = run.startedAt ?? run.createdAt;
  return (
    <header className="space-y-2">
      <Link
        href={`/suites/${encodeURIComponent(run.suiteId)}/runs`}
        className={`text-xs hover:underline ${muted}`}
      >
        ← Runs of {run.suiteName}
      </Link>
      <div className="flex flex-wrap items-start justify-between gap-x-4 gap-y-3">
        <div className="min-w-0 flex-1 basis-72 space-y-1">
          <div className="flex flex-wrap items-center gap-2">
            {/* An h2: the suite's layout above carries the page's h1 (the suite's name). */}
            <h2 className="min-w-0 text-xl font-semibold break-words">
              Run of {run.promptName} v{run.promptVersion}
            </h2>
            <RunStatusBadge status={run.status} testId="run-status" />
          </div>
          <dl className={`flex flex-wrap gap-x-4 gap-y-1 text-sm ${muted}`}>
            <div className="flex min-w-0 gap-1">
              <dt>Prompt</dt>
              <dd className="min-w-0 truncate">
                <Link
                  className="font-medium text-accent hover:underline"
                  href={`/prompts/${encodeURIComponent(run.promptId)}/history`}
                >
                  {run.promptName} v{run.promptVersion}
                </Link>
              </dd>
            </div>
            <div className="flex min-w-0 gap-1">
              <dt>Model</dt>
              <dd className="truncate font-medium text-zinc-800 dark:text-zinc-200">
                {run.provider} / {run.model}
              </dd>
            </div>
            {run.judges.map((judge) => (
              <div key={judge.promptId} className="flex min-w-0 gap-1">
                <dt>Judge</dt>
                <dd className="truncate font-medium text-zinc-800 dark:text-zinc-200">
                  {judge.promptId}
                  {judge.version ? ` v${judge.version}` : ''}
                  {judge.model ? ` on ${judge.provider ? `${judge.provider} / ` : ''}${judge.model}` : ''}
                </dd>
              </div>
            ))}
            <div className="flex gap-1">
              <dt>Suite revision</dt>
              <dd className="font-medium text-zinc-800 dark:text-zinc-200">{run.suiteRevision}</dd>
            </div>
          </dl>
          <p className={`text-sm ${muted}`}>
            Started{run.createdBy ? ` by ${run.createdBy.name}` : ''}{' '}
            <time dateTime={started}>
              {new Date(started).toLocaleString('en-GB', { timeZone: 'UTC' })} UTC
            </time>
            {run.durationMs !== null ? ` · took ${formatDuration(run.durationMs)}` : ''}
          </p>
        </div>
        <Link
          className={buttonClasses('secondary')}
          href={`/suites/${encodeURIComponent(run.suiteId)}/compare?baseline=${encodeURIComponent(run.id)}`}
        >
          Compare with…
        </Link>
      </div>
      {run.error ? (
        <p
          role="alert"
          className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800 dark:border-red-900 dark:bg-red-950 dark:text-red-200"
        >
          The run failed: {run.error}
        </p>
      ) : null}
    </header>
  );
}

function Stat({
  label,
  value,
  note,
  testId,
}: {
  label: string;
  value: ReactNode;
  note?: ReactNode;
  testId: string;
}) {
  return (
    <div
      data-testid={testId}
      className="min-w-0 rounded-lg border border-zinc-200 bg-white p-3 dark:border-zinc-800 dark:bg-zinc-900"
    >
      <dt className={`text-xs font-medium uppercase ${muted}`}>{label}</dt>
      <dd className="mt-1 text-lg font-semibold break-words">{value}</dd>
      {note ? <dd className={`mt-0.5 text-xs ${muted}`}>{note}</dd> : null}
    </div>
  );
}

/** The run's figures with reviews applied. */
export function RunStats({ run, summary }: { run: RunInfo; summary: RunSummaryView }) {
  if (summary.total === 0) {
    return (
      <p
        className={`rounded-lg border border-dashed border-zinc-300 p-4 text-sm dark:border-zinc-700 ${muted}`}
      >
        No case has finished yet. Figures appear here as cases complete.
      </p>
    );
  }
  return (
    <dl aria-label="Run figures" className="grid grid-cols-1 gap-3 sm:grid-cols-2 xl:grid-cols-3">
      <Stat
        testId="stat-pass-rate"
        label="Pass rate"
        value={formatRateInterval(summary.passRate)}
        note={`${summary.passed} passed · ${summary.failed} failed · ${summary.errored} errored of ${summary.total}`}
      />
      <Stat
        testId="stat-judge-score"
        label="Mean judge score"
        value={summary.judgeScore ? formatScoreInterval(summary.judgeScore) : 'no judge'}
        note={
          summary.judgeScore
            ? `over ${summary.judgeScore.n} cases without error`
            : `mean evaluator score ${summary.meanScore.value.toFixed(2)}`
        }
      />
      <Stat
        testId="stat-cost"
        label="Cost: target / judge"
        value={
          <>
            {formatCost(summary.cost.targetMicros, summary.cost.targetUnpriced)}
            <span className={`font-normal ${muted}`}> / </span>
            {formatCost(summary.cost.judgeMicros, summary.cost.judgeUnpriced)}
          </>
        }
        note={`target ${formatTokens(summary.usage)}; judge ${formatTokens(summary.judgeUsage)}`}
      />
      <Stat
        testId="stat-latency"
        label="Latency p50 / p95"
        value={`${formatMs(summary.latencyMs.p50)} / ${formatMs(summary.latencyMs.p95)}`}
        note={`slowest ${formatMs(summary.latencyMs.max)}`}
      />
      <Stat
        testId="stat-duration"
        label="Duration"
        value={run.durationMs === null ? 'not started' : formatDuration(run.durationMs)}
        note={run.finishedAt ? undefined : 'still running'}
      />
      <Stat
        testId="stat-overridden"
        label="Reviewed"
        value={`${summary.overridden} ${summary.overridden === 1 ? 'verdict' : 'verdicts'} overridden by reviewers`}
        note={
          summary.reviewed > 0
            ? `${summary.reviewed} reviewed; automated pass rate ${formatPercent(summary.automatedPassed / summary.total, 0)}`
            : 'no case reviewed yet'
        }
      />
    </dl>
  );
}

/** Whether the suite's judges agree with people, from every reviewed case across its runs. */
export function JudgeAgreement({
  agreement,
  hasJudge,
}: {
  agreement: JudgeAgreementView[];
  hasJudge: boolean;
}) {
  if (!hasJudge && agreement.length === 0) return null;
  return (
    <section aria-labelledby="judge-agreement" className="space-y-2">
      <h2 id="judge-agreement" className="text-sm font-semibold">
        Judge agreement
      </h2>
      {agreement.length === 0 ? (
        <p className={`text-sm ${muted}`}>
          No reviewed case yet. Open a case below and give your verdict: each review is paired with the
          judge&apos;s, across every run of this suite, to show whether the judge can be trusted.
        </p>
      ) : (
        <ul className="space-y-3">
          {agreement.map((judge) => (
            <li
              key={judge.rubricPromptId}
              data-testid="judge-agreement"
              className="rounded-lg border border-zinc-200 bg-white p-3 text-sm dark:border-zinc-800 dark:bg-zinc-900"
            >
              <p className="font-medium break-words">
                {judge.kappa === null
                  ? `Judge agreement: κ undefined from ${judge.n} reviewed ${judge.n === 1 ? 'case' : 'cases'} (${judge.agree} agree)`
                  : `Judge agreement: κ = ${formatKappa(judge.kappa)} from ${judge.n} reviewed ${judge.n === 1 ? 'case' : 'cases'} (${judge.agree} agree)`}
                <span className={`font-normal ${muted}`}> · rubric {judge.rubricPromptId}</span>
              </p>
              <p className={muted}>
                {judge.kappa === null
                  ? `Kappa cannot be computed: ${judge.undefinedReason}.`
                  : `${judge.reading === 'worse than chance' ? 'Worse than chance' : `${judge.reading![0]!.toUpperCase()}${judge.reading!.slice(1)} agreement`} (Landis–Koch), across ${judge.runs} ${judge.runs === 1 ? 'run' : 'runs'}.`}
                {judge.needsMoreReviews
                  ? ` Review more cases: with fewer than 20 the figure moves a lot with each review.`
                  : ''}
              </p>
              <table className="mt-2 text-xs">
                <caption className="sr-only">Judge verdicts against reviewer verdicts</caption>
                <thead>
                  <tr>
                    <td />
                    <th scope="col" className="px-2 py-1 font-medium">
                      reviewer pass
                    </th>
                    <th scope="col" className="px-2 py-1 font-medium">
                      reviewer fail
                    </th>
                  </tr>
                </thead>
                <tbody className="tabular-nums">
                  <tr>
                    <th scope="row" className="px-2 py-1 text-left font-medium">
                      judge pass
                    </th>
                    <td className="px-2 py-1 text-center">{judge.table.passPass}</td>
                    <td className="px-2 py-1 text-center">{judge.table.passFail}</td>
                  </tr>
                  <tr>
                    <th scope="row" className="px-2 py-1 text-left font-medium">
                      judge fail
                    </th>
                    <td className="px-2 py-1 text-center">{judge.table.failPass}</td>
                    <td className="px-2 py-1 text-center">{judge.table.failFail}</td>
                  </tr>
                </tbody>
              </table>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
