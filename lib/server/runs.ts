import 'server-only';
import { z } from 'zod';
import { attach, isLoomError, LoomError, type PromptDataInput } from '@/lib/loom/core';
import { executeStream } from '@/lib/loom/executor';
import type { RunEvent } from '@/components/playground/types';
import type { Viewer } from './auth/session';
import { getCallSettings, getRegistry, getTemplateEngine } from './loom';
import { logger } from './logger';
import { getProvider, providerNameSchema } from './providers';
import { withTemplateBudget } from './template-budget';

// Playground runs: resolve a saved version or an unsaved draft, stream it through the executor,
// and record every call (priced with the workspace's prices) without making the caller wait.

// The recorder moved to ./analytics/recorder.ts (the composition root wires it into every call);
// these names stay importable from here.
export {
  createRunRecorder,
  getRunRecorder,
  RUN_SOURCES,
  toAnalyticsRecord,
  type RunContext,
  type RunRecorder,
  type RunSource,
} from './analytics/recorder';

export const runRequestSchema = z.object({
  source: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('version'), version: z.number().int().positive() }),
    /** The editor's unsaved state: a full PromptData, validated by core's promptSchema. */
    z.object({ kind: z.literal('draft'), draft: z.record(z.string(), z.unknown()) }),
  ]),
  input: z.record(z.string(), z.unknown()).default({}),
  /** A configured provider name; defaults to the prompt's own model settings. */
  provider: providerNameSchema.optional(),
  model: z.string().trim().min(1).max(200).optional(),
});
export type RunRequestInput = z.input<typeof runRequestSchema>;

export type { RunEvent } from '@/components/playground/types';

/** Fields a registry stamps; a draft's copies of them are meaningless and `createdAt` arrives as text. */
function draftData(promptId: string, draft: Record<string, unknown>): Record<string, unknown> {
  const { createdAt: _createdAt, author: _author, message: _message, ...rest } = draft;
  if (rest.id !== promptId) {
    throw new LoomError('INVALID_INPUT', `The draft is of prompt "${String(rest.id)}", not "${promptId}".`, {
      issues: [{ path: 'id', message: `must be "${promptId}"` }],
    });
  }
  return rest;
}

/**
 * Validates a run request and resolves its prompt and provider; throws LoomError (INVALID_INPUT,
 * NOT_FOUND, ...) before anything streams, so the route can answer with a status code.
 */
export async function prepareRun(viewer: Viewer, promptId: string, body: unknown) {
  const parsed = runRequestSchema.safeParse(body);
  if (!parsed.success) {
    throw new LoomError('INVALID_INPUT', 'Invalid run request', {
      issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    });
  }
  const request = parsed.data;
  // A draft is checked by promptSchema inside attach (INVALID_INPUT with each field's path).
  const data: PromptDataInput =
    request.source.kind === 'version'
      ? await (await getRegistry(viewer)).get(promptId, request.source.version)
      : (draftData(promptId, request.source.draft) as PromptDataInput);
  // The render runs inside the stream, within the request's template budget.
  const prompt = attach(data, withTemplateBudget(getTemplateEngine()));
  const providerName = request.provider ?? prompt.data.model.provider;
  const [provider, calls] = await Promise.all([
    getProvider(viewer, providerName),
    getCallSettings(viewer.workspaceId, providerName, { source: 'playground' }),
  ]);
  const model = request.model ?? prompt.data.model.model;

  return async function* run(signal: AbortSignal): AsyncGenerator<RunEvent, void, undefined> {
    // The messages as sent, for the playground to show. A render that fails here fails the same way
    // in the executor, which reports and records it, so this one stays silent.
    const rendered = await prompt.render(request.input, { signal }).catch(() => undefined);
    yield {
      type: 'start',
      promptId: prompt.id,
      version: prompt.version,
      provider: providerName,
      model,
      ...(rendered ? { messages: rendered.messages } : {}),
    };
    try {
      const stream = executeStream({
        prompt,
        input: request.input,
        provider,
        signal,
        overrides: { model },
        ...calls,
      });
      for await (const event of stream) {
        if (event.type === 'delta') {
          yield event;
          continue;
        }
        const { result } = event;
        yield {
          type: 'done',
          latencyMs: result.latencyMs,
          inputTokens: result.usage.inputTokens,
          outputTokens: result.usage.outputTokens,
          costMicros: result.costMicros ?? null,
          model: result.model,
          finishReason: result.finishReason,
          attempts: result.attempts,
        };
      }
    } catch (error) {
      yield errorEvent(error, promptId);
    }
  };
}

export function errorEvent(error: unknown, promptId: string): Extract<RunEvent, { type: 'error' }> {
  if (isLoomError(error)) {
    const issues = error.details.issues;
    return { type: 'error', code: error.code, message: error.message, ...(issues?.length ? { issues } : {}) };
  }
  logger.error({ error, promptId }, 'playground run failed');
  return {
    type: 'error',
    code: 'INTERNAL',
    message: 'Something went wrong on the server. It has been logged.',
  };
}
