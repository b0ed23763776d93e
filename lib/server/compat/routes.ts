import 'server-only';
import { z } from 'zod';
import { isLoomError, promptIdSchema } from '@/lib/loom/core';
import { LABEL_PATTERN, MAX_LABEL_LENGTH } from '@/lib/loom/registry';
import { defineApiRoute, type RouteContext } from '../api/pipeline';
import {
  PROBLEM_CONTENT_TYPE,
  problemFromError,
  problemResponse,
  problemWithStatus,
  type Problem,
} from '../api/problem';
import { DEFAULT_LABEL, getServedPrompt, prepareExecution, type PreparedExecution } from '../api/prompts';
import { getTemplateEngine } from '../loom';
import { LangfuseIncompatibleError, toLangfusePrompt } from './langfuse';
import {
  appendedMessages,
  chatCompletionRequestSchema,
  chunkWriter,
  completionIds,
  openAIError,
  overridesOf,
  parseModelRef,
  SSE_DONE,
  sseData,
  toChatCompletion,
  type ChatCompletionRequest,
  type ServedPrompt,
} from './openai';

// The compatible routes: the same pipeline as /api/v1 (key, rate limit, scope, body cap, zod) and
// the same executor path, answering in the shapes the official OpenAI and Langfuse clients read.

type RouteHandler = (request: Request, context: RouteContext) => Promise<Response>;

/**
 * Runs `handler` and re-shapes any problem JSON it answers with `reshape`, keeping the answer's
 * other headers (Retry-After, WWW-Authenticate, the security headers the pipeline set).
 */
function reshapeProblems(handler: RouteHandler, reshape: (problem: Problem) => unknown): RouteHandler {
  return async (request, context) => {
    const response = await handler(request, context);
    if (response.headers.get('content-type') !== PROBLEM_CONTENT_TYPE) return response;
    const problem = (await response.json()) as Problem;
    const headers = new Headers(response.headers);
    headers.delete('content-type');
    headers.delete('content-length');
    headers.set('cache-control', 'no-store');
    return Response.json(reshape(problem), { status: response.status, headers });
  };
}

/** One message for people: the detail, then every listed problem when there are several. */
function messageOf(problem: Problem): string {
  const errors = problem.errors ?? [];
  if (errors.length <= 1) return problem.detail;
  return `${problem.detail} ${errors.map((e) => (e.path ? `${e.path}: ${e.message}` : e.message)).join('; ')}`;
}

/** OpenAI's `code` for each Loom problem code; the rest are passed on in lower case. */
const OPENAI_CODES: Record<string, string> = {
  UNAUTHENTICATED: 'invalid_api_key',
  FORBIDDEN: 'insufficient_permissions',
  RATE_LIMITED: 'rate_limit_exceeded',
  PAYLOAD_TOO_LARGE: 'request_too_large',
  MISSING_VARIABLES: 'invalid_variables',
  CONTEXT_LENGTH: 'context_length_exceeded',
};

export function toOpenAIErrorBody(problem: Problem) {
  const path = problem.errors?.[0]?.path ?? '';
  const param = path.startsWith('body.') ? path.slice('body.'.length) : null;
  const code =
    problem.code === 'NOT_FOUND' && param === 'model'
      ? 'model_not_found'
      : (OPENAI_CODES[problem.code] ?? problem.code.toLowerCase());
  return openAIError(problem.status, messageOf(problem), { code, param }).body;
}

export function toLangfuseErrorBody(problem: Problem) {
  return {
    message: messageOf(problem),
    error: problem.code,
    ...(problem.errors ? { errors: problem.errors } : {}),
    ...(problem.details ? { details: problem.details } : {}),
  };
}

/** A prompt that does not exist is OpenAI's unknown model: a 404 about `model`. */
function promptProblem(error: unknown, name: string): Response {
  if (isLoomError(error, 'NOT_FOUND') && typeof error.details.id === 'string') {
    return problemResponse('NOT_FOUND', error.message, {
      errors: [{ path: 'body.model', message: error.message }],
    });
  }
  return problemFromError(error, name);
}

const CHAT_COMPLETIONS = 'POST /api/v1/chat/completions';

function servedOf(prepared: PreparedExecution): ServedPrompt {
  const { data } = prepared.resolved.served;
  const experiment = prepared.resolved.experiment;
  return { promptId: data.id, version: data.version, ...(experiment ? { experiment } : {}) };
}

