import Link from 'next/link';
import { formatTime } from '@/components/prompts/format';
import type { RunIdentity } from './types';

const head = 'px-3 py-2 font-medium';

/** The heads of the columns that say which run a row is: version, provider / model, revision. */
export function RunColumnHeads() {
  return (
    <>
      <th scope="col" className={head}>
        Version
      </th>
      <th scope="col" className={head}>
        Provider / model
      </th>
      <th scope="col" className={head}>
        Revision
      </th>
    </>
  );
}

/** A run's version (linking to its run page), provider / model and suite revision, as table cells. */
export function RunColumnCells({ suiteId, run }: { suiteId: string; run: RunIdentity }) {
  return (
    <>
      <td className="px-3 py-2 font-medium whitespace-nowrap">
        <Link
          href={`/suites/${encodeURIComponent(suiteId)}/runs/${encodeURIComponent(run.id)}`}
          className="text-accent hover:underline"
        >
          v{run.promptVersion}
        </Link>
      </td>
      <td className="max-w-[16rem] truncate px-3 py-2" title={`${run.provider}/${run.model}`}>
        {run.provider}/{run.model}
      </td>
      <td className="px-3 py-2 whitespace-nowrap tabular-nums">r{run.suiteRevision}</td>
    </>
  );
}

/** When a run was started, as a table cell. */
export function RunDateCell({ run }: { run: RunIdentity }) {
  return (
    <td className="px-3 py-2 whitespace-nowrap text-zinc-600 dark:text-zinc-400">
      {formatTime(run.createdAt)}
    </td>
  );
}
