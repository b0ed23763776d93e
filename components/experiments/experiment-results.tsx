import { Alert, Card } from '../ui/card';
import { TableScroll } from '../ui/table';
import {
  PhaseControls,
  PromoteWinnerButton,
  type ChangePhase,
  type PromoteWinner,
} from './experiment-controls';
import {
  formatCount,
  formatInterval,
  formatLift,
  formatLiftInterval,
  formatMetric,
  formatPValue,
  statusText,
  statusTone,
} from './format';
import { ResultsChartsLazy } from './results-charts-lazy';
import type { ExperimentResults, GuardrailRow } from './types';

const METHOD =
  'Always-valid sequential test: you may look as often as you like. Intervals are confidence sequences (mixture SPRT), challengers are compared with the control at a Bonferroni-corrected level.';

function SrmBanner({ srm }: { srm: NonNullable<ExperimentResults['srm']> }) {
  return (
    <div
      role="alert"
      data-testid="srm-banner"
      className="space-y-2 rounded-md border border-red-300 bg-red-50 px-4 py-3 text-sm text-red-900 dark:border-red-900 dark:bg-red-950 dark:text-red-100"
    >
      <p className="font-semibold">
        Sample ratio mismatch ({srm.pValue < 0.0001 ? 'p < 0.0001' : `p = ${formatPValue(srm.pValue)}`}): the
        observed split is not the configured one, so these results cannot be trusted and promotion is blocked.
      </p>
      <ul className="list-inside list-disc">
        {srm.observed.map((o) => (
          <li key={o.variant}>
            {o.variant}: {formatCount(o.exposures)} exposures, {(o.observedShare * 100).toFixed(1)}% observed
            vs {(o.expectedShare * 100).toFixed(1)}% expected
          </li>
        ))}
      </ul>
      <p>
        Common causes: exposures logged only after something that depends on the variant (a slower variant
        times out before it logs), bots or retries counted in one arm, the split or traffic share changed
        mid-test, a cache or redirect serving one version, or clients sending a new unit id per request.
      </p>
    </div>
  );
}

const GUARDRAIL_LABEL: Record<keyof ExperimentResults['settings']['guardrails'], string> = {
  latencyP95Ms: 'latency p95',
  costPerCallUsd: 'cost per call',
  errorRate: 'error rate',
};

function GuardrailTable({
  rows,
  limits,
}: {
  rows: GuardrailRow[];
  limits: ExperimentResults['settings']['guardrails'];
}) {
  const cell = (row: GuardrailRow, key: keyof typeof limits, text: string) => (
    <td
      className={`px-4 py-2 text-right tabular-nums ${row.breaches.includes(key) ? 'font-semibold text-red-700 dark:text-red-300' : ''}`}
    >
      {text}
      {row.breaches.includes(key) ? ' ⚠' : ''}
    </td>
  );
  return (
    <TableScroll label="Guardrails">
      <table className="w-full min-w-[36rem] text-sm" data-testid="guardrail-table">
        <thead className="text-left text-xs text-zinc-500 uppercase dark:text-zinc-400">
          <tr>
            <th className="px-4 py-2">Variant</th>
            <th className="px-4 py-2 text-right">Calls</th>
            <th className="px-4 py-2 text-right">
              Latency p95{limits.latencyP95Ms !== null ? ` (≤ ${limits.latencyP95Ms} ms)` : ''}
            </th>
            <th className="px-4 py-2 text-right">
              Cost per call{limits.costPerCallUsd !== null ? ` (≤ $${limits.costPerCallUsd})` : ''}
            </th>
            <th className="px-4 py-2 text-right">
              Error rate{limits.errorRate !== null ? ` (≤ ${(limits.errorRate * 100).toFixed(1)}%)` : ''}
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.variant} className="border-t border-zinc-100 dark:border-zinc-800">
              <td className="px-4 py-2 font-medium">{row.variant}</td>
              <td className="px-4 py-2 text-right tabular-nums">{formatCount(row.calls)}</td>
              {cell(
                row,
                'latencyP95Ms',
                row.latencyP95Ms === null ? '–' : `${Math.round(row.latencyP95Ms)} ms`,
              )}
              {cell(
                row,
                'costPerCallUsd',
                row.costPerCallUsd === null ? '–' : `$${row.costPerCallUsd.toFixed(5)}`,
              )}
              {cell(row, 'errorRate', row.errorRate === null ? '–' : `${(row.errorRate * 100).toFixed(2)}%`)}
            </tr>
          ))}
        </tbody>
      </table>
      {rows.some((r) => r.breaches.length > 0) ? (
        <p
          className="border-t border-zinc-100 px-4 py-2 text-sm text-red-700 dark:border-zinc-800 dark:text-red-300"
          role="status"
        >
          {rows
            .filter((r) => r.breaches.length > 0)
            .map(
              (r) =>
                `${r.variant} exceeds the ${r.breaches.map((b) => GUARDRAIL_LABEL[b]).join(' and ')} limit`,
            )
            .join('; ')}
          .
        </p>
      ) : null}
    </TableScroll>
  );
}

