import { getViewer } from '@/lib/server/auth/session';
import { getPrisma } from '@/lib/server/db';
import { withErrorResponse } from '@/lib/server/error-response';
import { getCompareCase } from '@/lib/server/suites/compare';
import { compareCaseParamsSchema, parseSearchParams } from '@/lib/server/suites/compare-query';

export const dynamic = 'force-dynamic';

/** One case in every run of a comparison: `?suite=&baseline=&runs=a,b&case=` → CompareCaseDetail. */
export const GET = withErrorResponse('GET /api/suites/compare/case', async (request: Request) => {
  const viewer = await getViewer();
  if (!viewer)
    return Response.json(
      { code: 'UNAUTHENTICATED', message: 'Your session has ended. Sign in again.' },
      { status: 401 },
    );
  const query = parseSearchParams(compareCaseParamsSchema, new URL(request.url).searchParams);
  const detail = await getCompareCase(await getPrisma(), viewer, {
    suiteId: query.suite,
    baselineRunId: query.baseline,
    runIds: query.runs,
    caseId: query.case,
  });
  return Response.json(detail, { headers: { 'cache-control': 'no-store' } });
});
