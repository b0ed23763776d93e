'use client';

import Link from 'next/link';
import { useMemo, useState } from 'react';
import { TableScroll } from '@/components/ui/table';
import { costPerCall, errorRate, formatTotalCost, formatValue } from './format';
import { Sparkline } from './sparkline';
import { DIMENSION_LABELS, type CostRow, type CostTable as CostTableData } from './types';

type SortKey = 'label' | 'runs' | 'errorRate' | 'inputTokens' | 'outputTokens' | 'cost' | 'costPerCall';

const COLUMNS: { key: SortKey; label: string; numeric: boolean }[] = [
  { key: 'runs', label: 'Runs', numeric: true },
  { key: 'errorRate', label: 'Error rate', numeric: true },
  { key: 'inputTokens', label: 'Tokens in', numeric: true },
  { key: 'outputTokens', label: 'Tokens out', numeric: true },
  { key: 'cost', label: 'Cost', numeric: true },
  { key: 'costPerCall', label: 'Cost per call', numeric: true },
];

function sortValue(row: CostRow, key: SortKey): number | string {
  switch (key) {
    case 'label':
      return row.label.toLowerCase();
    case 'runs':
      return row.totals.runs;
    case 'errorRate':
      return errorRate(row.totals) ?? -1;
    case 'inputTokens':
      return row.totals.inputTokens;
    case 'outputTokens':
      return row.totals.outputTokens;
    case 'cost':
      return row.totals.costMicros;
    case 'costPerCall':
      return costPerCall(row.totals) ?? -1;
  }
}

const LINK = 'font-medium text-accent hover:underline dark:text-accent-soft';

/** One cost breakdown, sortable by any column (largest cost first), with each row's cost over time. */
export function CostTable({ table, grain }: { table: CostTableData; grain: 'hour' | 'day' }) {
  const [sort, setSort] = useState<{ key: SortKey; descending: boolean }>({ key: 'cost', descending: true });
  const rows = useMemo(() => {
    const sorted = [...table.rows].sort((a, b) => {
      const x = sortValue(a, sort.key);
      const y = sortValue(b, sort.key);
      return x < y ? -1 : x > y ? 1 : 0;
    });
    return sort.descending ? sorted.reverse() : sorted;
  }, [table.rows, sort]);
  const name = DIMENSION_LABELS[table.dimension];

  const header = (key: SortKey, label: string, numeric: boolean) => {
    const isSorted = sort.key === key;
    return (
      <th
        key={key}
        scope="col"
        aria-sort={isSorted ? (sort.descending ? 'descending' : 'ascending') : 'none'}
        className={`px-3 py-2 font-medium ${numeric ? 'text-right' : 'text-left'}`}
      >
        <button
          type="button"
          onClick={() => setSort({ key, descending: isSorted ? !sort.descending : numeric })}
          className="inline-flex items-center gap-1 hover:text-zinc-900 dark:hover:text-zinc-100"
        >
          {label}
          <span aria-hidden="true">{isSorted ? (sort.descending ? '▼' : '▲') : ''}</span>
        </button>
      </th>
    );
  };

  return (
    <TableScroll label={`Cost by ${name.toLowerCase()}`}>
      <table className="w-full text-sm" data-testid={`cost-table-${table.dimension}`}>
        <thead className="bg-zinc-50 text-xs text-zinc-600 dark:bg-zinc-800/50 dark:text-zinc-400">
          <tr>
            {header('label', name, false)}
            <th scope="col" className="px-3 py-2 text-left font-medium">
              Cost per {grain}
            </th>
            {COLUMNS.map((column) => header(column.key, column.label, column.numeric))}
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
          {rows.map((row) => (
            <tr key={row.key}>
              <th scope="row" className="max-w-64 px-3 py-1.5 text-left font-normal break-words">
                {row.href ? (
                  <Link href={row.href} className={LINK}>
                    {row.label}
                  </Link>
                ) : (
                  row.label
                )}
              </th>
              <td className="px-3 py-1.5">
                <Sparkline values={row.spark} label={`Cost per ${grain} of ${row.label}`} />
              </td>
              <Cells row={row} />
            </tr>
          ))}
        </tbody>
        <tfoot className="border-t-2 border-zinc-200 font-semibold dark:border-zinc-700">
          <tr data-testid="cost-table-total">
            <th scope="row" className="px-3 py-2 text-left">
              Total
            </th>
            <td />
            <Cells row={{ key: 'total', label: 'Total', totals: table.total, spark: [] }} />
          </tr>
        </tfoot>
      </table>
    </TableScroll>
  );
}

function Cells({ row }: { row: CostRow }) {
  const perCall = costPerCall(row.totals);
  const rate = errorRate(row.totals);
  return (
    <>
      <td className="px-3 py-1.5 text-right tabular-nums">{formatValue(row.totals.runs, 'count')}</td>
      <td className="px-3 py-1.5 text-right tabular-nums">
        {rate === null ? '—' : formatValue(rate, 'percent')}
      </td>
      <td className="px-3 py-1.5 text-right tabular-nums">{formatValue(row.totals.inputTokens, 'tokens')}</td>
      <td className="px-3 py-1.5 text-right tabular-nums">
        {formatValue(row.totals.outputTokens, 'tokens')}
      </td>
      <td className="px-3 py-1.5 text-right tabular-nums" data-testid="cost-cell">
        {formatTotalCost(row.totals)}
      </td>
      <td className="px-3 py-1.5 text-right tabular-nums">
        {perCall === null ? 'unknown' : formatValue(perCall, 'usd')}
      </td>
    </>
  );
}
