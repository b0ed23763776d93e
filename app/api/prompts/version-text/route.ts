import { z } from 'zod';
import { isLoomError, promptIdSchema } from '@/lib/loom/core';
import { getViewer } from '@/lib/server/auth/session';
import { versionSections } from '@/lib/server/prompts/editor-compare';
import { getRegistry } from '@/lib/server/loom';
import { canonicalVersionText } from '@/lib/server/prompts/prompt-history';
import { withErrorResponse } from '@/lib/server/error-response';

export const dynamic = 'force-dynamic';

const querySchema = z.object({ id: promptIdSchema, version: z.coerce.number().int().positive() });

/** One version as the canonical YAML the History tab's diff compares (`?id=&version=`). */
export const GET = withErrorResponse('GET /api/prompts/version-text', async (request: Request) => {
  const viewer = await getViewer();
  if (!viewer)
    return Response.json(
      { error: 'UNAUTHENTICATED', message: 'Your session has ended. Sign in again.' },
      { status: 401 },
    );
  const params = new URL(request.url).searchParams;
  const query = querySchema.safeParse({ id: params.get('id'), version: params.get('version') });
  if (!query.success) {
    return Response.json(
      { error: 'INVALID_INPUT', message: query.error.issues[0]?.message },
      { status: 400 },
    );
  }
  try {
    const data = await (await getRegistry(viewer)).get(query.data.id, query.data.version);
    return Response.json(
      { version: data.version, text: canonicalVersionText(data), sections: versionSections(data) },
      { headers: { 'cache-control': 'no-store' } },
    );
  } catch (error) {
    if (isLoomError(error, 'NOT_FOUND')) {
      return Response.json({ error: 'NOT_FOUND', message: error.message }, { status: 404 });
    }
    throw error;
  }
});
