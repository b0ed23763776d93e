import { z } from 'zod';
import { promptIdSchema } from '@/lib/loom/core';
import { getReader } from '@/lib/server/auth/reader';
import { getPrisma } from '@/lib/server/db';
import { withErrorResponse } from '@/lib/server/error-response';
import { checkGate } from '@/lib/server/suites/gate';

export const dynamic = 'force-dynamic';

const querySchema = z.object({ id: promptIdSchema, version: z.coerce.number().int().positive() });

/** The release gate's checks for one version (`?id=&version=`), as the promote dialog shows them. */
export const GET = withErrorResponse('GET /api/prompts/gate', async (request: Request) => {
  const viewer = await getReader();
  const params = new URL(request.url).searchParams;
  const query = querySchema.safeParse({ id: params.get('id'), version: params.get('version') });
  if (!query.success) {
    return Response.json({ code: 'INVALID_INPUT', message: query.error.issues[0]?.message }, { status: 400 });
  }
  const result = await checkGate(await getPrisma(), viewer.workspaceId, query.data.id, query.data.version);
  return Response.json(result, { headers: { 'cache-control': 'no-store' } });
});
