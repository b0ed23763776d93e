import { isLoomError } from '@/lib/loom/core';
import { can } from '@/lib/server/auth/permissions';
import { getViewer } from '@/lib/server/auth/session';
import { MAX_PREVIEW_BODY_CHARS } from '@/lib/server/prompts/editor';
import { readJsonBody } from '@/lib/server/http/body';
import { problem } from '@/lib/server/http/problem';
import { refuseCrossSite } from '@/lib/server/http/same-origin';
import { withErrorResponse } from '@/lib/server/error-response';
import { prepareRun, type RunEvent } from '@/lib/server/runs';

// The playground's run: POST a version or a draft with sample input, get server-sent events back
// (start, delta..., then done or error). Closing the connection aborts the provider call.

export const dynamic = 'force-dynamic';

/** The preview's cap: whatever draft the editor can preview, the playground can run. */
const MAX_BODY_BYTES = 3 * MAX_PREVIEW_BODY_CHARS;

const STATUS: Record<string, number> = {
  INVALID_INPUT: 422,
  TEMPLATE_SYNTAX: 422,
  TEMPLATE_LIMIT: 422,
  MISSING_VARIABLES: 422,
  NOT_FOUND: 404,
  AUTHENTICATION: 502,
  UNAVAILABLE: 503,
};

async function runPrompt(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const refused = refuseCrossSite(request);
  if (refused) return refused;
  const viewer = await getViewer();
  if (!viewer) return problem(401, 'UNAUTHENTICATED', 'Your session has ended. Sign in again.');
  if (!can(viewer.role, 'write')) {
    return problem(403, 'FORBIDDEN', `Your role (${viewer.role}) cannot run prompts against providers.`);
  }
  const body = await readJsonBody(request, { maxBytes: MAX_BODY_BYTES });
  if (!body.ok) return body.response;

  let run: Awaited<ReturnType<typeof prepareRun>>;
  try {
    run = await prepareRun(viewer, decodeURIComponent((await params).id), body.value);
  } catch (error) {
    if (!isLoomError(error)) throw error;
    const issues = error.details.issues;
    return problem(STATUS[error.code] ?? 400, error.code, error.message, issues ? { issues } : {});
  }

  const abort = new AbortController();
  request.signal.addEventListener('abort', () => abort.abort(request.signal.reason), { once: true });
  const events = run(abort.signal);
  const encoder = new TextEncoder();
  const frame = (event: RunEvent) =>
    encoder.encode(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);

  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await events.next();
      if (next.done) controller.close();
      else controller.enqueue(frame(next.value));
    },
    async cancel(reason) {
      abort.abort(reason);
      await events.return(undefined);
    },
  });
  return new Response(stream, {
    headers: {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      'x-accel-buffering': 'no',
    },
  });
}

export const POST = withErrorResponse('POST /api/prompts/[id]/run', runPrompt);