/** The results page: verdict, per-variant table, charts, SRM banner, guardrails and the controls. */
export function ExperimentResultsView({
  results,
  production,
  changePhase,
  promoteWinner,
}: {
  results: ExperimentResults;
  production: number | null;
  changePhase: ChangePhase;
  promoteWinner: PromoteWinner;
}) {
  const { experiment, verdict } = results;
  const kind = experiment.metric.kind;
  const winner = results.variants.find((v) => v.name === verdict.winner) ?? null;
  return (
    <div className="space-y-6">
      <p className="text-sm text-zinc-600 dark:text-zinc-400" data-testid="method">
        {METHOD}
      </p>
      {results.srm?.mismatch ? <SrmBanner srm={results.srm} /> : null}
      {experiment.promotion ? (
        <Alert tone="info">
          <span data-testid="promotion-summary">
            {experiment.promotion.by} promoted {experiment.promotion.variant}: {experiment.promotion.label}{' '}
            moved from {experiment.promotion.from === null ? 'nowhere' : `v${experiment.promotion.from}`} to v
            {experiment.promotion.to} on {experiment.promotion.at.slice(0, 16).replace('T', ' ')} UTC.
          </span>
        </Alert>
      ) : null}
      {experiment.phase === 'stopped' && experiment.endReason ? (
        <Alert tone="info">Stopped: {experiment.endReason}</Alert>
      ) : null}

      <Card title="Verdict">
        <div className="space-y-4">
          <p className="text-sm" data-testid="verdict">
            {verdict.message}
          </p>
          {results.canPromote ? (
            <div className="flex flex-wrap items-start justify-between gap-4">
              <PromoteWinnerButton
                experimentId={experiment.id}
                promptId={experiment.promptId}
                winner={winner}
                production={production}
                blockedBy={results.promoteBlockedBy}
                promoteWinner={promoteWinner}
              />
              <PhaseControls id={experiment.id} phase={experiment.phase} changePhase={changePhase} />
            </div>
          ) : (
            <p className="text-sm text-zinc-600 dark:text-zinc-400">
              Your role can read results; an editor or admin starts, stops and promotes.
            </p>
          )}
        </div>
      </Card>

      <TableScroll label="Variants">
        <table className="w-full min-w-[52rem] text-sm" data-testid="variants-table">
          <thead className="text-left text-xs text-zinc-500 uppercase dark:text-zinc-400">
            <tr>
              <th className="px-4 py-2">Variant</th>
              <th className="px-4 py-2 text-right">Exposures</th>
              <th className="px-4 py-2 text-right">{kind === 'binary' ? 'Conversions' : 'Outcomes'}</th>
              <th className="px-4 py-2 text-right">{kind === 'binary' ? 'Rate' : 'Mean'} (interval)</th>
              <th className="px-4 py-2 text-right">Lift (interval)</th>
              <th className="px-4 py-2 text-right">p-value</th>
              <th className="px-4 py-2">Status</th>
            </tr>
          </thead>
          <tbody>
            {results.variants.map((v) => (
              <tr
                key={v.name}
                data-testid="variant-result"
                data-status={v.status.kind}
                className="border-t border-zinc-100 dark:border-zinc-800"
              >
                <td className="px-4 py-2">
                  <span className="font-medium">{v.name}</span>{' '}
                  <span className="text-xs text-zinc-500">
                    v{v.version} · {(v.share * 100).toFixed(0)}%
                  </span>
                </td>
                <td className="px-4 py-2 text-right tabular-nums">{formatCount(v.exposures)}</td>
                <td className="px-4 py-2 text-right tabular-nums">{formatCount(v.outcomes)}</td>
                <td className="px-4 py-2 text-right tabular-nums">
                  {formatMetric(v.value, kind)}
                  <span className="block text-xs text-zinc-500">{formatInterval(v.interval, kind)}</span>
                </td>
                <td className="px-4 py-2 text-right tabular-nums">
                  {formatLift(v.lift)}
                  <span className="block text-xs text-zinc-500">{formatLiftInterval(v.liftInterval)}</span>
                </td>
                <td className="px-4 py-2 text-right tabular-nums">{formatPValue(v.pValue)}</td>
                <td className="px-4 py-2">
                  <span
                    className={`inline-block rounded px-2 py-0.5 text-xs font-medium ${statusTone(v.status)}`}
                  >
                    {statusText(v.status)}
                  </span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>

      <Card title="Over time">
        <ResultsChartsLazy results={results} />
      </Card>

      <Card title="Guardrails">
        <GuardrailTable rows={results.guardrails} limits={results.settings.guardrails} />
      </Card>
    </div>
  );
}
