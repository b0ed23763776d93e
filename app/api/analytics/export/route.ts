import { COST_DIMENSIONS, type CostDimension } from '@/components/dashboards/types';
import { loadCost } from '@/lib/server/analytics/cost';
import { costTableCsv } from '@/lib/server/analytics/cost-csv';
import { workspaceTimeZone } from '@/lib/server/analytics/page-context';
import { parseDashboardParams } from '@/lib/server/analytics/params';
import { getViewer } from '@/lib/server/auth/session';
import { getPrisma } from '@/lib/server/db';
import { withErrorResponse } from '@/lib/server/error-response';
import { problem } from '@/lib/server/http/problem';

// Downloads one cost table as CSV: GET /api/analytics/export?table=prompt|version|model|provider|
// source|apiKey plus the cost page's filters (range or from/to, prompt, model, source). Its total
// row is the page's total: both read loadCost.

export const dynamic = 'force-dynamic';

async function exportCost(request: Request) {
  const viewer = await getViewer();
  if (!viewer) return problem(401, 'UNAUTHENTICATED', 'Your session has ended. Sign in again.');
  const search = Object.fromEntries(new URL(request.url).searchParams);
  const table = search.table ?? 'prompt';
  if (!(COST_DIMENSIONS as readonly string[]).includes(table))
    return problem(
      400,
      'INVALID_INPUT',
      `Unknown table “${table}”: say ?table=${COST_DIMENSIONS.join('|')}.`,
    );
  const db = await getPrisma();
  const parsed = parseDashboardParams(search, new Date(), await workspaceTimeZone(db, viewer.workspaceId));
  if (!parsed.ok) return problem(400, 'INVALID_INPUT', parsed.problems.join(' '));
  const cost = await loadCost(db, viewer.workspaceId, parsed.filters, [table as CostDimension]);
  if (!cost.ok) return problem(400, 'INVALID_INPUT', cost.problems.join(' '));
  const from = parsed.filters.from.toISOString().slice(0, 10);
  const to = new Date(parsed.filters.to.getTime() - 1).toISOString().slice(0, 10);
  return new Response(costTableCsv(cost.data, table as CostDimension), {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="cost-by-${table}-${from}-to-${to}.csv"`,
      'cache-control': 'no-store',
    },
  });
}

export const GET = withErrorResponse('GET /api/analytics/export', exportCost);
