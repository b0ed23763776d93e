import { can } from '@/lib/server/auth/permissions';
import { getViewer } from '@/lib/server/auth/session';
import { getPrisma } from '@/lib/server/db';
import { withErrorResponse } from '@/lib/server/error-response';
import { loadCaseDetail } from '@/lib/server/suites/run-cases';

export const dynamic = 'force-dynamic';

/** A path segment as the user wrote it, whether or not the router already decoded it. */
function decodeParam(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** One case of a run in full, for the run page's case drawer. */
export const GET = withErrorResponse(
  'GET /api/suites/runs/[runId]/cases/[caseId]',
  async (_request: Request, { params }: { params: Promise<{ runId: string; caseId: string }> }) => {
    const viewer = await getViewer();
    if (!viewer) {
      return Response.json(
        { code: 'UNAUTHENTICATED', message: 'Your session has ended. Sign in again.' },
        { status: 401 },
      );
    }
    if (!can(viewer.role, 'read')) {
      return Response.json({ code: 'FORBIDDEN', message: 'Your role does not allow this.' }, { status: 403 });
    }
    const { runId, caseId } = await params;
    const detail = await loadCaseDetail(
      await getPrisma(),
      viewer.workspaceId,
      decodeParam(runId),
      decodeParam(caseId),
    );
    return Response.json(detail, { headers: { 'cache-control': 'no-store' } });
  },
);
