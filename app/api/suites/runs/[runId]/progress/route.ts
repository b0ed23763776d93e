import { can } from '@/lib/server/auth/permissions';
import { getViewer } from '@/lib/server/auth/session';
import { withErrorResponse } from '@/lib/server/error-response';
import { getRunProgress } from '@/lib/server/suites/run-progress';

// A run's live progress (done/total, passes, errors, cost so far, ETA), polled by the run page
// while the run is queued or running. Scoped to the viewer's workspace; never cached.

export const dynamic = 'force-dynamic';

async function progress(_request: Request, { params }: { params: Promise<{ runId: string }> }) {
  const viewer = await getViewer();
  if (!viewer)
    return Response.json(
      { code: 'UNAUTHENTICATED', message: 'Your session has ended. Sign in again.' },
      { status: 401 },
    );
  if (!can(viewer.role, 'read'))
    return Response.json({ code: 'FORBIDDEN', message: 'Your role does not allow this.' }, { status: 403 });
  const { runId } = await params;
  const view = await getRunProgress(viewer.workspaceId, decodeURIComponent(runId));
  return Response.json(view, { headers: { 'cache-control': 'no-store' } });
}

export const GET = withErrorResponse('GET /api/suites/runs/[runId]/progress', progress);
