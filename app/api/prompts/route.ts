import { getViewer } from '@/lib/server/auth/session';
import { getPrisma } from '@/lib/server/db';
import { getRegistry } from '@/lib/server/loom';
import { listPrompts, parsePromptListQuery } from '@/lib/server/prompts/prompts-list';
import { withErrorResponse } from '@/lib/server/error-response';

export const dynamic = 'force-dynamic';

/** The prompts list as JSON (`?search=&tag=&archived=1`), for the list's client-side refetches. */
export const GET = withErrorResponse('GET /api/prompts', async (request: Request) => {
  const viewer = await getViewer();
  if (!viewer)
    return Response.json(
      { error: 'UNAUTHENTICATED', message: 'Your session has ended. Sign in again.' },
      { status: 401 },
    );
  const query = parsePromptListQuery(new URL(request.url).searchParams);
  const list = await listPrompts(await getPrisma(), await getRegistry(viewer), viewer.workspaceId, query);
  return Response.json(list, { headers: { 'cache-control': 'no-store' } });
});
