import 'server-only';
import { createHash } from 'node:crypto';
import type { PrismaClient } from '@/lib/generated/prisma/client';
import { attach, isLoomError, LoomError, type PromptData, type Rendered } from '@/lib/loom/core';
import { execute, executeStream, type ExecuteResult, type Renderable } from '@/lib/loom/executor';
import { chooseServedVariant, type ServedVariant } from '../experiments/serving';
import { createStudioRegistry, getTemplateEngine } from '../loom';
import { logger } from '../logger';
import { getRunRecorder } from '../runs';
import { withTemplateBudget } from '../template-budget';
import { getApiProvider } from './execution';
import type { ApiPrincipal } from './keys';
import { problemFromError, VARIABLES_SCOPE } from './problem';
import { getPromptDocumentCache, type ServedPrompt } from './prompt-cache';
import type { ExecuteRequest } from './schemas';

// What the /api/v1 prompt routes do: resolve a prompt by label or version (through the
// per-process cache, and through a running experiment when the request names a unit), render
// it, execute it, and record every call as a run of source `api`.

export const DEFAULT_LABEL = 'production';
/** The virtual label of the newest version, as Langfuse clients know it. */
const LATEST = 'latest';

export interface PromptSelector {
  label?: string | undefined;
  version?: number | undefined;
  unitId?: string | undefined;
}

export interface ExperimentRef {
  id: string;
  variant: string;
}

export interface Resolved {
  served: ServedPrompt;
  experiment: ExperimentRef | null;
}

const globalForServing = globalThis as unknown as { __loomServedLoads?: Map<string, Promise<ServedPrompt>> };

function documentOf(data: PromptData): Record<string, unknown> {
  return { ...data, ...(data.createdAt ? { createdAt: data.createdAt.toISOString() } : {}) };
}

/** The GET response body of a prompt, with its ETag (a digest of exactly those bytes). */
function responseBody(
  data: PromptData,
  labels: string[],
  experiment: ExperimentRef | null,
): { json: string; etag: string } {
  const json = JSON.stringify({
    id: data.id,
    version: data.version,
    labels,
    prompt: documentOf(data),
    experiment,
  });
  const digest = createHash('sha256').update(json).digest('base64url').slice(0, 27);
  return { json, etag: `"${digest}"` };
}

async function load(
  db: PrismaClient,
  workspaceId: string,
  id: string,
  selector: { label: string } | { version: number },
): Promise<ServedPrompt> {
  const registry = createStudioRegistry(db, workspaceId);
  const [data, labelRows] = await Promise.all([
    'version' in selector
      ? registry.get(id, selector.version)
      : selector.label === LATEST
        ? registry.findByLabel(id, LATEST).then((found) => found ?? registry.getLatest(id))
        : registry.getByLabel(id, selector.label),
    db.promptLabel.findMany({
      where: { prompt: { workspaceId, slug: id } },
      select: { label: true, version: true },
    }),
  ]);
  const labels = labelRows
    .filter((row) => row.version === data.version)
    .map((row) => row.label)
    .sort();
  return { data, labels, ...responseBody(data, labels, null) };
}

/**
 * The prompt version `selector` names (label `production` by default), from the per-process cache
 * when fresh; concurrent misses of one entry share a single load.
 */
export async function getServedPrompt(
  db: PrismaClient,
  workspaceId: string,
  id: string,
  selector: { label: string } | { version: number },
): Promise<ServedPrompt> {
  const cache = getPromptDocumentCache();
  const key = 'version' in selector ? `version:${selector.version}` : `label:${selector.label}`;
  const hit = cache.get(workspaceId, id, key);
  if (hit) return hit;
  const loads = (globalForServing.__loomServedLoads ??= new Map());
  const loadKey = `${workspaceId}\u0000${id}\u0000${key}`;
  let pending = loads.get(loadKey);
  if (!pending) {
    pending = load(db, workspaceId, id, selector)
      .then((served) => {
        cache.set(workspaceId, id, key, served);
        return served;
      })
      .finally(() => loads.delete(loadKey));
    loads.set(loadKey, pending);
  }
  return pending;
}

