import { getReader } from '@/lib/server/auth/reader';
import { getPrisma } from '@/lib/server/db';
import { withErrorResponse } from '@/lib/server/error-response';
import { getCompareCase } from '@/lib/server/suites/compare';
import { compareCaseParamsSchema, parseSearchParams } from '@/lib/server/suites/compare-query';

export const dynamic = 'force-dynamic';

/** One case in every run of a comparison: `?suite=&baseline=&runs=a,b&case=` → CompareCaseDetail. */
export const GET = withErrorResponse('GET /api/suites/compare/case', async (request: Request) => {
  const viewer = await getReader();
  const query = parseSearchParams(compareCaseParamsSchema, new URL(request.url).searchParams);
  const detail = await getCompareCase(await getPrisma(), viewer, {
    suiteId: query.suite,
    baselineRunId: query.baseline,
    runIds: query.runs,
    caseId: query.case,
  });
  return Response.json(detail, { headers: { 'cache-control': 'no-store' } });
});
