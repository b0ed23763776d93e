import 'server-only';
import { z } from 'zod';
import { createPrismaAnalyticsStore } from '@/lib/adapters/prisma/analytics';
import {
  createBatchingRecorder,
  type AnalyticsStore,
  type BatchingRecorder,
  type AnalyticsRecord,
} from '@/lib/loom/analytics';
import { attach, isLoomError, LoomError, type PromptDataInput } from '@/lib/loom/core';
import { executeStream, type CallRecord } from '@/lib/loom/executor';
import type { RunEvent } from '@/components/playground/types';
import type { Viewer } from './auth/session';
import { getPrisma } from './db';
import { getRegistry, getTemplateEngine } from './loom';
import { logger } from './logger';
import { getProvider, providerNameSchema } from './providers';
import { onShutdown } from './shutdown';
import { withTemplateBudget } from './template-budget';

// Playground runs: resolve a saved version or an unsaved draft, stream it through the executor,
// and record every call as a CallRecord without making the caller wait for the database.

/** Records reach the analytics store within this long of the call; the response never waits. */
const RECORD_FLUSH_MS = 1_000;

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

/** Where a call came from: dashboards split cost by it, and evaluation cost is kept apart from product cost. */
export const RUN_SOURCES = ['playground', 'api', 'suite', 'judge', 'experiment'] as const;
export type RunSource = (typeof RUN_SOURCES)[number];

/** What the executor does not know about a call: who made it. */
export interface RunContext {
  source: RunSource;
  /** The runtime API key that made the call. */
  apiKeyId?: string;
}

/** The analytics store's shape of an executor record. An unknown price is stored as null (unpriced), never as 0. */
export function toAnalyticsRecord(record: CallRecord, context: RunContext): AnalyticsRecord {
  return {
    source: context.source,
    ...(context.apiKeyId ? { apiKeyId: context.apiKeyId } : {}),
    promptId: record.promptId,
    version: record.version,
    model: record.model,
    provider: record.provider,
    latencyMs: record.latencyMs,
    inputTokens: record.inputTokens,
    outputTokens: record.outputTokens,
    costMicros: record.costMicros ?? null,
    success: record.success,
    at: record.at,
    ...(record.errorKind ? { errorKind: record.errorKind } : {}),
    ...(record.experimentId ? { experimentId: record.experimentId } : {}),
    ...(record.variant ? { variant: record.variant } : {}),
  };
}

export interface RunRecorder {
  /** The executor's onRecord hook: queues the record and returns at once. */
  record(record: CallRecord, context: RunContext): void;
  /** Waits until everything queued is stored (tests). */
  flush(): Promise<void>;
  /** Writes what is left, reports what cannot be written, refuses further records (shutdown). */
  close(): Promise<void>;
}

export function createRunRecorder(store: AnalyticsStore, options: { flushMs?: number } = {}): RunRecorder {
  const batching: BatchingRecorder = createBatchingRecorder(store, {
    flushMs: options.flushMs ?? RECORD_FLUSH_MS,
    onError: (error, records) =>
      logger.error({ error, records: records.length }, 'run records were not stored'),
  });
  return {
    record: (record, context) => batching.record(toAnalyticsRecord(record, context)),
    flush: () => batching.flush(),
    close: () => batching.close(),
  };
}

const globalForRuns = globalThis as unknown as { __loomRunRecorders?: Map<string, RunRecorder> };

/** One batching recorder per workspace and process, so concurrent runs share batches. */
export async function getRunRecorder(workspaceId: string): Promise<RunRecorder> {
  const recorders = (globalForRuns.__loomRunRecorders ??= new Map());
  let recorder = recorders.get(workspaceId);
  if (!recorder) {
    recorder = createRunRecorder(createPrismaAnalyticsStore(await getPrisma(), workspaceId));
    recorders.set(workspaceId, recorder);
    onShutdown(`analytics of workspace ${workspaceId}`, recorder.close);
  }
  return recorder;
}

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
  const [provider, recorder] = await Promise.all([
    getProvider(viewer, providerName),
    getRunRecorder(viewer.workspaceId),
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
        onRecord: (record) => recorder.record(record, { source: 'playground' }),
        onError: (error) => logger.error({ error, promptId }, 'run record rejected'),
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
