import { isLoomError } from '@/lib/loom/core';
import { can } from '@/lib/server/auth/permissions';
import { getViewer } from '@/lib/server/auth/session';
import { prepareRun, type RunEvent } from '@/lib/server/runs';
import { withErrorResponse } from '@/lib/server/error-response';

// The playground's run: POST a version or a draft with sample input, get server-sent events back
// (start, delta..., then done or error). Closing the connection aborts the provider call.

export const dynamic = 'force-dynamic';

/** A draft with examples fits many times over; a 10 MB paste is refused before it is parsed. */
const MAX_BODY_BYTES = 1_000_000;

const STATUS: Record<string, number> = {
  INVALID_INPUT: 422,
  TEMPLATE_SYNTAX: 422,
  TEMPLATE_LIMIT: 422,
  MISSING_VARIABLES: 422,
  NOT_FOUND: 404,
  AUTHENTICATION: 502,
  UNAVAILABLE: 503,
};

function problem(status: number, code: string, message: string, issues?: unknown) {
  return Response.json({ code, message, ...(issues ? { issues } : {}) }, { status });
}

async function runPrompt(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const viewer = await getViewer();
  if (!viewer) return problem(401, 'UNAUTHENTICATED', 'Your session has ended. Sign in again.');
  if (!can(viewer.role, 'write')) {
    return problem(403, 'FORBIDDEN', `Your role (${viewer.role}) cannot run prompts against providers.`);
  }
  const text = await request.text();
  if (text.length > MAX_BODY_BYTES) {
    return problem(413, 'INVALID_INPUT', `The request is larger than ${MAX_BODY_BYTES / 1_000_000} MB.`);
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return problem(400, 'INVALID_INPUT', 'The request body is not JSON.');
  }

  let run: Awaited<ReturnType<typeof prepareRun>>;
  try {
    run = await prepareRun(viewer, decodeURIComponent((await params).id), body);
  } catch (error) {
    if (!isLoomError(error)) throw error;
    return problem(STATUS[error.code] ?? 400, error.code, error.message, error.details.issues);
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
