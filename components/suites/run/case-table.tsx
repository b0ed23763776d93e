'use client';

import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { createColumnHelper, flexRender, getCoreRowModel, useReactTable } from '@tanstack/react-table';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useEffect, useMemo, useRef, useState } from 'react';
import { Button } from '../../ui/button';
import { Alert } from '../../ui/card';
import { TableScroll } from '../../ui/table';
import { CaseDrawer, type ReviewAction } from './case-drawer';
import { fetchJson } from '../fetch-json';
import { runKeys } from './run-keys';
import { CaseVerdictBadge } from './case-verdict-badge';
import { formatCost } from '../format';
import { formatMs } from './format';
import { CASE_FILTERS, type CaseFilter, type CasePage, type CaseRow } from './types';

const FILTER_TEXT: Record<CaseFilter, string> = {
  all: 'All',
  failed: 'Failed',
  errored: 'Errored',
  passed: 'Passed',
  overridden: 'Overridden',
  reviewed: 'Reviewed',
};

/** The effective verdict, with the automated one beside it when a reviewer overrode it. */
function VerdictCell({ row }: { row: CaseRow }) {
  if (row.reviewed === null) return <CaseVerdictBadge verdict={row.verdict} />;
  const overridden = row.reviewed !== row.automated;
  return (
    <span className="inline-flex flex-wrap items-center gap-1">
      <CaseVerdictBadge verdict={row.verdict} />
      <span className="text-xs text-zinc-600 dark:text-zinc-400">
        {overridden ? `reviewed (was ${row.automated})` : 'reviewed'}
      </span>
    </span>
  );
}

const column = createColumnHelper<CaseRow>();
const muted = 'text-zinc-600 dark:text-zinc-400';
const clip = 'line-clamp-2 max-w-[22rem] break-words';

/**
 * The run's cases, one server page at a time (50 rows), filtered and searched on the server, so a
 * 10,000-case run renders as fast as a 50-case one. Opening a case puts `?case=<id>` in the address.
 */
