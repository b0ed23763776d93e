import Link from 'next/link';
import { TableScroll } from '../ui/table';
import { formatCount } from './format';
import { PhaseBadge } from './phase-badge';
import type { ExperimentSummaryView } from './types';

/** Experiments, running first: name, prompt, status, variants, traffic so far. */
export function ExperimentsList({
  experiments,
  showPrompt,
  empty,
}: {
  experiments: ExperimentSummaryView[];
  showPrompt: boolean;
  empty: React.ReactNode;
}) {
  if (experiments.length === 0) {
    return (
      <div className="rounded-lg border border-dashed border-zinc-300 px-6 py-10 text-center dark:border-zinc-700">
        <h2 className="text-base font-semibold">No experiments yet</h2>
        <div className="mx-auto mt-1 max-w-md text-sm text-zinc-600 dark:text-zinc-400">{empty}</div>
      </div>
    );
  }
  return (
    <TableScroll label="Experiments">
      <table className="w-full min-w-[40rem] table-fixed text-sm">
        <thead className="text-left text-xs text-zinc-500 uppercase dark:text-zinc-400">
          <tr>
            <th className="w-[34%] px-4 py-2">Experiment</th>
            {showPrompt ? <th className="w-[20%] px-4 py-2">Prompt</th> : null}
            <th className="w-[14%] px-4 py-2">Status</th>
            <th className="w-[18%] px-4 py-2">Variants</th>
            <th className="w-[14%] px-4 py-2 text-right">Exposures</th>
          </tr>
        </thead>
        <tbody>
          {experiments.map((e) => (
            <tr
              key={e.id}
              data-testid="experiment-row"
              className="border-t border-zinc-100 dark:border-zinc-800"
            >
              <td className="px-4 py-2">
                <Link
                  href={`/experiments/${encodeURIComponent(e.id)}`}
                  className="block truncate font-medium hover:underline"
                  title={e.name}
                >
                  {e.name}
                </Link>
                <span className="text-xs text-zinc-500">
                  {e.metric.kind === 'binary' ? 'conversion' : 'numeric value'}, {e.metric.goal}
                </span>
              </td>
              {showPrompt ? (
                <td className="px-4 py-2">
                  <Link
                    href={`/prompts/${encodeURIComponent(e.promptId)}/experiments`}
                    className="block truncate hover:underline"
                    title={e.promptId}
                  >
                    {e.promptId}
                  </Link>
                </td>
              ) : null}
              <td className="px-4 py-2">
                <PhaseBadge phase={e.phase} />
              </td>
              <td className="truncate px-4 py-2">{e.variants.map((v) => `v${v.version}`).join(' vs ')}</td>
              <td className="px-4 py-2 text-right tabular-nums">{formatCount(e.exposures)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}
