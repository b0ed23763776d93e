import { can } from '@/lib/server/auth/permissions';
import { getViewer } from '@/lib/server/auth/session';
import { getPrisma } from '@/lib/server/db';
import { withErrorResponse } from '@/lib/server/error-response';
import { listRunCases, parseCaseQuery } from '@/lib/server/suites/run-cases';

export const dynamic = 'force-dynamic';

/** A path segment as the user wrote it, whether or not the router already decoded it. */
function decodeParam(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** One page of a run's case table: `?page=&filter=all|failed|errored|passed|overridden|reviewed&tag=&q=`. */
export const GET = withErrorResponse(
  'GET /api/suites/runs/[runId]/cases',
  async (request: Request, { params }: { params: Promise<{ runId: string }> }) => {
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
    const runId = decodeParam((await params).runId);
    const query = parseCaseQuery(new URL(request.url).searchParams);
    const page = await listRunCases(await getPrisma(), viewer.workspaceId, runId, query);
    return Response.json(page, { headers: { 'cache-control': 'no-store' } });
  },
);