export function CaseTable({
  runId,
  tags,
  hasJudge,
  canReview,
  isFinished,
  review,
}: {
  runId: string;
  tags: string[];
  hasJudge: boolean;
  canReview: boolean;
  isFinished: boolean;
  review: ReviewAction;
}) {
  const searchParams = useSearchParams();
  const pathname = usePathname();
  const router = useRouter();
  // A review saved while the drawer was open: the server's totals are refreshed once it closes, as a
  // refresh still in flight when the address changes may be dropped by the router.
  const reviewed = useRef(false);
  const openCase = searchParams.get('case');
  const [page, setPage] = useState(1);
  const [filter, setFilter] = useState<CaseFilter>('all');
  const [tag, setTag] = useState('');
  const [search, setSearch] = useState('');
  const [q, setQ] = useState('');

  // Search as the user pauses typing, not on every key.
  useEffect(() => {
    const timer = setTimeout(() => {
      setQ(search.trim());
      setPage(1);
    }, 300);
    return () => clearTimeout(timer);
  }, [search]);

  const params = new URLSearchParams({
    page: String(page),
    filter,
    ...(tag ? { tag } : {}),
    ...(q ? { q } : {}),
  });
  const query = useQuery({
    queryKey: runKeys.cases(runId, params.toString()),
    queryFn: ({ signal }) =>
      fetchJson<CasePage>(`/api/suites/runs/${encodeURIComponent(runId)}/cases?${params.toString()}`, signal),
    placeholderData: keepPreviousData,
  });

  const setCase = (caseId: string | null) => {
    const next = new URLSearchParams(searchParams.toString());
    if (caseId === null) next.delete('case');
    else next.set('case', caseId);
    const search = next.toString();
    // No server round trip: Next keeps useSearchParams in step with the history API.
    window.history.pushState(null, '', `${pathname}${search ? `?${search}` : ''}`);
  };

  const columns = useMemo(
    () => [
      column.accessor('caseId', {
        header: 'Case',
        cell: (info) => (
          <div className="min-w-40 space-y-0.5">
            <button
              type="button"
              className="text-left font-medium break-all text-accent hover:underline"
              onClick={() => setCase(info.getValue())}
              aria-label={`Open case ${info.getValue()}`}
              data-case-id={info.getValue()}
            >
              {info.getValue()}
            </button>
            <p className={`text-xs ${muted} ${clip}`}>{info.row.original.inputPreview}</p>
          </div>
        ),
      }),
      column.accessor('outputPreview', {
        header: 'Output',
        cell: (info) =>
          info.getValue() === null ? (
            <span className="text-xs text-amber-800 dark:text-amber-300">
              {info.row.original.errorCode ?? 'no output'}
            </span>
          ) : (
            <p className={`text-xs ${clip}`}>{info.getValue()}</p>
          ),
      }),
      column.accessor('expectedPreview', {
        header: 'Expected',
        cell: (info) => <p className={`text-xs ${muted} ${clip}`}>{info.getValue() ?? '—'}</p>,
      }),
      column.display({
        id: 'verdict',
        header: 'Verdict',
        cell: (info) => <VerdictCell row={info.row.original} />,
      }),
      column.accessor('score', { header: 'Score', cell: (info) => info.getValue().toFixed(2) }),
      ...(hasJudge
        ? [
            column.accessor('judgeScore', {
              header: 'Judge',
              cell: (info) => (info.getValue() === null ? '—' : info.getValue()!.toFixed(2)),
            }),
          ]
        : []),
      column.display({
        id: 'cost',
        header: 'Cost',
        cell: (info) => (
          <span className="whitespace-nowrap">
            {formatCost(info.row.original.costMicros)}
            {hasJudge ? (
              <span className={`block text-xs ${muted}`}>
                judge {formatCost(info.row.original.judgeCostMicros)}
              </span>
            ) : null}
          </span>
        ),
      }),
      column.accessor('latencyMs', {
        header: 'Latency',
        cell: (info) => <span className="whitespace-nowrap">{formatMs(info.getValue())}</span>,
      }),
      column.accessor('tags', {
        header: 'Tags',
        cell: (info) => (
          <span className="flex flex-wrap gap-1">
            {info.getValue().map((t) => (
              <span key={t} className="rounded bg-zinc-100 px-1.5 py-0.5 text-xs dark:bg-zinc-800">
                {t}
              </span>
            ))}
          </span>
        ),
      }),
    ],
    // setCase reads the current address when called; the columns need not change with it.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [hasJudge],
  );

  const data = query.data;
  // TanStack Table returns fresh functions each render; the compiler skips this component, as it should.
  // eslint-disable-next-line react-hooks/incompatible-library
  const table = useReactTable({
    data: data?.rows ?? [],
    columns,
    getCoreRowModel: getCoreRowModel(),
    manualPagination: true,
    pageCount: data?.pageCount ?? -1,
    getRowId: (row) => row.caseId,
  });

  const numericColumns = new Set(['score', 'judgeScore', 'latencyMs', 'cost']);

  return (
    <section aria-labelledby="cases-heading" className="space-y-3">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <h2 id="cases-heading" className="text-lg font-semibold">
          Cases
        </h2>
        <div className="flex flex-wrap items-end gap-2">
          <label className="space-y-1 text-sm">
            <span className="block font-medium text-zinc-700 dark:text-zinc-300">Search</span>
            <input
              type="search"
              value={search}
              onChange={(event) => setSearch(event.target.value)}
              placeholder="Case id, input, output, expected"
              maxLength={200}
              className="w-64 max-w-full rounded-md border border-zinc-300 bg-white px-3 py-1.5 text-sm dark:border-zinc-600 dark:bg-zinc-900"
            />
          </label>
          {tags.length > 0 ? (
            <label className="space-y-1 text-sm">
              <span className="block font-medium text-zinc-700 dark:text-zinc-300">Tag</span>
              <select
                value={tag}
                onChange={(event) => {
                  setTag(event.target.value);
                  setPage(1);
                }}
                className="rounded-md border border-zinc-300 bg-white px-3 py-1.5 text-sm dark:border-zinc-600 dark:bg-zinc-900"
              >
                <option value="">Any tag</option>
                {tags.map((t) => (
                  <option key={t} value={t}>
                    {t}
                  </option>
                ))}
              </select>
            </label>
          ) : null}
        </div>
      </div>
      <div role="group" aria-label="Show cases" className="flex flex-wrap gap-1">
        {CASE_FILTERS.map((f) => (
          <button
            key={f}
            type="button"
            aria-pressed={filter === f}
            onClick={() => {
              setFilter(f);
              setPage(1);
            }}
            className={`rounded-full border px-3 py-1 text-sm ${
              filter === f
                ? 'border-accent bg-accent text-white'
                : 'border-zinc-300 bg-white text-zinc-800 hover:bg-zinc-100 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100 dark:hover:bg-zinc-800'
            }`}
          >
            {FILTER_TEXT[f]}
          </button>
        ))}
      </div>
      {query.error ? <Alert>{query.error.message}</Alert> : null}
      <p className={`text-sm ${muted}`} aria-live="polite" data-testid="case-count">
        {data
          ? data.total === 0
            ? ''
            : `${data.total.toLocaleString('en')} ${data.total === 1 ? 'case' : 'cases'}${data.pageCount > 1 ? ` · page ${data.page} of ${data.pageCount}` : ''}`
          : 'Loading cases…'}
      </p>
      {data && data.total === 0 ? (
        <p
          className={`rounded-lg border border-dashed border-zinc-300 p-4 text-sm dark:border-zinc-700 ${muted}`}
        >
          {filter !== 'all' || tag || q ? (
            <>
              No case matches.{' '}
              <button
                type="button"
                className="font-medium text-accent hover:underline"
                onClick={() => {
                  setFilter('all');
                  setTag('');
                  setSearch('');
                  setQ('');
                  setPage(1);
                }}
              >
                Show all cases
              </button>
            </>
          ) : isFinished ? (
            'This run has no case results.'
          ) : (
            'No case has finished yet; results appear here as they complete.'
          )}
        </p>
      ) : (
        <TableScroll label="Cases of this run">
          <table className="w-full text-left text-sm" aria-busy={query.isFetching}>
            <thead className="border-b border-zinc-200 bg-zinc-50 text-xs text-zinc-600 uppercase dark:border-zinc-800 dark:bg-zinc-950 dark:text-zinc-400">
              {table.getHeaderGroups().map((group) => (
                <tr key={group.id}>
                  {group.headers.map((header) => (
                    <th
                      key={header.id}
                      scope="col"
                      className={`px-3 py-2 font-medium ${numericColumns.has(header.column.id) ? 'text-right' : ''}`}
                    >
                      {flexRender(header.column.columnDef.header, header.getContext())}
                    </th>
                  ))}
                </tr>
              ))}
            </thead>
            <tbody className="divide-y divide-zinc-200 dark:divide-zinc-800">
              {table.getRowModel().rows.map((row) => (
                <tr
                  key={row.id}
                  data-testid="case-row"
                  className={`align-top hover:bg-zinc-50 dark:hover:bg-zinc-950 ${openCase === row.id ? 'bg-zinc-50 dark:bg-zinc-950' : ''}`}
                >
                  {row.getVisibleCells().map((cell) => (
                    <td
                      key={cell.id}
                      className={`px-3 py-2 ${numericColumns.has(cell.column.id) ? 'text-right tabular-nums' : ''}`}
                    >
                      {flexRender(cell.column.columnDef.cell, cell.getContext())}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
      {data && data.pageCount > 1 ? (
        <nav aria-label="Case pages" className="flex items-center justify-between gap-2">
          <Button variant="secondary" disabled={page <= 1} onClick={() => setPage((p) => Math.max(1, p - 1))}>
            Previous
          </Button>
          <span className={`text-sm ${muted}`}>
            Page {data.page} of {data.pageCount}
          </span>
          <Button
            variant="secondary"
            disabled={page >= data.pageCount}
            onClick={() => setPage((p) => Math.min(data.pageCount, p + 1))}
          >
            Next
          </Button>
        </nav>
      ) : null}
      {openCase ? (
        <CaseDrawer
          key={openCase}
          runId={runId}
          caseId={openCase}
          canReview={canReview && isFinished}
          review={review}
          onReviewed={() => {
            reviewed.current = true;
          }}
          onClose={() => {
            setCase(null);
            if (reviewed.current) {
              reviewed.current = false;
              router.refresh();
            }
          }}
        />
      ) : null}
    </section>
  );
}
