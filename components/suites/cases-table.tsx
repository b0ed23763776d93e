'use client';

import {
  createColumnHelper,
  flexRender,
  getCoreRowModel,
  useReactTable,
  type ColumnDef,
} from '@tanstack/react-table';
import Link from 'next/link';
import { usePathname, useRouter } from 'next/navigation';
import { useEffect, useMemo, useRef, useState, useTransition } from 'react';
import type { ActionResult } from '@/lib/client/action-result';
import { useActionMutation } from '@/lib/client/use-action-mutation';
import { ConfirmDialog } from '../prompts/confirm-dialog';
import { Button, buttonClasses } from '../ui/button';
import { Alert } from '../ui/card';
import { TableScroll } from '../ui/table';
import { CaseDialog, type SaveCase } from './case-dialog';
import { formatCount, formatInputValue } from './format';
import { ImportCasesDialog } from './import-dialog';
import type { CasePage, CasePageQuery, CaseRow, CaseVariable } from './types';

export type DeleteCases = (input: {
  suiteId: string;
  expectedRevision: number;
  message: string;
  caseIds: string[];
}) => Promise<ActionResult<{ revision: number; caseCount: number }>>;

const SEARCH_DEBOUNCE_MS = 250;
const column = createColumnHelper<CaseRow>();

function Cell({ text, mono = false }: { text: string; mono?: boolean }) {
  return (
    <span
      title={text.length > 60 ? text.slice(0, 1000) : undefined}
      className={`line-clamp-2 break-words ${mono ? 'font-mono text-xs' : ''}`}
    >
      {text || <span className="text-zinc-400 dark:text-zinc-600">—</span>}
    </span>
  );
}

/**
 * The cases of one suite revision, one server page at a time: search, tag and page live in the URL
 * and the server renders the page again. Editing is for the latest revision only; an older one
 * (`?revision=N`) is read-only.
 */
