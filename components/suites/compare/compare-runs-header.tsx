import { TableScroll } from '../../ui/table';
import { RunStatusBadge } from '../run-status';
import { RunColumnCells, RunColumnHeads, RunDateCell } from './run-columns';
import type { Comparison, CompareRunInfo } from './types';

function RunRow({ suiteId, role, run }: { suiteId: string; role: string; run: CompareRunInfo }) {
  return (
    <tr className="align-top">
      <th scope="row" className="px-3 py-2 font-medium whitespace-nowrap">
        {role}
      </th>
      <RunColumnCells suiteId={suiteId} run={run} />
      <td className="px-3 py-2 whitespace-nowrap">
        <RunStatusBadge status={run.status} />
      </td>
      <td className="px-3 py-2 whitespace-nowrap tabular-nums">{run.cases}</td>
      <td className="px-3 py-2 whitespace-nowrap tabular-nums">{run.overridden}</td>
      <RunDateCell run={run} />
    </tr>
  );
}

/** The compared runs (baseline first), each linking to its run page, and the revision warning. */
export function CompareRunsHeader({ comparison }: { comparison: Comparison }) {
  const suiteId = comparison.suite.id;
  return (
    <div className="space-y-3">
      {comparison.revisionMismatch ? (
        <div
          role="status"
          data-testid="revision-warning"
          className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100"
        >
          <strong className="font-semibold">Different suite revisions.</strong> These runs used revisions{' '}
          {comparison.revisionMismatch.revisions.map((r) => `r${r}`).join(', ')}: cases may have been added,
          removed or edited in between. Only cases present in both runs are paired, and an edited case may
          differ for reasons other than the prompt.
        </div>
      ) : null}
      <TableScroll label="Compared runs">
        <table className="w-full min-w-[40rem] text-left text-sm">
          <thead className="border-b border-zinc-200 text-xs text-zinc-600 uppercase dark:border-zinc-800 dark:text-zinc-400">
            <tr>
              <th scope="col" className="px-3 py-2 font-medium">
                Run
              </th>
              <RunColumnHeads />
              <th scope="col" className="px-3 py-2 font-medium">
                Status
              </th>
              <th scope="col" className="px-3 py-2 font-medium">
                Cases
              </th>
              <th scope="col" className="px-3 py-2 font-medium">
                Overridden
              </th>
              <th scope="col" className="px-3 py-2 font-medium">
                Started
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
            <RunRow suiteId={suiteId} role="Baseline" run={comparison.baseline} />
            {comparison.candidates.map((c, i) => (
              <RunRow
                key={c.run.id}
                suiteId={suiteId}
                role={comparison.candidates.length > 1 ? `Candidate ${i + 1}` : 'Candidate'}
                run={c.run}
              />
            ))}
          </tbody>
        </table>
      </TableScroll>
    </div>
  );
}
