import { getReader } from '@/lib/server/auth/reader';
import { getPrisma } from '@/lib/server/db';
import { withErrorResponse } from '@/lib/server/error-response';
import { listCompareCases } from '@/lib/server/suites/compare';
import { compareCasesParamsSchema, parseSearchParams } from '@/lib/server/suites/compare-query';

export const dynamic = 'force-dynamic';

/**
 * One page of a comparison's cases:
 * `?suite=&baseline=&runs=a,b&page=1&pageSize=50&changed=1&q=` → CompareCasesPage.
 */
export const GET = withErrorResponse('GET /api/suites/compare/cases', async (request: Request) => {
  const viewer = await getReader();
  const query = parseSearchParams(compareCasesParamsSchema, new URL(request.url).searchParams);
  const page = await listCompareCases(await getPrisma(), viewer, {
    suiteId: query.suite,
    baselineRunId: query.baseline,
    runIds: query.runs,
    page: query.page,
    pageSize: query.pageSize,
    changedOnly: query.changed === '1',
    search: query.q,
  });
  return Response.json(page, { headers: { 'cache-control': 'no-store' } });
});
