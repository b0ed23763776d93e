import { decodePathParam, getReader } from '@/lib/server/auth/reader';
import { getPrisma } from '@/lib/server/db';
import { withErrorResponse } from '@/lib/server/error-response';
import { listRunCases, parseCaseQuery } from '@/lib/server/suites/run-cases';

export const dynamic = 'force-dynamic';

/** One page of a run's case table: `?page=&filter=all|failed|errored|passed|overridden|reviewed&tag=&q=`. */
export const GET = withErrorResponse(
  'GET /api/suites/runs/[runId]/cases',
  async (request: Request, { params }: { params: Promise<{ runId: string }> }) => {
    const viewer = await getReader();
    const runId = decodePathParam((await params).runId);
    const query = parseCaseQuery(new URL(request.url).searchParams);
    const page = await listRunCases(await getPrisma(), viewer.workspaceId, runId, query);
    return Response.json(page, { headers: { 'cache-control': 'no-store' } });
  },
);
