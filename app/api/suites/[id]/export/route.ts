import { z } from 'zod';
import { getViewer } from '@/lib/server/auth/session';
import { getPrisma } from '@/lib/server/db';
import { withErrorResponse } from '@/lib/server/error-response';
import { problem } from '@/lib/server/http/problem';
import { getBlobStore } from '@/lib/server/loom';
import { prepareSuiteExport, suiteExportResponse } from '@/lib/server/suites/case-files';

// Downloads a suite revision's cases: GET /api/suites/<id>/export?format=csv|jsonl&revision=N
// (the latest revision without `revision`). The file imports back as it is. It is made once per
// revision into the blob store; with S3 the answer is a 303 to a signed link valid for a minute,
// otherwise the studio streams the file. Either way only a signed-in member of the workspace gets it.

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
  const blobs = getBlobStore();
  const file = await prepareSuiteExport(
    await getPrisma(),
    blobs,
    viewer.workspaceId,
    decodeURIComponent((await params).id),
    query.data.format,
    query.data.revision,
  );
  return suiteExportResponse(blobs, file);
}

export const GET = withErrorResponse('GET /api/suites/[id]/export', exportCases);
