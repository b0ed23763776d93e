import Link from 'next/link';
import { formatTime } from '@/components/prompts/format';
import { buttonClasses } from '../../ui/button';
import { TableScroll } from '../../ui/table';
import { formatPercent } from '../format';
import { RunColumnCells, RunColumnHeads, RunDateCell } from './run-columns';
import type { PickableRun } from './types';

/**
 * Choose a baseline and the runs to compare with it: a plain GET form to the same page
 * (`?baseline=<id>&runs=<id>&runs=<id>`), so it works before any script has loaded.
 */
export function RunPicker({
  suiteId,
  runs,
  baseline,
  selected,
  maxCandidates,
}: {
  suiteId: string;
  runs: PickableRun[];
  baseline?: string;
  selected: string[];
  maxCandidates: number;
}) {
  const runsHref = `/suites/${encodeURIComponent(suiteId)}/runs`;
  if (runs.length < 2) {
    return (
      <div
        className="rounded-lg border border-dashed border-zinc-300 p-6 text-sm dark:border-zinc-700"
        data-testid="compare-empty"
      >
        <p className="font-medium">A comparison needs at least two finished runs of this suite.</p>
        <p className="mt-1 text-zinc-600 dark:text-zinc-400">
          {runs.length === 0 ? 'No run has finished yet.' : 'Only one run has finished so far.'} Start a run
          on another prompt version, then come back here.
        </p>
        <Link href={runsHref} className={buttonClasses('primary', 'mt-4')}>
          Go to runs
        </Link>
      </div>
    );
  }
  const defaultBaseline =
    baseline && runs.some((r) => r.id === baseline) ? baseline : runs[runs.length > 1 ? 1 : 0]?.id;
  return (
    <form
      method="get"
      action={`/suites/${encodeURIComponent(suiteId)}/compare`}
      className="space-y-3"
      aria-label="Choose runs to compare"
    >
      <p className="text-sm text-zinc-600 dark:text-zinc-400">
        Pick one baseline and up to {maxCandidates} runs to compare with it. Every verdict pairs the cases
        both runs share.
      </p>
      <TableScroll label="Finished runs">
        <table className="w-full min-w-[40rem] text-left text-sm">
          <thead className="border-b border-zinc-200 text-xs text-zinc-600 uppercase dark:border-zinc-800 dark:text-zinc-400">
            <tr>
              <th scope="col" className="px-3 py-2 font-medium">
                Baseline
              </th>
              <th scope="col" className="px-3 py-2 font-medium">
                Compare
              </th>
              <RunColumnHeads />
              <th scope="col" className="px-3 py-2 font-medium">
                Started
              </th>
              <th scope="col" className="px-3 py-2 text-right font-medium">
                Pass rate
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
            {runs.map((run) => {
              const label = `v${run.promptVersion} ${run.provider}/${run.model}, ${formatTime(run.createdAt)}`;
              return (
                <tr key={run.id}>
                  <td className="px-3 py-2">
                    <input
                      type="radio"
                      name="baseline"
                      value={run.id}
                      defaultChecked={run.id === defaultBaseline}
                      aria-label={`Baseline: ${label}`}
                      className="size-4 accent-accent"
                    />
                  </td>
                  <td className="px-3 py-2">
                    <input
                      type="checkbox"
                      name="runs"
                      value={run.id}
                      defaultChecked={selected.includes(run.id)}
                      aria-label={`Compare: ${label}`}
                      className="size-4 accent-accent"
                    />
                  </td>
                  <RunColumnCells suiteId={suiteId} run={run} />
                  <RunDateCell run={run} />
                  <td className="px-3 py-2 text-right tabular-nums whitespace-nowrap">
                    {formatPercent(run.passRate)}
                    <span className="ml-1 text-xs text-zinc-600 dark:text-zinc-400">
                      ({run.passed ?? 0}/{run.total})
                    </span>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </TableScroll>
      <button type="submit" className={buttonClasses('primary')}>
        Compare
      </button>
    </form>
  );
}
