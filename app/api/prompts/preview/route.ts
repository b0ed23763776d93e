import { getViewer } from '@/lib/server/auth/session';
import { MAX_PREVIEW_BODY_CHARS, previewDraft, previewRequestSchema } from '@/lib/server/editor';
import { getTemplateEngine } from '@/lib/server/loom';
import { withErrorResponse } from '@/lib/server/error-response';

// The editor's live preview: POST a draft and sample input, get the rendered messages, template
// analysis, tokens and cost back as JSON. Persists nothing; any signed-in role may preview.

export const dynamic = 'force-dynamic';

function problem(status: number, code: string, message: string) {
  return Response.json({ code, message }, { status });
}

export const POST = withErrorResponse('POST /api/prompts/preview', async (request: Request) => {
  const started = performance.now();
  const viewer = await getViewer();
  if (!viewer) return problem(401, 'UNAUTHENTICATED', 'Your session has ended. Sign in again.');
  const text = await request.text();
  if (text.length > MAX_PREVIEW_BODY_CHARS) {
    return problem(
      413,
      'TEMPLATE_LIMIT',
      'The draft is too large to preview: templates are limited to 256 KB.',
    );
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return problem(400, 'INVALID_INPUT', 'The preview request is not JSON.');
  }
  const parsed = previewRequestSchema.safeParse(body);
  if (!parsed.success) return problem(400, 'INVALID_INPUT', 'The preview request has the wrong shape.');
  const result = await previewDraft(getTemplateEngine(), parsed.data.draft, parsed.data.input);
  // The e2e latency test reads this to tell server time from network and browser time.
  const duration = (performance.now() - started).toFixed(1);
  return Response.json(result, { headers: { 'server-timing': `preview;dur=${duration}` } });
});
