import { z } from 'zod';
import { getViewer } from '@/lib/server/auth/session';
import { getPrisma } from '@/lib/server/db';
import { withErrorResponse } from '@/lib/server/error-response';
import { problem } from '@/lib/server/http/problem';
import { exportSuiteCases } from '@/lib/server/suites/case-transfer';

// Downloads a suite revision's cases: GET /api/suites/<id>/export?format=csv|jsonl&revision=N
// (the latest revision without `revision`). Streamed in batches; the file imports back as it is.

export const dynamic = 'force-dynamic';

const querySchema = z.object({
  format: z.enum(['csv', 'jsonl']).default('csv'),
  revision: z.coerce.number().int().positive().optional(),
});

async function exportCases(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const viewer = await getViewer();
  if (!viewer) return problem(401, 'UNAUTHENTICATED', 'Your session has ended. Sign in again.');
  const search = new URL(request.url).searchParams;
  const query = querySchema.safeParse({
    format: search.get('format') ?? undefined,
    revision: search.get('revision') ?? undefined,
  });
  if (!query.success)
    return problem(400, 'INVALID_INPUT', 'Say ?format=csv|jsonl and optionally ?revision=N.');
  const file = await exportSuiteCases(
    await getPrisma(),
    viewer.workspaceId,
    decodeURIComponent((await params).id),
    query.data.format,
    query.data.revision,
  );
  return new Response(file.body, {
    headers: {
      'content-type': file.contentType,
      'content-disposition': `attachment; filename="${file.filename}"`,
      'cache-control': 'no-store',
    },
  });
}

export const GET = withErrorResponse('GET /api/suites/[id]/export', exportCases);
