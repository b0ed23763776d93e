'use client';

import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Alert } from '../../ui/card';
import type { CompareColumn } from './compare-cases';
import { fetchJson } from '../fetch-json';
import { formatDollars } from '../format';
import { OutputDiff } from './output-diff';
import type { CompareCaseDetail, CompareCaseSide } from './types';

function verdictText(side: CompareCaseSide): string {
  if (!side.present) return 'Not in this run';
  const base = side.error && !side.pass ? 'Error' : side.pass ? 'Pass' : 'Fail';
  return side.review ? `${base} (reviewed by ${side.review.reviewerEmail})` : base;
}

function Side({ label, side }: { label: string; side: CompareCaseSide }) {
  return (
    <div className="min-w-0 space-y-2 rounded-md border border-zinc-200 p-3 dark:border-zinc-800">
      <h4 className="truncate text-sm font-semibold" title={label}>
        {label}
      </h4>
      <p
        className={`text-sm font-medium ${side.pass ? 'text-emerald-700 dark:text-emerald-300' : 'text-red-700 dark:text-red-300'}`}
      >
        {verdictText(side)}
      </p>
      {side.review ? (
        <p className="text-xs text-zinc-700 dark:text-zinc-300">
          Automated verdict: {side.automatedPass ? 'pass' : 'fail'}; reviewer&apos;s reason:{' '}
          {side.review.reason}
        </p>
      ) : null}
      {side.error ? <p className="text-xs break-words text-red-700 dark:text-red-300">{side.error}</p> : null}
      {side.present ? (
        <p className="text-xs text-zinc-600 dark:text-zinc-400">
          Score {side.score?.toFixed(3) ?? '—'} ·{' '}
          {side.latencyMs === null ? '—' : `${Math.round(side.latencyMs)} ms`} · target{' '}
          {side.unpriced ? 'unpriced' : side.costMicros === null ? '—' : formatDollars(side.costMicros)} ·
          judge{' '}
          {side.judgeUnpriced
            ? 'unpriced'
            : side.judgeCostMicros === null
              ? '—'
              : formatDollars(side.judgeCostMicros)}
        </p>
      ) : null}
      {side.output !== null ? (
        <pre className="max-h-64 overflow-auto rounded bg-zinc-50 p-2 font-mono text-xs whitespace-pre-wrap break-words dark:bg-zinc-950">
          {side.output || '(empty output)'}
        </pre>
      ) : side.present ? (
        <p className="text-xs text-zinc-600 dark:text-zinc-400">No output (the target failed).</p>
      ) : null}
      {side.evaluations.length ? (
        <ul className="space-y-1 text-xs" aria-label={`Evaluator verdicts, ${label}`}>
          {side.evaluations.map((e, i) => (
            <li key={`${e.name}-${i}`} className="break-words">
              <span
                className={`font-semibold ${e.pass ? 'text-emerald-700 dark:text-emerald-300' : 'text-red-700 dark:text-red-300'}`}
              >
                {e.pass ? 'Pass' : 'Fail'}
              </span>{' '}
              <span className="font-medium">{e.name}</span>{' '}
              <span className="text-zinc-600 dark:text-zinc-400">
                ({e.kind}, {e.score.toFixed(2)})
              </span>
              {e.error ? <span className="text-red-700 dark:text-red-300"> · {e.error}</span> : null}
              {e.reason ? <span className="text-zinc-700 dark:text-zinc-300"> · {e.reason}</span> : null}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

/** One case across the compared runs: the output diff against the baseline, the expected answer, every evaluator's verdict. */
export function CompareCaseDetailPanel({
  suiteId,
  baselineId,
  columns,
  caseId,
  onClose,
}: {
  suiteId: string;
  baselineId: string;
  columns: CompareColumn[];
  caseId: string;
  onClose: () => void;
}) {
  const runIds = columns.slice(1).map((c) => c.runId);
  const [candidateIndex, setCandidateIndex] = useState(1);
  const params = new URLSearchParams({
    suite: suiteId,
    baseline: baselineId,
    runs: runIds.join(','),
    case: caseId,
  });
  const query = useQuery({
    queryKey: ['suites', suiteId, 'compare', baselineId, runIds, 'case', caseId],
    queryFn: () => fetchJson<CompareCaseDetail>(`/api/suites/compare/case?${params}`),
  });
  const detail = query.data;
  const baseline = detail?.sides[0];
  const candidate = detail?.sides[candidateIndex];
  return (
    <section
      className="space-y-4 rounded-lg border border-zinc-200 bg-white p-4 shadow-xs dark:border-zinc-800 dark:bg-zinc-900"
      aria-labelledby="compare-case-title"
      data-testid="compare-case-detail"
    >
      <header className="flex flex-wrap items-start justify-between gap-2">
        <h3 id="compare-case-title" className="min-w-0 text-base font-semibold break-all">
          Case {detail?.position ? `#${detail.position} · ` : ''}
          {caseId}
        </h3>
        <button
          type="button"
          onClick={onClose}
          className="rounded-md border border-zinc-300 px-2 py-1 text-sm dark:border-zinc-700"
        >
          Close
        </button>
      </header>
      {query.error ? <Alert>{query.error.message}</Alert> : null}
      {query.isPending ? <p className="text-sm text-zinc-600 dark:text-zinc-400">Loading the case…</p> : null}
      {detail && baseline ? (
        <>
          <div className="grid gap-3 md:grid-cols-2">
            <div className="min-w-0">
              <h4 className="text-xs font-semibold text-zinc-600 uppercase dark:text-zinc-400">Input</h4>
              <pre className="mt-1 max-h-48 overflow-auto rounded bg-zinc-50 p-2 font-mono text-xs whitespace-pre-wrap break-words dark:bg-zinc-950">
                {detail.input === null
                  ? '(not in the suite revisions of these runs)'
                  : JSON.stringify(detail.input, null, 2)}
              </pre>
            </div>
            <div className="min-w-0">
              <h4 className="text-xs font-semibold text-zinc-600 uppercase dark:text-zinc-400">Expected</h4>
              <pre className="mt-1 max-h-48 overflow-auto rounded bg-zinc-50 p-2 font-mono text-xs whitespace-pre-wrap break-words dark:bg-zinc-950">
                {detail.expected ?? '(no expected answer)'}
              </pre>
            </div>
          </div>
          <div className="space-y-2">
            <div className="flex flex-wrap items-center gap-2">
              <h4 className="text-sm font-semibold">Output diff</h4>
              {columns.length > 2 ? (
                <div role="group" aria-label="Candidate to diff" className="flex flex-wrap gap-1">
                  {columns.slice(1).map((column, i) => (
                    <button
                      key={column.runId}
                      type="button"
                      aria-pressed={candidateIndex === i + 1}
                      onClick={() => setCandidateIndex(i + 1)}
                      className={`max-w-[14rem] truncate rounded-md border px-2 py-0.5 text-xs ${
                        candidateIndex === i + 1
                          ? 'border-accent bg-accent text-white'
                          : 'border-zinc-300 dark:border-zinc-700'
                      }`}
                    >
                      {column.label}
                    </button>
                  ))}
                </div>
              ) : null}
            </div>
            <p className="text-xs text-zinc-600 dark:text-zinc-400">
              From {columns[0]?.label} to {columns[candidateIndex]?.label}: removed words struck through,
              added words underlined.
            </p>
            {candidate && baseline.output !== null && candidate.output !== null ? (
              <OutputDiff before={baseline.output} after={candidate.output} />
            ) : (
              <p className="text-sm text-zinc-600 dark:text-zinc-400">
                No diff: {baseline.output === null ? 'the baseline' : 'the candidate'} has no output for this
                case.
              </p>
            )}
          </div>
          <div className="grid gap-3 md:grid-cols-2">
            <Side label={columns[0]?.label ?? 'Baseline'} side={baseline} />
            {candidate ? (
              <Side label={columns[candidateIndex]?.label ?? 'Candidate'} side={candidate} />
            ) : null}
          </div>
        </>
      ) : null}
    </section>
  );
}