export function CasesTable({
  suiteId,
  revision,
  latestRevision,
  caseCount,
  data,
  query,
  variables,
  canWrite,
  saveCase,
  deleteCases,
}: {
  suiteId: string;
  revision: number;
  latestRevision: number;
  caseCount: number;
  data: CasePage;
  query: CasePageQuery;
  variables: CaseVariable[];
  canWrite: boolean;
  saveCase: SaveCase;
  deleteCases: DeleteCases;
}) {
  const router = useRouter();
  const pathname = usePathname();
  const [isLoading, startLoading] = useTransition();
  const [search, setSearch] = useState(query.search);
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);
  const [editing, setEditing] = useState<CaseRow | 'new' | null>(null);
  const [deleting, setDeleting] = useState<CaseRow | null>(null);
  const [isImporting, setIsImporting] = useState(false);
  const isLatest = revision === latestRevision;
  const isEditable = canWrite && isLatest;
  const remove = useActionMutation(deleteCases, { onSuccess: () => setDeleting(null) });

  function go(next: Partial<CasePageQuery>, delayMs = 0) {
    const merged = { ...query, search, ...next };
    const params = new URLSearchParams();
    if (!isLatest) params.set('revision', String(revision));
    if (merged.search.trim()) params.set('search', merged.search.trim());
    if (merged.tag) params.set('tag', merged.tag);
    if (merged.page > 1) params.set('page', String(merged.page));
    clearTimeout(timer.current);
    timer.current = setTimeout(
      () =>
        startLoading(() =>
          router.replace(`${pathname}${params.size ? `?${params}` : ''}`, { scroll: false }),
        ),
      delayMs,
    );
  }

  // Variables of the prompt first, then any other stored keys (a variable the prompt dropped since).
  const inputKeys = useMemo(() => {
    const keys = variables.map((v) => v.name);
    for (const c of data.cases) for (const k of Object.keys(c.input)) if (!keys.includes(k)) keys.push(k);
    return keys;
  }, [variables, data.cases]);

  const columns = useMemo(() => {
    const list: ColumnDef<CaseRow, string>[] = [
      column.accessor('id', {
        header: 'Id',
        cell: (info) => (
          <span className="block truncate font-mono" title={info.getValue()}>
            {info.getValue()}
          </span>
        ),
      }) as ColumnDef<CaseRow, string>,
      ...inputKeys.map(
        (key) =>
          column.accessor((row) => formatInputValue(row.input[key]), {
            id: `input.${key}`,
            header: key,
            cell: (info) => <Cell text={info.getValue()} />,
          }) as ColumnDef<CaseRow, string>,
      ),
      column.accessor((row) => row.expected ?? '', {
        id: 'expected',
        header: 'Expected',
        cell: (info) => <Cell text={info.getValue()} />,
      }) as ColumnDef<CaseRow, string>,
      column.accessor((row) => row.tags.join(' '), {
        id: 'tags',
        header: 'Tags',
        cell: (info) => (
          <span className="flex flex-wrap gap-1">
            {info.row.original.tags.map((t) => (
              <span
                key={t}
                title={t}
                className="max-w-32 truncate rounded bg-zinc-100 px-1.5 py-0.5 text-xs text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300"
              >
                {t}
              </span>
            ))}
          </span>
        ),
      }) as ColumnDef<CaseRow, string>,
    ];
    if (isEditable) {
      list.push(
        column.display({
          id: 'actions',
          header: () => <span className="sr-only">Actions</span>,
          cell: (info) => (
            <span className="flex justify-end gap-1">
              <Button
                variant="ghost"
                className="-my-1 px-2"
                aria-label={`Edit case ${info.row.original.id}`}
                onClick={() => setEditing(info.row.original)}
              >
                Edit
              </Button>
              <Button
                variant="ghost"
                className="-my-1 px-2"
                aria-label={`Delete case ${info.row.original.id}`}
                onClick={() => setDeleting(info.row.original)}
              >
                Delete
              </Button>
            </span>
          ),
        }) as ColumnDef<CaseRow, string>,
      );
    }
    return list;
  }, [inputKeys, isEditable]);

  // TanStack's table object is rebuilt each render by design; the compiler skips this component.
  // eslint-disable-next-line react-hooks/incompatible-library
  const table = useReactTable({
    data: data.cases,
    columns,
    getCoreRowModel: getCoreRowModel(),
    manualPagination: true,
    pageCount: data.pageCount,
    getRowId: (row) => row.id,
  });

  const exportHref = (format: 'csv' | 'jsonl') =>
    `/api/suites/${encodeURIComponent(suiteId)}/export?format=${format}&revision=${revision}`;
  const isFiltered = query.search.trim() !== '' || query.tag !== '';
  const first = (data.page - 1) * 50 + 1;

  return (
    <div className="space-y-4">
      {!isLatest ? (
        <Alert tone="info">
          <span data-testid="read-only-revision">
            Revision {revision} (read-only). The suite is at revision {latestRevision}.{' '}
            <Link href={`/suites/${encodeURIComponent(suiteId)}`} className="font-medium underline">
              Show the latest
            </Link>
          </span>
        </Alert>
      ) : null}
      <div className="flex flex-wrap items-end gap-3">
        <label className="min-w-48 flex-1 space-y-1 text-sm">
          <span className="font-medium">Search</span>
          <input
            type="search"
            value={search}
            placeholder="Id, input, expected or notes"
            onChange={(e) => {
              setSearch(e.target.value);
              go({ search: e.target.value, page: 1 }, SEARCH_DEBOUNCE_MS);
            }}
            className="w-full rounded-md border border-zinc-300 bg-white px-3 py-1.5 text-sm dark:border-zinc-700 dark:bg-zinc-900"
          />
        </label>
        <label className="space-y-1 text-sm">
          <span className="font-medium">Tag</span>
          <select
            value={query.tag}
            onChange={(e) => go({ tag: e.target.value, page: 1 })}
            className="block max-w-56 truncate rounded-md border border-zinc-300 bg-white px-3 py-1.5 text-sm dark:border-zinc-700 dark:bg-zinc-900"
          >
            <option value="">All tags</option>
            {data.tags.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </label>
        <div className="flex flex-wrap gap-2">
          <a href={exportHref('csv')} download className={buttonClasses('secondary')}>
            Export CSV
          </a>
          <a href={exportHref('jsonl')} download className={buttonClasses('secondary')}>
            Export JSONL
          </a>
          {isEditable ? (
            <>
              <Button variant="secondary" onClick={() => setIsImporting(true)}>
                Import
              </Button>
              <Button onClick={() => setEditing('new')}>Add case</Button>
            </>
          ) : null}
        </div>
      </div>
      {remove.error && !deleting ? <Alert>{remove.error.message}</Alert> : null}
      {caseCount === 0 ? (
        <div className="rounded-lg border border-dashed border-zinc-300 px-6 py-10 text-center dark:border-zinc-700">
          <h2 className="text-base font-semibold">No cases yet</h2>
          <p className="mx-auto mt-1 max-w-md text-sm text-zinc-600 dark:text-zinc-400">
            {isEditable
              ? 'Add a case by hand, import a CSV or JSONL file, or save one from a playground run of the prompt.'
              : 'This revision has no cases.'}
          </p>
        </div>
      ) : (
        <>
          <TableScroll label="Cases">
            <table
              className="w-full min-w-[48rem] table-fixed text-sm"
              aria-busy={isLoading}
              data-testid="cases-table"
            >
              <thead className="text-left text-xs text-zinc-500 uppercase dark:text-zinc-400">
                {table.getHeaderGroups().map((group) => (
                  <tr key={group.id}>
                    {group.headers.map((header) => (
                      <th
                        key={header.id}
                        className={`truncate px-3 py-2 font-medium ${header.id === 'id' ? 'w-32' : header.id === 'actions' ? 'w-36' : header.id === 'tags' ? 'w-36' : ''}`}
                        title={
                          typeof header.column.columnDef.header === 'string'
                            ? header.column.columnDef.header
                            : undefined
                        }
                      >
                        {header.isPlaceholder
                          ? null
                          : flexRender(header.column.columnDef.header, header.getContext())}
                      </th>
                    ))}
                  </tr>
                ))}
              </thead>
              <tbody>
                {table.getRowModel().rows.map((row) => (
                  <tr
                    key={row.id}
                    data-testid="case-row"
                    className="border-t border-zinc-100 align-top dark:border-zinc-800"
                  >
                    {row.getVisibleCells().map((cell) => (
                      <td key={cell.id} className="px-3 py-2">
                        {flexRender(cell.column.columnDef.cell, cell.getContext())}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
            {data.cases.length === 0 ? (
              <p className="py-6 text-center text-sm text-zinc-500 dark:text-zinc-400">
                {isFiltered ? 'No case matches these filters.' : 'No cases on this page.'}
              </p>
            ) : null}
          </TableScroll>
          <nav aria-label="Case pages" className="flex flex-wrap items-center justify-between gap-2 text-sm">
            <span className="text-zinc-600 dark:text-zinc-400" data-testid="case-count">
              {data.total === 0
                ? formatCount(0, 'case')
                : `${first.toLocaleString('en-US')}–${(first + data.cases.length - 1).toLocaleString('en-US')} of ${formatCount(data.total, 'case')}`}
              {isFiltered ? ` (of ${caseCount.toLocaleString('en-US')})` : ''}
            </span>
            <span className="flex items-center gap-2">
              <Button
                variant="secondary"
                disabled={data.page <= 1 || isLoading}
                onClick={() => go({ page: data.page - 1 })}
              >
                Previous
              </Button>
              <span>
                Page {data.page} of {data.pageCount}
              </span>
              <Button
                variant="secondary"
                disabled={data.page >= data.pageCount || isLoading}
                onClick={() => go({ page: data.page + 1 })}
              >
                Next
              </Button>
            </span>
          </nav>
        </>
      )}
      {editing ? (
        <CaseDialog
          key={editing === 'new' ? 'new' : editing.id}
          suiteId={suiteId}
          revision={revision}
          variables={variables}
          {...(editing === 'new' ? {} : { initial: editing })}
          saveCase={saveCase}
          onClose={() => setEditing(null)}
        />
      ) : null}
      {isImporting ? (
        <ImportCasesDialog
          suiteId={suiteId}
          revision={revision}
          variables={variables.map((v) => v.name)}
          onClose={() => setIsImporting(false)}
        />
      ) : null}
      {deleting ? (
        <ConfirmDialog
          open
          title={`Delete case ${deleting.id}?`}
          confirmLabel="Delete"
          isPending={remove.isPending}
          error={remove.error?.message}
          onClose={() => {
            setDeleting(null);
            remove.reset();
          }}
          onConfirm={() =>
            remove.mutate({ suiteId, expectedRevision: revision, message: '', caseIds: [deleting.id] })
          }
        >
          The suite gets a new revision without it; older revisions (and the runs that used them) keep it.
        </ConfirmDialog>
      ) : null}
    </div>
  );
}
