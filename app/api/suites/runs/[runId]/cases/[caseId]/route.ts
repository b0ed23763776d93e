import { decodePathParam, getReader } from '@/lib/server/auth/reader';
import { getPrisma } from '@/lib/server/db';
import { withErrorResponse } from '@/lib/server/error-response';
import { loadCaseDetail } from '@/lib/server/suites/run-cases';

export const dynamic = 'force-dynamic';

/** One case of a run in full, for the run page's case drawer. */
export const GET = withErrorResponse(
  'GET /api/suites/runs/[runId]/cases/[caseId]',
  async (_request: Request, { params }: { params: Promise<{ runId: string; caseId: string }> }) => {
    const viewer = await getReader();
    const { runId, caseId } = await params;
    const detail = await loadCaseDetail(
      await getPrisma(),
      viewer.workspaceId,
      decodePathParam(runId),
      decodePathParam(caseId),
    );
    return Response.json(detail, { headers: { 'cache-control': 'no-store' } });
  },
);
