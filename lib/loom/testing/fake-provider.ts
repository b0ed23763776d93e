import { LoomError, type Usage } from '../core';
import {
  cancelledError,
  lastUserContent,
  parseCompletionRequest,
  type CallOptions,
  type Completion,
  type CompletionRequest,
  type FinishReason,
  type ModelInfo,
  type ModelSummary,
  type Provider,
  type StreamEvent,
} from '../provider';

/** One scripted answer: a reply (streamed as `chunks`), or an error, optionally after a delay. */
export type FakeStep =
  | {
      reply: string;
      /** How the reply streams; defaults to one chunk per word. */
      chunks?: string[];
      usage?: Usage;
      finishReason?: FinishReason;
      model?: string;
      delayMs?: number;
      /** Stream this many chunks, then throw `error` (a failure mid-stream). */
      failAfterChunks?: { chunks: number; error: LoomError };
    }
  | { error: LoomError; delayMs?: number };

export interface FakeProviderOptions {
  name?: string;
  /** Answers in order, one per complete/stream call; when exhausted, `fallback` answers. */
  steps?: FakeStep[];
  fallback?: (request: CompletionRequest) => FakeStep;
  models?: ModelInfo[];
}

export interface FakeProvider extends Provider {
  /** Every request received, in order (including ones that failed). */
  readonly calls: CompletionRequest[];
  push(...steps: FakeStep[]): void;
}

const wordCount = (text: string): number => text.split(/\s+/).filter(Boolean).length;

export function splitWords(text: string): string[] {
  return text.match(/\S+\s*|\s+/g) ?? [];
}

/** Waits out a scripted delay like a real call would: cut short by the signal or the caller's budget. */
function delay(ms: number, { signal, timeoutMs }: CallOptions, provider: string): Promise<void> {
  if (signal?.aborted) return Promise.reject(cancelledError(provider, signal.reason));
  if (ms <= 0) return Promise.resolve();
  const timesOut = timeoutMs !== undefined && timeoutMs < ms;
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(cancelledError(provider, signal?.reason));
    };
    const timer = setTimeout(
      () => {
        signal?.removeEventListener('abort', onAbort);
        if (!timesOut) return resolve();
        reject(new LoomError('TIMEOUT', `${provider}: the request timed out`, { provider }));
      },
      timesOut ? timeoutMs : ms,
    );
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** A scripted in-memory Provider for unit tests: deterministic, honours the signal and timeoutMs, records calls. */
export function createFakeProvider(options: FakeProviderOptions = {}): FakeProvider {
  const name = options.name ?? 'fake';
  const queue = [...(options.steps ?? [])];
  const calls: CompletionRequest[] = [];
  const fallback =
    options.fallback ?? ((request) => ({ reply: `Fake reply to: ${lastUserContent(request)}` }));
  const models: ModelInfo[] = options.models ?? [
    { model: 'fake-model', contextWindow: 8192, pricingKey: 'fake-model', capabilities: { streaming: true } },
  ];

  const next = (request: CompletionRequest): FakeStep => {
    calls.push(request);
    return queue.shift() ?? fallback(request);
  };
  const usageOf = (request: CompletionRequest, reply: string): Usage => ({
    inputTokens: request.messages.reduce((sum, m) => sum + wordCount(m.content), 0),
    outputTokens: wordCount(reply),
  });

  return {
    name,
    calls,
    push: (...steps) => void queue.push(...steps),

    async complete(raw: CompletionRequest, callOptions: CallOptions = {}): Promise<Completion> {
      const request = parseCompletionRequest(raw);
      const step = next(request);
      await delay(step.delayMs ?? 0, callOptions, name);
      if ('error' in step) throw step.error;
      if (step.failAfterChunks) throw step.failAfterChunks.error;
      return {
        text: step.reply,
        usage: step.usage ?? usageOf(request, step.reply),
        finishReason: step.finishReason ?? 'stop',
        model: step.model ?? request.model,
        latencyMs: step.delayMs ?? 0,
      };
    },

    async *stream(raw: CompletionRequest, callOptions: CallOptions = {}): AsyncIterable<StreamEvent> {
      const request = parseCompletionRequest(raw);
      const step = next(request);
      await delay(step.delayMs ?? 0, callOptions, name);
      if ('error' in step) throw step.error;
      const chunks = step.chunks ?? splitWords(step.reply);
      for (const [index, text] of chunks.entries()) {
        if (step.failAfterChunks && index === step.failAfterChunks.chunks) throw step.failAfterChunks.error;
        if (callOptions.signal?.aborted) throw cancelledError(name, callOptions.signal.reason);
        yield { type: 'delta', text };
        // A real stream yields to the event loop between chunks; so does the fake, so aborts land.
        await Promise.resolve();
      }
      if (step.failAfterChunks) throw step.failAfterChunks.error;
      yield {
        type: 'done',
        usage: step.usage ?? usageOf(request, step.reply),
        finishReason: step.finishReason ?? 'stop',
        model: step.model ?? request.model,
      };
    },

    async getModelInfo(model: string): Promise<ModelInfo> {
      const info = models.find((m) => m.model === model);
      if (!info)
        throw new LoomError('NOT_FOUND', `${name}: unknown model ${model}`, { provider: name, model });
      return info;
    },

    async listModels(): Promise<ModelSummary[]> {
      return models.map((m) => ({ id: m.model }));
    },
  };
}
