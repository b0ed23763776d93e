import 'server-only';
import Papa from 'papaparse';
import {
  DIMENSION_LABELS,
  type CostData,
  type CostDimension,
  type Totals,
} from '@/components/dashboards/types';

const COLUMNS = [
  'runs',
  'errors',
  'input_tokens',
  'output_tokens',
  'cost_usd',
  'unpriced_runs',
  'cost_per_call_usd',
] as const;

/** Exact dollars from micro-dollars (six decimals, no float drift); "unknown" when nothing was priced. */
function dollars(micros: number, totals: Totals): string {
  if (totals.runs > 0 && totals.unpricedRuns >= totals.runs) return 'unknown';
  const sign = micros < 0 ? '-' : '';
  const abs = Math.abs(micros);
  return `${sign}${Math.floor(abs / 1_000_000)}.${String(abs % 1_000_000).padStart(6, '0')}`;
}

function cells(totals: Totals): string[] {
  const priced = totals.runs - totals.unpricedRuns;
  return [
    String(totals.runs),
    String(totals.errors),
    String(totals.inputTokens),
    String(totals.outputTokens),
    dollars(totals.costMicros, totals),
    String(totals.unpricedRuns),
    // Rounded to the micro-dollar in integers, so the figure never depends on float rounding.
    priced > 0 ? dollars(Math.round(totals.costMicros / priced), totals) : 'unknown',
  ];
}

/**
 * One cost table as CSV: a row per group and a last "Total" row, the same figures the cost page
 * shows (it reads the same loader). Cells that start like a formula are escaped for spreadsheets.
 */
export function costTableCsv(data: CostData, dimension: CostDimension): string {
  const table = data.tables.find((t) => t.dimension === dimension);
  const rows = [
    [DIMENSION_LABELS[dimension].toLowerCase().replace(/\s+/g, '_'), ...COLUMNS],
    ...(table?.rows ?? []).map((row) => [row.label, ...cells(row.totals)]),
    ['Total', ...cells(table?.total ?? data.total)],
  ];
  return `${Papa.unparse(rows, { header: false, newline: '\r\n', escapeFormulae: true })}\r\n`;
}