function streamCompletion(
  request: Request,
  body: ChatCompletionRequest,
  prepared: PreparedExecution,
): Response {
  const abort = new AbortController();
  request.signal.addEventListener('abort', () => abort.abort(request.signal.reason), { once: true });
  const encoder = new TextEncoder();
  const chunks = chunkWriter(completionIds(), prepared.model, body.stream_options?.include_usage === true);

  async function* frames(): AsyncGenerator<string, void, undefined> {
    yield sseData(chunks.start());
    try {
      for await (const event of prepared.stream(abort.signal)) {
        if (event.type === 'delta') yield sseData(chunks.delta(event.text));
        else for (const chunk of chunks.finish(event.result, servedOf(prepared))) yield sseData(chunk);
      }
      yield SSE_DONE;
    } catch (error) {
      // OpenAI's SDK raises an APIError for a data line carrying `error`.
      const problem = (await problemFromError(error, CHAT_COMPLETIONS).json()) as Problem;
      yield sseData(toOpenAIErrorBody(problem));
    }
  }
  const iterator = frames();
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await iterator.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value));
    },
    async cancel(reason) {
      abort.abort(reason);
      await iterator.return(undefined);
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

/**
 * `POST /api/v1/chat/completions`: `model` is a prompt (`id`, `id@label`, `id@v3`), `variables`
 * fill it, `messages` follow the rendered ones; executed like `POST /api/v1/prompts/{id}/execute`.
 */
export const chatCompletionsRoute: RouteHandler = reshapeProblems(
  defineApiRoute({
    name: CHAT_COMPLETIONS,
    scope: 'prompts:execute',
    body: chatCompletionRequestSchema,
    handler: async ({ request, prisma, principal, body }) => {
      const ref = parseModelRef(body.model);
      const overrides = overridesOf(body);
      let prepared: PreparedExecution;
      try {
        prepared = await prepareExecution(
          prisma,
          principal,
          ref.promptId,
          {
            ...(ref.version !== undefined ? { version: ref.version } : { label: ref.label ?? DEFAULT_LABEL }),
            ...(body.unitId !== undefined ? { unitId: body.unitId } : {}),
            variables: body.variables,
            stream: body.stream === true,
            cache: false,
          },
          request.signal,
          { messages: appendedMessages(body), overrides },
        );
      } catch (error) {
        return promptProblem(error, CHAT_COMPLETIONS);
      }
      if (body.stream) return streamCompletion(request, body, prepared);
      const result = await prepared.run(request.signal);
      return Response.json(toChatCompletion(result, completionIds(), servedOf(prepared)));
    },
  }),
  toOpenAIErrorBody,
);

const LANGFUSE_PROMPT = 'GET /api/public/v2/prompts/{name}';

const langfuseQuerySchema = z
  .object({
    label: z.string().max(MAX_LABEL_LENGTH).regex(LABEL_PATTERN, 'not a label').optional(),
    version: z.coerce.number().int('must be a whole number').positive('must be 1 or more').optional(),
    /** Langfuse resolves prompt references; Loom prompts have none, so it changes nothing. */
    resolve: z.enum(['true', 'false']).optional(),
  })
  .refine((q) => q.label === undefined || q.version === undefined, {
    message: 'give either label or version, not both',
    path: ['version'],
  });

/**
 * `GET /api/public/v2/prompts/{name}` in Langfuse's shape, for `@langfuse/client`'s `prompt.get`
 * (HTTP Basic: the key's public id and its secret). A prompt whose Liquid the client would compile
 * differently is a 422 naming the construct.
 */
export const langfusePromptRoute: RouteHandler = reshapeProblems(
  defineApiRoute({
    name: LANGFUSE_PROMPT,
    scope: 'prompts:read',
    params: z.object({ name: promptIdSchema }),
    query: langfuseQuerySchema,
    handler: async ({ prisma, principal, params, query }) => {
      const served = await getServedPrompt(
        prisma,
        principal.workspaceId,
        params.name,
        query.version !== undefined ? { version: query.version } : { label: query.label ?? DEFAULT_LABEL },
      );
      try {
        return Response.json(await toLangfusePrompt(served.data, served.labels, getTemplateEngine()), {
          headers: { 'cache-control': 'private, no-cache' },
        });
      } catch (error) {
        if (!(error instanceof LangfuseIncompatibleError)) throw error;
        return problemWithStatus(
          422,
          'LANGFUSE_INCOMPATIBLE',
          'Not compilable by the Langfuse client',
          error.message,
          {
            extensions: {
              details: {
                construct: error.construct,
                template: error.template,
                line: error.line,
                column: error.column,
              },
            },
          },
        );
      }
    },
  }),
  toLangfuseErrorBody,
);
