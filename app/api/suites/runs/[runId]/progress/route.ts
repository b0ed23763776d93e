import { getReader } from '@/lib/server/auth/reader';
import { withErrorResponse } from '@/lib/server/error-response';
import { getRunProgress } from '@/lib/server/suites/run-progress';

// A run's live progress (done/total, passes, errors, cost so far, ETA), polled by the run page
// while the run is queued or running. Scoped to the viewer's workspace; never cached.

export const dynamic = 'force-dynamic';

async function progress(_request: Request, { params }: { params: Promise<{ runId: string }> }) {
  const viewer = await getReader();
  const { runId } = await params;
  const view = await getRunProgress(viewer.workspaceId, decodeURIComponent(runId));
  return Response.json(view, { headers: { 'cache-control': 'no-store' } });
}

export const GET = withErrorResponse('GET /api/suites/runs/[runId]/progress', progress);
