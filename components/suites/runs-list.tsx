'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useEffect, useState } from 'react';
import { Button } from '@/components/ui/button';
import { formatTime } from '@/components/prompts/format';
import { TableScroll } from '@/components/ui/table';
import { formatDuration, formatPercent } from './format';
import { formatRunCost } from './runs-list-format';
import { isActiveRun, type RunCounts } from './types';
import { RunStatusBadge } from './run-status';

/** One run as the runs table shows it. */
export interface RunRowView extends RunCounts {
  id: string;
  batchId: string;
  status: string;
  promptVersion: number;
  suiteRevision: number;
  provider: string;
  model: string;
  total: number;
  hasJudge: boolean;
  error: string | null;
  createdBy: string | null;
  createdAt: string;
  startedAt: string | null;
  durationMs: number | null;
}

/** What the Runs tab's server page loads (lib/server/suites/runs-list.ts). */
export interface RunsTabData {
  suite: {
    id: string;
    name: string;
    promptId: string;
    revision: number;
    caseCount: number;
    archived: boolean;
  };
  versions: { version: number; labels: string[]; message: string }[];
  providers: string[];
  runs: RunRowView[];
}

/** While a run moves, the table refreshes itself this often (the run page polls faster). */
const REFRESH_MS = 2_000;

/**
 * The suite's runs: status, version, pass rate, cost (target / judge), duration and who started
 * them. Check two or more and "Compare" opens the comparison with the first checked as baseline.
 */
export function RunsList({ suiteId, runs }: { suiteId: string; runs: RunRowView[] }) {
  const router = useRouter();
  const [checked, setChecked] = useState<string[]>([]);
  const anyActive = runs.some((r) => isActiveRun(r.status));
  useEffect(() => {
    if (!anyActive) return;
    const timer = setInterval(() => router.refresh(), REFRESH_MS);
    return () => clearInterval(timer);
  }, [anyActive, router]);

  const toggle = (id: string) =>
    setChecked((current) => (current.includes(id) ? current.filter((c) => c !== id) : [...current, id]));
  const compare = () => {
    const [baseline, ...others] = checked;
    if (!baseline || others.length === 0) return;
    const params = new URLSearchParams({ baseline, runs: others.join(',') });
    router.push(`/suites/${encodeURIComponent(suiteId)}/compare?${params.toString()}`);
  };

  if (runs.length === 0) {
    return (
      <p className="rounded-lg border border-dashed border-zinc-300 p-6 text-center text-sm text-zinc-600 dark:border-zinc-700 dark:text-zinc-400">
        No runs yet. Start a run above to score this suite&apos;s cases against a version of its prompt.
      </p>
    );
  }
  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-center gap-3">
        <Button variant="secondary" disabled={checked.length < 2} onClick={compare}>
          Compare{checked.length >= 2 ? ` (${checked.length})` : ''}
        </Button>
        <p className="text-xs text-zinc-600 dark:text-zinc-400">
          {checked.length < 2
            ? 'Check two or more runs to compare them; the first checked is the baseline.'
            : `Baseline: version ${runs.find((r) => r.id === checked[0])?.promptVersion ?? '?'} (first checked).`}
        </p>
      </div>
      <TableScroll label="Runs">
        <table className="w-full text-left text-sm">
          <thead className="border-b border-zinc-200 text-xs text-zinc-600 uppercase dark:border-zinc-800 dark:text-zinc-400">
            <tr>
              <th scope="col" className="w-10 px-3 py-2">
                <span className="sr-only">Select</span>
              </th>
              <th scope="col" className="px-3 py-2">
                Status
              </th>
              <th scope="col" className="px-3 py-2">
                Version
              </th>
              <th scope="col" className="px-3 py-2">
                Pass rate
              </th>
              <th scope="col" className="px-3 py-2">
                Cost (target / judge)
              </th>
              <th scope="col" className="px-3 py-2">
                Duration
              </th>
              <th scope="col" className="px-3 py-2">
                Started
              </th>
            </tr>
          </thead>
          <tbody>
            {runs.map((run) => {
              const href = `/suites/${encodeURIComponent(suiteId)}/runs/${encodeURIComponent(run.id)}`;
              const order = checked.indexOf(run.id);
              return (
                <tr key={run.id} className="border-b border-zinc-100 last:border-0 dark:border-zinc-800">
                  <td className="px-3 py-2">
                    <input
                      type="checkbox"
                      checked={order >= 0}
                      onChange={() => toggle(run.id)}
                      aria-label={`Select the run of version ${run.promptVersion} started ${formatTime(run.createdAt)}${order === 0 ? ' (baseline)' : ''}`}
                    />
                  </td>
                  <td className="px-3 py-2">
                    <Link href={href} className="inline-flex flex-col gap-0.5 hover:underline">
                      <RunStatusBadge status={run.status} />
                      {isActiveRun(run.status) ? (
                        <span className="text-xs text-zinc-600 dark:text-zinc-400">
                          {run.done} / {run.total}
                        </span>
                      ) : null}
                    </Link>
                  </td>
                  <td className="px-3 py-2 whitespace-nowrap">
                    <Link href={href} className="font-medium hover:underline">
                      v{run.promptVersion}
                    </Link>
                    <span
                      className="block max-w-48 truncate text-xs text-zinc-600 dark:text-zinc-400"
                      title={`${run.provider} · ${run.model}`}
                    >
                      {run.provider} · {run.model}
                    </span>
                  </td>
                  <td className="px-3 py-2 whitespace-nowrap">
                    {formatPercent(run.done > 0 ? run.passed / run.done : null)}
                    {run.done > 0 ? (
                      <span className="block text-xs text-zinc-600 dark:text-zinc-400">
                        {run.passed}/{run.done}
                        {run.errored > 0 ? ` · ${run.errored} errors` : ''}
                      </span>
                    ) : null}
                  </td>
                  <td className="px-3 py-2 whitespace-nowrap">
                    {formatRunCost(run.costMicros, run.unpricedCases, run.done)} /{' '}
                    {run.hasJudge
                      ? formatRunCost(run.judgeCostMicros, run.judgeUnpricedCases, run.done)
                      : 'no judge'}
                  </td>
                  <td className="px-3 py-2 whitespace-nowrap">{formatDuration(run.durationMs)}</td>
                  <td className="px-3 py-2">
                    <span className="block max-w-48 truncate" title={run.createdBy ?? ''}>
                      {run.createdBy ?? '—'}
                    </span>
                    <span className="block text-xs whitespace-nowrap text-zinc-600 dark:text-zinc-400">
                      {formatTime(run.startedAt ?? run.createdAt)}
                    </span>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </TableScroll>
    </div>
  );
}
