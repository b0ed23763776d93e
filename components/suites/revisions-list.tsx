import Link from 'next/link';
import { formatAge, formatTime } from '../prompts/format';
import { TableScroll } from '../ui/table';
import type { RevisionRow } from './types';

/** A suite's revisions, newest first; each links to its cases, read-only, and to the file it was imported from. */
export function RevisionsList({
  suiteId,
  latest,
  revisions,
  importedRevisions,
  now,
}: {
  suiteId: string;
  latest: number;
  revisions: RevisionRow[];
  /** Revisions made by an import whose file is kept. */
  importedRevisions: number[];
  now: string;
}) {
  const base = `/suites/${encodeURIComponent(suiteId)}`;
  const imported = new Set(importedRevisions);
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
                {imported.has(r.revision) ? (
                  <a
                    href={`/api/suites/${encodeURIComponent(suiteId)}/import?revision=${r.revision}`}
                    download
                    className="ml-2 text-xs whitespace-nowrap text-accent hover:underline dark:text-accent-soft"
                    aria-label={`Download the file revision ${r.revision} was imported from`}
                  >
                    imported file
                  </a>
                ) : null}
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
