import Link from 'next/link';
import { formatAge, formatTime } from '../prompts/format';
import { TableScroll } from '../ui/table';
import type { RevisionRow } from './types';

/** A suite's revisions, newest first; each links to its cases, read-only. */
export function RevisionsList({
  suiteId,
  latest,
  revisions,
  now,
}: {
  suiteId: string;
  latest: number;
  revisions: RevisionRow[];
  now: string;
}) {
  const base = `/suites/${encodeURIComponent(suiteId)}`;
  return (
    <TableScroll label="Revisions">
      <table className="w-full min-w-[40rem] table-fixed text-sm">
        <colgroup>
          <col className="w-24" />
          <col />
          <col className="w-48" />
          <col className="w-24" />
          <col className="w-28" />
          <col className="w-36" />
        </colgroup>
        <thead className="text-left text-xs text-zinc-500 uppercase dark:text-zinc-400">
          <tr>
            <th className="px-4 py-2">Revision</th>
            <th className="px-4 py-2">Change</th>
            <th className="px-4 py-2">Author</th>
            <th className="px-4 py-2">Cases</th>
            <th className="px-4 py-2">Evaluators</th>
            <th className="px-4 py-2">Date</th>
          </tr>
        </thead>
        <tbody>
          {revisions.map((r) => (
            <tr
              key={r.revision}
              data-testid="revision-row"
              className="border-t border-zinc-100 align-top dark:border-zinc-800"
            >
              <td className="px-4 py-2">
                <Link
                  href={r.revision === latest ? base : `${base}?revision=${r.revision}`}
                  className="font-medium hover:underline"
                  aria-label={`Cases of revision ${r.revision}`}
                >
                  {r.revision}
                </Link>
                {r.revision === latest ? (
                  <span className="ml-2 rounded bg-zinc-100 px-1.5 py-0.5 text-xs text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300">
                    latest
                  </span>
                ) : null}
              </td>
              <td className="px-4 py-2 break-words">
                {r.message || <span className="text-zinc-500">—</span>}
              </td>
              <td className="truncate px-4 py-2" title={r.author ?? undefined}>
                {r.author ?? 'unknown'}
              </td>
              <td className="px-4 py-2">{r.caseCount.toLocaleString('en-US')}</td>
              <td className="px-4 py-2">{r.evaluatorCount}</td>
              <td className="px-4 py-2" title={formatTime(r.createdAt)}>
                {formatAge(r.createdAt, now)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}
