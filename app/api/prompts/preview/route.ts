import { getViewer } from '@/lib/server/auth/session';
import { MAX_PREVIEW_BODY_CHARS, previewDraft, previewRequestSchema } from '@/lib/server/prompts/editor';
import { readJsonBody } from '@/lib/server/http/body';
import { problem } from '@/lib/server/http/problem';
import { refuseCrossSite } from '@/lib/server/http/same-origin';
import { getTemplateEngine } from '@/lib/server/loom';
import { withErrorResponse } from '@/lib/server/error-response';

// The editor's live preview: POST a draft and sample input, get the rendered messages, template
// analysis, tokens and cost back as JSON. Persists nothing; any signed-in role may preview.

export const dynamic = 'force-dynamic';

/** Every character of the drafts may take up to 3 bytes in UTF-8 (CJK text, for one). */
const MAX_PREVIEW_BODY_BYTES = 3 * MAX_PREVIEW_BODY_CHARS;

export const POST = withErrorResponse('POST /api/prompts/preview', async (request: Request) => {
  const started = performance.now();
  const refused = refuseCrossSite(request);
  if (refused) return refused;
  const viewer = await getViewer();
  if (!viewer) return problem(401, 'UNAUTHENTICATED', 'Your session has ended. Sign in again.');
  const body = await readJsonBody(request, {
    maxBytes: MAX_PREVIEW_BODY_BYTES,
    tooLargeMessage: 'The draft is too large to preview: templates are limited to 256 KB.',
  });
  if (!body.ok) return body.response;
  const parsed = previewRequestSchema.safeParse(body.value);
  if (!parsed.success) return problem(400, 'INVALID_INPUT', 'The preview request has the wrong shape.');
  const result = await previewDraft(getTemplateEngine(), parsed.data.draft, parsed.data.input);
  // The e2e latency test reads this to tell server time from network and browser time.
  const duration = (performance.now() - started).toFixed(1);
  return Response.json(result, { headers: { 'server-timing': `preview;dur=${duration}` } });
});
