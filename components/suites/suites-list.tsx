import Link from 'next/link';
import { formatAge, formatTime } from '../prompts/format';
import { buttonClasses } from '../ui/button';
import { TableScroll } from '../ui/table';
import { formatCount, formatPercent } from './format';
import { RunStatusBadge } from './run-status';
import type { SuiteListRow } from './types';

/** The workspace's suites: target prompt, latest revision, size and the last run's outcome. */
export function SuitesList({
  suites,
  canWrite,
  now,
}: {
  suites: SuiteListRow[];
  canWrite: boolean;
  now: string;
}) {
  if (suites.length === 0) {
    return (
      <div className="rounded-lg border border-dashed border-zinc-300 px-6 py-10 text-center dark:border-zinc-700">
        <h2 className="text-base font-semibold">No suites yet</h2>
        <p className="mx-auto mt-1 max-w-md text-sm text-zinc-600 dark:text-zinc-400">
          A suite holds test cases for one prompt and the evaluators that judge its answers. Run it against a
          version before you promote it.
        </p>
        {canWrite ? (
          <Link href="/suites/new" className={buttonClasses('primary', 'mt-4')}>
            New suite
          </Link>
        ) : (
          <p className="mt-3 text-sm text-zinc-600 dark:text-zinc-400">Ask an editor to create one.</p>
        )}
      </div>
    );
  }
  return (
    <TableScroll label="Suites">
      <table className="w-full min-w-[44rem] table-fixed text-sm">
        <colgroup>
          <col className="w-[32%]" />
          <col className="w-[22%]" />
          <col className="w-[12%]" />
          <col className="w-[16%]" />
          <col className="w-[18%]" />
        </colgroup>
        <thead className="text-left text-xs text-zinc-500 uppercase dark:text-zinc-400">
          <tr>
            <th className="px-4 py-2">Suite</th>
            <th className="px-4 py-2">Prompt</th>
            <th className="px-4 py-2">Cases</th>
            <th className="px-4 py-2">Last run</th>
            <th className="px-4 py-2">Updated</th>
          </tr>
        </thead>
        <tbody>
          {suites.map((s) => (
            <tr
              key={s.id}
              data-testid="suite-row"
              className="border-t border-zinc-100 align-top dark:border-zinc-800"
            >
              <td className="px-4 py-2">
                <Link
                  href={`/suites/${encodeURIComponent(s.id)}`}
                  className="block truncate font-medium hover:underline"
                  title={s.name}
                >
                  {s.name}
                </Link>
                {s.description ? (
                  <p className="truncate text-xs text-zinc-600 dark:text-zinc-400" title={s.description}>
                    {s.description}
                  </p>
                ) : null}
              </td>
              <td className="px-4 py-2">
                <Link
                  href={`/prompts/${encodeURIComponent(s.promptId)}`}
                  className="block truncate hover:underline"
                  title={s.promptId}
                >
                  {s.promptName ?? s.promptId}
                </Link>
              </td>
              <td className="px-4 py-2">
                {s.caseCount.toLocaleString('en-US')}
                <span className="block text-xs text-zinc-500 dark:text-zinc-400">rev {s.revision}</span>
              </td>
              <td className="px-4 py-2">
                {s.lastRun ? (
                  <Link
                    href={`/suites/${encodeURIComponent(s.id)}/runs/${encodeURIComponent(s.lastRun.id)}`}
                    className="hover:underline"
                  >
                    {formatPercent(s.lastRun.passRate)}
                    <span className="mt-0.5 block">
                      <RunStatusBadge status={s.lastRun.status} />
                    </span>
                  </Link>
                ) : (
                  <span className="text-zinc-500 dark:text-zinc-400">never run</span>
                )}
              </td>
              <td className="px-4 py-2" title={formatTime(s.updatedAt)}>
                <span className="block truncate">{s.updatedBy ?? 'unknown'}</span>
                <span className="text-xs text-zinc-500 dark:text-zinc-400">
                  {formatAge(s.updatedAt, now)}
                </span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="sr-only">{formatCount(suites.length, 'suite')}</p>
    </TableScroll>
  );
}
