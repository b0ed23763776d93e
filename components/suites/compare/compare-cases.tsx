'use client';

import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { type ColumnDef, flexRender, getCoreRowModel, useReactTable } from '@tanstack/react-table';
import { Fragment, useEffect, useMemo, useRef, useState } from 'react';
import { Alert } from '../../ui/card';
import { TableScroll } from '../../ui/table';
import { CompareCaseDetailPanel } from './case-detail';
import { fetchJson } from '../fetch-json';
import type { CaseFlag, CompareCaseCell, CompareCaseRow, CompareCasesPage } from './types';

export const COMPARE_CASES_PAGE_SIZE = 50;

export interface CompareColumn {
  runId: string;
  /** "Baseline v1" / "v2 · openai/gpt-4o" */
  label: string;
}

function Verdict({ cell }: { cell: CompareCaseCell }) {
  if (!cell.present) return <span className="text-xs text-zinc-500 dark:text-zinc-400">Not in run</span>;
  const text = cell.errored && !cell.pass ? 'Error' : cell.pass ? 'Pass' : 'Fail';
  const tone = cell.pass ? 'text-emerald-700 dark:text-emerald-300' : 'text-red-700 dark:text-red-300';
  return (
    <span className={`text-xs font-semibold ${tone}`}>
      {text}
      {cell.overridden ? (
        <span className="ml-1 font-normal text-zinc-600 dark:text-zinc-400">(reviewed)</span>
      ) : null}
      {cell.score !== null ? (
        <span className="ml-1 font-normal text-zinc-600 tabular-nums dark:text-zinc-400">
          {cell.score.toFixed(2)}
        </span>
      ) : null}
    </span>
  );
}

const FLAG_TEXT: Partial<Record<CaseFlag, string>> = {
  regression: '▼ Regression',
  improvement: '▲ Improvement',
};

function Cell({ cell, flag }: { cell: CompareCaseCell; flag?: CaseFlag }) {
  const flagText = flag ? FLAG_TEXT[flag] : undefined;
  return (
    <div className="min-w-[12rem] space-y-0.5">
      <div className="flex flex-wrap items-center gap-x-2">
        <Verdict cell={cell} />
        {flagText ? (
          <span
            className={`rounded px-1 text-[11px] font-semibold ${
              flag === 'regression'
                ? 'bg-red-100 text-red-800 dark:bg-red-900 dark:text-red-100'
                : 'bg-emerald-100 text-emerald-800 dark:bg-emerald-900 dark:text-emerald-100'
            }`}
          >
            {flagText}
          </span>
        ) : null}
      </div>
      {cell.outputPreview !== null ? (
        <p className="line-clamp-2 text-xs break-words text-zinc-700 dark:text-zinc-300">
          {cell.outputPreview || '(empty output)'}
        </p>
      ) : null}
    </div>
  );
}

function rowTone(row: CompareCaseRow): string {
  if (row.flags.includes('regression'))
    return 'bg-red-50/80 shadow-[inset_3px_0_0_var(--color-red-500)] dark:bg-red-950/40';
  if (row.flags.includes('improvement'))
    return 'bg-emerald-50/80 shadow-[inset_3px_0_0_var(--color-emerald-500)] dark:bg-emerald-950/40';
  return '';
}

/**
 * The comparison's cases, paged on the server: flipped rows first (regressions, then
 * improvements), a "changed only" toggle and a search; choosing a case opens its output diff.
 */
