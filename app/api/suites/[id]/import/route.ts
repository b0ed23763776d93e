import { z } from 'zod';
import { MAX_IMPORT_BYTES } from '@/components/suites/types';
import { formatBytes } from '@/components/prompts/format';
import { can } from '@/lib/server/auth/permissions';
import { getViewer } from '@/lib/server/auth/session';
import { getPrisma } from '@/lib/server/db';
import { withErrorResponse } from '@/lib/server/error-response';
import { readTextBody } from '@/lib/server/http/body';
import { problem } from '@/lib/server/http/problem';
import { refuseCrossSite } from '@/lib/server/http/same-origin';
import { getBlobStore } from '@/lib/server/loom';
import { getImportSource, keepImportSource, suiteExportResponse } from '@/lib/server/suites/case-files';
import { importSuiteCases, ImportRefused } from '@/lib/server/suites/case-transfer';

// Imports a CSV or JSONL file of cases into a new suite revision, all or nothing. A route, not an
// action: Next caps server action bodies at 1 MB. The body is the file itself:
//   POST /api/suites/<id>/import?format=csv|jsonl&mode=append|replace&expectedRevision=N
//   content-type: text/csv (csv) or application/x-ndjson (jsonl)
// Refusals are problem JSON; a bad file is 422 with `problems: [{ row, column, message }]` and `more`.
// The file is kept in the blob store with the revision it made; GET ?revision=N downloads it again.

export const dynamic = 'force-dynamic';

const CONTENT_TYPES = { csv: 'text/csv', jsonl: 'application/x-ndjson' } as const;

const querySchema = z.object({
  format: z.enum(['csv', 'jsonl']),
  mode: z.enum(['append', 'replace']).default('append'),
  expectedRevision: z.coerce.number().int().positive(),
});

async function importCases(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const viewer = await getViewer();
  if (!viewer) return problem(401, 'UNAUTHENTICATED', 'Your session has ended. Sign in again.');
  const search = new URL(request.url).searchParams;
  // Where the request comes from is checked before anything else about it is read.
  const refused = refuseCrossSite(request, CONTENT_TYPES[search.get('format') === 'jsonl' ? 'jsonl' : 'csv']);
  if (refused) return refused;
  const query = querySchema.safeParse({
    format: search.get('format') ?? undefined,
    mode: search.get('mode') ?? undefined,
    expectedRevision: search.get('expectedRevision') ?? undefined,
  });
  if (!query.success) {
    return problem(
      400,
      'INVALID_INPUT',
      'Say ?format=csv|jsonl, ?mode=append|replace and ?expectedRevision=N.',
    );
  }
  if (!can(viewer.role, 'write')) {
    return problem(403, 'FORBIDDEN', `Your role (${viewer.role}) cannot change suites.`);
  }
  const body = await readTextBody(request, {
    maxBytes: MAX_IMPORT_BYTES,
    tooLargeMessage: `The file is larger than ${formatBytes(MAX_IMPORT_BYTES)}: nothing was imported. Split it into smaller files.`,
  });
  if (!body.ok) return body.response;
  try {
    const suiteId = decodeURIComponent((await params).id);
    const result = await importSuiteCases(await getPrisma(), viewer, {
      suiteId,
      ...query.data,
      text: body.text,
    });
    await keepImportSource(
      getBlobStore(),
      viewer.workspaceId,
      suiteId,
      result.revision,
      query.data.format,
      body.text,
    );
    return Response.json(result, { headers: { 'cache-control': 'no-store' } });
  } catch (error) {
    if (error instanceof ImportRefused) {
      return problem(422, 'INVALID_INPUT', error.message, { problems: error.problems, more: error.more });
    }
    throw error;
  }
}

async function downloadImported(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const viewer = await getViewer();
  if (!viewer) return problem(401, 'UNAUTHENTICATED', 'Your session has ended. Sign in again.');
  const revision = z.coerce
    .number()
    .int()
    .positive()
    .safeParse(new URL(request.url).searchParams.get('revision') ?? undefined);
  if (!revision.success) return problem(400, 'INVALID_INPUT', 'Say ?revision=N.');
  const blobs = getBlobStore();
  const file = await getImportSource(
    await getPrisma(),
    blobs,
    viewer.workspaceId,
    decodeURIComponent((await params).id),
    revision.data,
  );
  return suiteExportResponse(blobs, file);
}

export const POST = withErrorResponse('POST /api/suites/[id]/import', importCases);
export const GET = withErrorResponse('GET /api/suites/[id]/import', downloadImported);