/**
 * Resolves what a request gets: a pinned version as asked; a label as asked, unless the request
 * names a unit and the prompt has a running experiment, whose sticky variant's version is served.
 */
export async function resolvePrompt(
  db: PrismaClient,
  principal: ApiPrincipal,
  id: string,
  selector: PromptSelector,
): Promise<Resolved> {
  const { workspaceId } = principal;
  if (selector.version !== undefined) {
    return {
      served: await getServedPrompt(db, workspaceId, id, { version: selector.version }),
      experiment: null,
    };
  }
  const label = selector.label ?? DEFAULT_LABEL;
  let variant: ServedVariant | undefined;
  if (selector.unitId !== undefined) {
    // The label must resolve either way: an unknown prompt or label is a 404 even mid-experiment.
    const [, chosen] = await Promise.all([
      getServedPrompt(db, workspaceId, id, { label }),
      chooseServedVariant(db, workspaceId, { promptId: id, unitId: selector.unitId }),
    ]);
    variant = chosen;
  }
  if (!variant) return { served: await getServedPrompt(db, workspaceId, id, { label }), experiment: null };
  const served = await getServedPrompt(db, workspaceId, id, { version: variant.version });
  const experiment = { id: variant.experimentId, variant: variant.variant };
  return { served: { ...served, ...responseBody(served.data, served.labels, experiment) }, experiment };
}

/** Whether an If-None-Match header names this ETag (a list, weak forms, or `*`). */
function matchesEtag(header: string | null, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((tag) => {
    const t = tag.trim();
    return t === '*' || t === etag || t === `W/${etag}`;
  });
}

/** 200 with the document and its ETag, or 304 when the client already has it. */
export function promptDocumentResponse(request: Request, { served }: Resolved): Response {
  const headers = {
    etag: served.etag,
    // Clients may keep it but must ask again (cheaply, with If-None-Match) before using it.
    'cache-control': 'private, no-cache',
  };
  if (matchesEtag(request.headers.get('if-none-match'), served.etag)) {
    return new Response(null, { status: 304, headers });
  }
  return new Response(served.json, {
    status: 200,
    headers: { ...headers, 'content-type': 'application/json' },
  });
}

/**
 * Renders a served prompt with the request's variables. Variable problems (missing, wrong type,
 * undeclared) are marked so the API answers 422 listing each under `body.variables`.
 */
export async function renderServed(
  served: ServedPrompt,
  variables: Record<string, unknown>,
  signal?: AbortSignal,
): Promise<Rendered> {
  const prompt = attach(served.data, withTemplateBudget(getTemplateEngine()));
  try {
    return await prompt.render(variables, signal ? { signal } : {});
  } catch (error) {
    if (isLoomError(error, 'MISSING_VARIABLES') || isLoomError(error, 'INVALID_INPUT')) {
      throw new LoomError(
        error.code,
        error.message,
        { ...error.details, scope: VARIABLES_SCOPE },
        { cause: error },
      );
    }
    throw error;
  }
}

/**
 * Errors of the call itself are the provider's, not the caller's: the request was validated and
 * rendered before it, so a provider refusing it (INVALID_INPUT) is a 502, and a provider's own rate
 * limit is upstream trouble (503), not the caller's key's (429).
 */
function asUpstream(error: unknown, provider: string): unknown {
  if (isLoomError(error, 'INVALID_INPUT')) {
    return new LoomError(
      'PROVIDER_ERROR',
      `The provider "${provider}" refused the request: ${error.message}`,
      {
        provider,
      },
    );
  }
  if (isLoomError(error, 'RATE_LIMITED') && error.details.source !== 'rateLimit') {
    return new LoomError(
      'UNAVAILABLE',
      `The provider "${provider}" is rate limiting the studio: ${error.message}`,
      error.details,
      { cause: error },
    );
  }
  return error;
}

export interface PreparedExecution {
  resolved: Resolved;
  rendered: Rendered;
  provider: string;
  model: string;
  /** Runs the call (JSON answer). */
  run(signal: AbortSignal): Promise<ExecuteResult>;
  /** Runs the call as a stream of executor events. */
  stream(signal: AbortSignal): ReturnType<typeof executeStream>;
}

