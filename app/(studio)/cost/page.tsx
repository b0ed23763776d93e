import type { Metadata } from 'next';
import Link from 'next/link';
import { CostTable } from '@/components/dashboards/cost-table';
import { FilterBar } from '@/components/dashboards/filter-bar';
import { FilterProblems } from '@/components/dashboards/filter-problems';
import { formatTotalCost, formatValue } from '@/components/dashboards/format';
import {
  COST_DIMENSIONS,
  DIMENSION_LABELS,
  type CostDimension,
  type Totals,
} from '@/components/dashboards/types';
import { UnpricedNotice } from '@/components/dashboards/unpriced-notice';
import { buttonClasses } from '@/components/ui/button';
import { PageHeader } from '@/components/ui/page-header';
import { loadCost } from '@/lib/server/analytics/cost';
import { loadDashboardContext } from '@/lib/server/analytics/page-context';
import type { SearchParams } from '@/lib/server/analytics/params';
import { can } from '@/lib/server/auth/permissions';

export const metadata: Metadata = { title: 'Cost' };

/** Cost by prompt, version, model, provider, source and API key, with product and evaluation apart. */
export default async function CostPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const search = await searchParams;
  const context = await loadDashboardContext(search);
  const { viewer, db } = context;
  const by: CostDimension = (COST_DIMENSIONS as readonly string[]).includes(String(search.by))
    ? (search.by as CostDimension)
    : 'prompt';
  const cost = context.parsed.ok ? await loadCost(db, viewer.workspaceId, context.parsed.filters) : undefined;
  const problems = !context.parsed.ok ? context.parsed.problems : cost?.ok === false ? cost.problems : [];
  const data = cost?.ok ? cost.data : undefined;
  const table = data?.tables.find((t) => t.dimension === by);
  const query = (extra: string) => [data?.range.query, extra].filter(Boolean).join('&');

  return (
    <div className="mx-auto max-w-7xl space-y-6">
      <PageHeader
        title="Cost"
        description="What your LLM calls cost, by prompt, version, model, provider, source and API key. Runs without a price are counted apart, never as free."
      />
      <FilterBar
        basePath="/cost"
        values={context.values}
        prompts={context.prompts}
        models={data?.tables.find((t) => t.dimension === 'model')?.rows.map((row) => row.key) ?? []}
        sources={context.sources}
        extra={by === 'prompt' ? {} : { by }}
      />
      {!data || !table ? (
        <FilterProblems problems={problems} resetHref="/cost" />
      ) : (
        <>
          <ul aria-label="Cost totals" className="grid grid-cols-1 gap-3 sm:grid-cols-3">
            <Figure label="Total" totals={data.total} testId="cost-total" />
            <Figure
              label="Product (playground, API, experiments)"
              totals={data.product}
              testId="cost-product"
            />
            <Figure
              label="Evaluation (suite runs and judges)"
              totals={data.evaluation}
              testId="cost-evaluation"
            />
          </ul>
          {data.unpricedModels.length > 0 ? (
            <UnpricedNotice models={data.unpricedModels} canSetPrices={can(viewer.role, 'manage')} />
          ) : null}
          <div className="flex flex-wrap items-center justify-between gap-3">
            <nav aria-label="Break the cost down by" className="flex flex-wrap gap-1">
              {COST_DIMENSIONS.map((dimension) => (
                <Link
                  key={dimension}
                  href={`/cost?${query(dimension === 'prompt' ? '' : `by=${dimension}`)}`.replace(/\?$/, '')}
                  aria-current={dimension === by ? 'page' : undefined}
                  className={`rounded-md px-2.5 py-1 text-sm ${
                    dimension === by
                      ? 'bg-zinc-200/70 font-medium text-zinc-900 dark:bg-zinc-800 dark:text-zinc-50'
                      : 'text-zinc-700 hover:bg-zinc-100 dark:text-zinc-300 dark:hover:bg-zinc-800'
                  }`}
                >
                  {DIMENSION_LABELS[dimension]}
                </Link>
              ))}
            </nav>
            <a
              href={`/api/analytics/export?${query(`table=${by}`)}`}
              download
              className={buttonClasses('secondary')}
            >
              Export CSV
            </a>
          </div>
          {table.rows.length === 0 ? (
            <p className="rounded-md border border-dashed border-zinc-300 px-4 py-8 text-center text-sm text-zinc-600 dark:border-zinc-700 dark:text-zinc-400">
              No runs in this range. Run a prompt in its playground, start a suite run or call the API: runs
              show here within a minute.
            </p>
          ) : (
            <CostTable table={table} grain={data.range.grain} />
          )}
        </>
      )}
    </div>
  );
}

function Figure({ label, totals, testId }: { label: string; totals: Totals; testId: string }) {
  return (
    <li
      className="rounded-lg border border-zinc-200 bg-white px-4 py-3 dark:border-zinc-800 dark:bg-zinc-900"
      data-testid={testId}
    >
      <span className="block text-xs font-medium text-zinc-600 dark:text-zinc-400">{label}</span>
      <span className="block text-lg font-semibold break-words tabular-nums" data-testid="figure-value">
        {formatTotalCost(totals)}
      </span>
      <span className="block text-xs text-zinc-600 dark:text-zinc-400">
        {formatValue(totals.runs, 'count')} runs
      </span>
    </li>
  );
}
