import { z } from 'zod';
import { isLoomError, promptIdSchema } from '@/lib/loom/core';
import { getViewer } from '@/lib/server/auth/session';
import { getRegistry } from '@/lib/server/loom';
import { exportPrompts } from '@/lib/server/prompts/prompt-transfer';
import { withErrorResponse } from '@/lib/server/error-response';

export const dynamic = 'force-dynamic';

const exportQuerySchema = z.object({
  ids: z.array(promptIdSchema).max(1000),
  format: z.enum(['yaml', 'json']).default('yaml'),
});

/** Downloads the latest version of `?id=a&id=b` (default: every prompt not archived) as YAML or JSON. */
export const GET = withErrorResponse('GET /api/prompts/export', async (request: Request) => {
  const viewer = await getViewer();
  if (!viewer)
    return Response.json(
      { error: 'UNAUTHENTICATED', message: 'Your session has ended. Sign in again.' },
      { status: 401 },
    );
  const params = new URL(request.url).searchParams;
  const query = exportQuerySchema.safeParse({
    ids: params.getAll('id'),
    format: params.get('format') ?? undefined,
  });
  if (!query.success) {
    return Response.json(
      { error: 'INVALID_INPUT', message: query.error.issues[0]?.message },
      { status: 400 },
    );
  }
  try {
    const file = await exportPrompts(await getRegistry(viewer), query.data.ids, query.data.format);
    return new Response(file.body, {
      headers: {
        'content-type': file.contentType,
        'content-disposition': `attachment; filename="${file.filename}"`,
        'cache-control': 'no-store',
      },
    });
  } catch (error) {
    if (isLoomError(error, 'NOT_FOUND')) {
      return Response.json({ error: 'NOT_FOUND', message: error.message }, { status: 404 });
    }
    throw error;
  }
});