export function CompareCases({
  suiteId,
  baselineId,
  columns,
}: {
  suiteId: string;
  baselineId: string;
  /** Baseline first, then the candidates. */
  columns: CompareColumn[];
}) {
  const runIds = useMemo(() => columns.slice(1).map((c) => c.runId), [columns]);
  const [page, setPage] = useState(1);
  const [changedOnly, setChangedOnly] = useState(false);
  const [searchText, setSearchText] = useState('');
  const [search, setSearch] = useState('');
  const [selected, setSelected] = useState<string | null>(null);
  const detailRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const timer = setTimeout(() => {
      setSearch(searchText.trim());
      setPage(1);
    }, 300);
    return () => clearTimeout(timer);
  }, [searchText]);

  const params = new URLSearchParams({
    suite: suiteId,
    baseline: baselineId,
    runs: runIds.join(','),
    page: String(page),
    pageSize: String(COMPARE_CASES_PAGE_SIZE),
    changed: changedOnly ? '1' : '0',
    q: search,
  });
  const query = useQuery({
    queryKey: ['suites', suiteId, 'compare', baselineId, runIds, 'cases', page, changedOnly, search],
    queryFn: () => fetchJson<CompareCasesPage>(`/api/suites/compare/cases?${params}`),
    placeholderData: keepPreviousData,
  });

  const tableColumns = useMemo<ColumnDef<CompareCaseRow>[]>(
    () => [
      {
        id: 'case',
        header: 'Case',
        cell: ({ row }) => (
          <div className="max-w-[18rem] min-w-[10rem]">
            <button
              type="button"
              onClick={() =>
                setSelected((current) => (current === row.original.caseId ? null : row.original.caseId))
              }
              className="text-left font-medium text-accent hover:underline"
              aria-label={`Show the output diff of case ${row.original.caseId}`}
              aria-expanded={selected === row.original.caseId}
            >
              {row.original.position !== null ? `#${row.original.position} ` : ''}
              <span className="break-all">{row.original.caseId}</span>
            </button>
            {row.original.inputPreview ? (
              <p className="line-clamp-2 text-xs break-words text-zinc-600 dark:text-zinc-400">
                {row.original.inputPreview}
              </p>
            ) : null}
          </div>
        ),
      },
      ...columns.map<ColumnDef<CompareCaseRow>>((column, index) => ({
        id: column.runId,
        header: column.label,
        cell: ({ row }) => {
          const cell = row.original.cells[index];
          return cell ? (
            <Cell cell={cell} flag={index === 0 ? undefined : row.original.flags[index - 1]} />
          ) : null;
        },
      })),
    ],
    [columns, selected],
  );

  const data = query.data;
  // The table instance is only read during this render; nothing memoizes it, so the compiler's skip is harmless.
  // eslint-disable-next-line react-hooks/incompatible-library
  const table = useReactTable({
    data: data?.rows ?? [],
    columns: tableColumns,
    getCoreRowModel: getCoreRowModel(),
    manualPagination: true,
    getRowId: (row) => row.caseId,
  });

  const pages = data ? Math.max(1, Math.ceil(data.total / data.pageSize)) : 1;

  useEffect(() => {
    if (selected) detailRef.current?.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
  }, [selected]);

  return (
    <section className="space-y-3" aria-labelledby="compare-cases-title">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h2 id="compare-cases-title" className="text-base font-semibold">
            Cases
          </h2>
          {data ? (
            <p className="text-sm text-zinc-600 dark:text-zinc-400" data-testid="case-counts">
              {data.counts.all} cases · {data.counts.regressions} regressed · {data.counts.improvements}{' '}
              improved
            </p>
          ) : null}
        </div>
        <div className="flex flex-wrap items-center gap-3">
          <label className="flex items-center gap-2 text-sm">
            <input
              type="checkbox"
              checked={changedOnly}
              onChange={(e) => {
                setChangedOnly(e.target.checked);
                setPage(1);
              }}
              className="size-4 accent-accent"
            />
            Changed only
          </label>
          <input
            type="search"
            value={searchText}
            onChange={(e) => setSearchText(e.target.value)}
            placeholder="Search cases, inputs, outputs"
            aria-label="Search cases"
            className="w-full min-w-0 rounded-md border border-zinc-300 bg-white px-2 py-1.5 text-sm sm:w-64 dark:border-zinc-700 dark:bg-zinc-900"
          />
        </div>
      </div>
      {query.error ? <Alert>{query.error.message}</Alert> : null}
      <TableScroll label="Compared cases">
        <table className="w-full text-left text-sm" aria-busy={query.isFetching}>
          <thead className="border-b border-zinc-200 text-xs text-zinc-600 dark:border-zinc-800 dark:text-zinc-400">
            {table.getHeaderGroups().map((group) => (
              <tr key={group.id}>
                {group.headers.map((header) => (
                  <th key={header.id} scope="col" className="max-w-[16rem] truncate px-3 py-2 font-medium">
                    {flexRender(header.column.columnDef.header, header.getContext())}
                  </th>
                ))}
              </tr>
            ))}
          </thead>
          <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
            {table.getRowModel().rows.map((row) => {
              const isSelected = selected === row.original.caseId;
              return (
                <Fragment key={row.id}>
                  <tr
                    data-testid="compare-row"
                    data-flag={
                      row.original.flags.includes('regression')
                        ? 'regression'
                        : row.original.flags.includes('improvement')
                          ? 'improvement'
                          : 'same'
                    }
                    data-selected={isSelected ? true : undefined}
                    className={`align-top ${rowTone(row.original)} ${isSelected ? 'outline-2 -outline-offset-2 outline-accent' : ''}`}
                  >
                    {row.getVisibleCells().map((cell) => (
                      <td key={cell.id} className="px-3 py-2">
                        {flexRender(cell.column.columnDef.cell, cell.getContext())}
                      </td>
                    ))}
                  </tr>
                  {isSelected ? (
                    <tr>
                      <td colSpan={columns.length + 1} className="bg-zinc-50 p-2 sm:p-3 dark:bg-zinc-950">
                        {/* Sticky to the scroll box's left edge, as wide as it, so the diff never scrolls sideways with the table. */}
                        <div
                          ref={detailRef}
                          className="sticky left-0 w-[calc(100vw-3.25rem)] sm:w-[calc(100vw-4.75rem)] md:w-auto"
                        >
                          <CompareCaseDetailPanel
                            key={selected}
                            suiteId={suiteId}
                            baselineId={baselineId}
                            columns={columns}
                            caseId={selected}
                            onClose={() => setSelected(null)}
                          />
                        </div>
                      </td>
                    </tr>
                  ) : null}
                </Fragment>
              );
            })}
          </tbody>
        </table>
        {data && data.rows.length === 0 ? (
          <p
            className="px-3 py-6 text-center text-sm text-zinc-600 dark:text-zinc-400"
            data-testid="cases-empty"
          >
            {search
              ? `No case matches "${search}".`
              : changedOnly
                ? 'No case changed its verdict: every shared case passes or fails in both runs alike.'
                : 'These runs have no case results.'}
          </p>
        ) : null}
        {!data && query.isPending ? (
          <p className="px-3 py-6 text-sm text-zinc-600 dark:text-zinc-400">Loading cases…</p>
        ) : null}
      </TableScroll>
      {data && data.total > data.pageSize ? (
        <nav className="flex items-center justify-between gap-2 text-sm" aria-label="Case pages">
          <button
            type="button"
            className="rounded-md border border-zinc-300 px-3 py-1 disabled:opacity-50 dark:border-zinc-700"
            disabled={page <= 1}
            onClick={() => setPage((p) => Math.max(1, p - 1))}
          >
            Previous
          </button>
          <span className="tabular-nums">
            Page {page} of {pages} · {data.total} cases
          </span>
          <button
            type="button"
            className="rounded-md border border-zinc-300 px-3 py-1 disabled:opacity-50 dark:border-zinc-700"
            disabled={page >= pages}
            onClick={() => setPage((p) => Math.min(pages, p + 1))}
          >
            Next
          </button>
        </nav>
      ) : null}
    </section>
  );
}