/**
 * Resolves, renders and readies a call before anything is sent, so every request error (404, 422,
 * unknown provider) is a status code; the call itself records a run of source `api` with the key
 * and the experiment variant.
 */
export async function prepareExecution(
  db: PrismaClient,
  principal: ApiPrincipal,
  id: string,
  request: ExecuteRequest,
  signal: AbortSignal,
): Promise<PreparedExecution> {
  const resolved = await resolvePrompt(db, principal, id, request);
  const { data } = resolved.served;
  const rendered = await renderServed(resolved.served, request.variables, signal);
  const providerName = data.model.provider;
  const model = request.model ?? data.model.model;
  const [provider, recorder] = await Promise.all([
    getApiProvider(db, principal.workspaceId, providerName, { cache: request.cache }),
    getRunRecorder(principal.workspaceId),
  ]);
  // Rendered once above (for the 422s); the executor reuses it instead of rendering again.
  const renderable: Renderable = { data, render: async () => rendered };
  const options = (callSignal: AbortSignal) => ({
    prompt: renderable,
    input: request.variables,
    provider,
    signal: callSignal,
    overrides: {
      model,
      ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
      ...(request.maxTokens === undefined ? {} : { maxTokens: request.maxTokens }),
      metadata: { apiKeyId: principal.keyId },
    },
    // A Retry-After is the caller's to honour: the API answers at once rather than holding the request.
    retry: { maxRetryAfterMs: 0 },
    ...(resolved.experiment ? { experiment: resolved.experiment } : {}),
    onRecord: (record: Parameters<typeof recorder.record>[0]) =>
      recorder.record(record, { source: 'api', apiKeyId: principal.keyId }),
    onError: (error: unknown) => logger.error({ error, promptId: id }, 'api run record rejected'),
  });
  return {
    resolved,
    rendered,
    provider: providerName,
    model,
    run: (callSignal) =>
      execute(options(callSignal)).catch((error: unknown) => {
        throw asUpstream(error, providerName);
      }),
    async *stream(callSignal) {
      try {
        yield* executeStream(options(callSignal));
      } catch (error) {
        throw asUpstream(error, providerName);
      }
    },
  };
}

/** The JSON answer of a finished call. */
export function executeResponseBody(prepared: PreparedExecution, result: ExecuteResult) {
  const { data } = prepared.resolved.served;
  return {
    id: data.id,
    version: data.version,
    output: result.output,
    model: result.model,
    provider: prepared.provider,
    finishReason: result.finishReason,
    usage: { inputTokens: result.usage.inputTokens, outputTokens: result.usage.outputTokens },
    costMicros: result.costMicros ?? null,
    latencyMs: result.latencyMs,
    experiment: prepared.resolved.experiment,
  };
}

/**
 * The call as server-sent events: `start` (id, version, model, experiment), `delta` {text}…, then
 * `done` (the JSON answer's fields) or `error` (a problem object). Closing the connection cancels
 * the provider call.
 */
export function executeEventStream(request: Request, prepared: PreparedExecution, where: string): Response {
  const abort = new AbortController();
  request.signal.addEventListener('abort', () => abort.abort(request.signal.reason), { once: true });
  const encoder = new TextEncoder();
  const frame = (event: string, data: unknown) =>
    encoder.encode(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  const { data } = prepared.resolved.served;

  async function* events(): AsyncGenerator<Uint8Array, void, undefined> {
    yield frame('start', {
      id: data.id,
      version: data.version,
      provider: prepared.provider,
      model: prepared.model,
      experiment: prepared.resolved.experiment,
    });
    try {
      for await (const event of prepared.stream(abort.signal)) {
        if (event.type === 'delta') yield frame('delta', { text: event.text });
        else yield frame('done', executeResponseBody(prepared, event.result));
      }
    } catch (error) {
      const problem = problemFromError(error, where);
      yield frame('error', await problem.json());
    }
  }
  const iterator = events();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await iterator.next();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
    async cancel(reason) {
      abort.abort(reason);
      await iterator.return(undefined);
    },
  });
  return new Response(body, {
    headers: {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      'x-accel-buffering': 'no',
    },
  });
}
