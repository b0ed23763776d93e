import 'server-only';
import { Ollama, type AbortableAsyncIterator, type ChatRequest, type ChatResponse } from 'ollama';
import { z } from 'zod';
import { LoomError, type Usage } from '@/lib/loom/core';
import {
  cancelledError,
  errorFromHttp,
  normalizeProviderError,
  parseCallOptions,
  parseCompletionRequest,
  parseRetryAfterMs,
  toLoomIssues,
  type CallOptions,
  type Completion,
  type CompletionRequest,
  type FinishReason,
  type ModelInfo,
  type ModelSummary,
  type Provider,
  type StreamEvent,
} from '@/lib/loom/provider';
import { notAnApiAnswer, summarizeUpstreamText } from '../upstream-text';

const ollamaOptionsSchema = z.object({
  host: z.url(),
  name: z.string().min(1).default('ollama'),
});
export type OllamaProviderOptions = z.input<typeof ollamaOptionsSchema> & {
  /** Replaces the global fetch (proxies, tests). */
  fetch?: typeof fetch;
};

const ADDRESS_HINT = 'Check the host: Ollama answers at its root address, e.g. http://127.0.0.1:11434.';

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The SDK returns whatever JSON came back: a chat answer has a message. */
const isChatResponse = (body: unknown): body is ChatResponse => isRecord(body) && isRecord(body.message);

/** What the per-call fetch saw: the failed response's headers carry Retry-After, which the SDK drops. */
interface CallTrace {
  failedHeaders?: Headers;
}

function finishReasonOf(reason: string | undefined): FinishReason {
  return reason === 'stop' || reason === 'length' ? reason : reason === undefined ? 'stop' : 'other';
}

const usageOf = (response: Pick<ChatResponse, 'prompt_eval_count' | 'eval_count'>): Usage => ({
  inputTokens: response.prompt_eval_count ?? 0,
  outputTokens: response.eval_count ?? 0,
});

/** Maps ollama SDK failures (ResponseError with status_code, fetch TypeErrors, stream errors). */
export function mapOllamaError(
  error: unknown,
  provider: string,
  signal?: AbortSignal,
  trace?: CallTrace,
): LoomError {
  if (error instanceof LoomError) return error;
  if (signal?.aborted) return cancelledError(provider, error);
  if (error instanceof Error && error.name === 'ResponseError' && 'status_code' in error) {
    const status = Number(error.status_code);
    const info: Parameters<typeof errorFromHttp>[0] = {
      provider,
      status,
      // A proxy's or website's error page arrives as the message: summarised, never echoed whole.
      message: summarizeUpstreamText(error.message),
      cause: error,
    };
    const retryAfterMs = parseRetryAfterMs(trace?.failedHeaders);
    if (retryAfterMs !== undefined) info.retryAfterMs = retryAfterMs;
    return errorFromHttp(info);
  }
  // The SDK parses every answer as JSON: a website, an empty reply or a cut line fails here.
  if (error instanceof SyntaxError) {
    return new LoomError(
      'PROVIDER_ERROR',
      `${provider}: the server answered with something that is not JSON. ${ADDRESS_HINT}`,
      { provider },
      { cause: error },
    );
  }
  // fetch reports refused connections as TypeError('fetch failed') and cut bodies as TypeError('terminated').
  if (error instanceof TypeError) {
    return new LoomError(
      'UNAVAILABLE',
      `${provider}: connection failed: ${error.message}`,
      { provider },
      { cause: error },
    );
  }
  return normalizeProviderError(error, provider, signal);
}

/**
 * Ollama through the official `ollama` SDK. The SDK takes no per-request signal, so each call gets
 * its own client whose fetch carries the caller's signal and budget (clients are plain config
 * objects: cheap).
 */
export function createOllamaProvider(options: OllamaProviderOptions): Provider {
  const parsed = ollamaOptionsSchema.safeParse(options);
  if (!parsed.success) {
    throw new LoomError('INVALID_INPUT', 'Invalid Ollama provider options', {
      issues: toLoomIssues(parsed.error),
    });
  }
  const { host, name } = parsed.data;
  const baseFetch = options.fetch ?? fetch;

  const clientFor = ({ signal, timeoutMs }: CallOptions, trace: CallTrace): Ollama =>
    new Ollama({
      host,
      fetch: async (input, init) => {
        const signals = [init?.signal, signal].filter((s): s is AbortSignal => s instanceof AbortSignal);
        // A budget aborts with a TimeoutError, which the error mapping reports as TIMEOUT.
        if (timeoutMs !== undefined) signals.push(AbortSignal.timeout(timeoutMs));
        const combined = signals.length > 1 ? AbortSignal.any(signals) : signals[0];
        const response = await baseFetch(input, { ...init, signal: combined ?? null });
        if (!response.ok) trace.failedHeaders = response.headers;
        else if (/html/i.test(response.headers.get('content-type') ?? '')) {
          const page = await response.text().catch(() => '');
          throw notAnApiAnswer(name, 'an Ollama API answer', page || '<html>', ADDRESS_HINT);
        }
        return response;
      },
    });

  const toChat = (request: CompletionRequest): ChatRequest => {
    const chatOptions: NonNullable<ChatRequest['options']> = {};
    if (request.temperature !== undefined) chatOptions.temperature = request.temperature;
    if (request.topP !== undefined) chatOptions.top_p = request.topP;
    if (request.maxTokens !== undefined) chatOptions.num_predict = request.maxTokens;
    if (request.stop !== undefined) chatOptions.stop = request.stop;
    if (request.seed !== undefined) chatOptions.seed = request.seed;
    const chat: ChatRequest = { model: request.model, messages: request.messages, options: chatOptions };
    if (request.responseFormat === 'json') chat.format = 'json';
    return chat;
  };

  return {
    name,

    async complete(raw: CompletionRequest, callOptions?: CallOptions): Promise<Completion> {
      const request = parseCompletionRequest(raw);
      const options = parseCallOptions(callOptions);
      const { signal } = options;
      const trace: CallTrace = {};
      const started = performance.now();
      try {
        const response = await clientFor(options, trace).chat({ ...toChat(request), stream: false });
        if (!isChatResponse(response)) throw notAnApiAnswer(name, 'a chat answer', response, ADDRESS_HINT);
        return {
          text: response.message?.content ?? '',
          usage: usageOf(response),
          finishReason: finishReasonOf(response.done_reason),
          model: response.model || request.model,
          latencyMs: Math.round(performance.now() - started),
        };
      } catch (error) {
        throw mapOllamaError(error, name, signal, trace);
      }
    },

    async *stream(
      raw: CompletionRequest,
      callOptions?: CallOptions,
    ): AsyncGenerator<StreamEvent, void, undefined> {
      const request = parseCompletionRequest(raw);
      const options = parseCallOptions(callOptions);
      const { signal } = options;
      const trace: CallTrace = {};
      let final: ChatResponse | undefined;
      let iterator: AbortableAsyncIterator<ChatResponse> | undefined;
      try {
        iterator = await clientFor(options, trace).chat({ ...toChat(request), stream: true });
        for await (const part of iterator) {
          const text = part.message?.content;
          if (text) yield { type: 'delta', text };
          if (part.done) final = part;
        }
      } catch (error) {
        throw mapOllamaError(error, name, signal, trace);
      } finally {
        // The consumer stopped early (or it failed): close the HTTP response instead of draining it.
        if (!final) iterator?.abort();
      }
      if (!final)
        throw new LoomError('PROVIDER_ERROR', `${name}: the stream ended without a final message`, {
          provider: name,
        });
      yield {
        type: 'done',
        usage: usageOf(final),
        finishReason: finishReasonOf(final.done_reason),
        model: final.model || request.model,
      };
    },

    async getModelInfo(model: string, callOptions?: CallOptions): Promise<ModelInfo> {
      if (typeof model !== 'string' || model.length === 0) {
        throw new LoomError('INVALID_INPUT', 'A model name is required', {
          issues: [{ path: 'model', message: 'required' }],
        });
      }
      const options = parseCallOptions(callOptions);
      const { signal } = options;
      const trace: CallTrace = {};
      try {
        const shown = await clientFor(options, trace).show({ model });
        // model_info arrives as a plain JSON object despite the SDK's Map type.
        const modelInfo = (shown.model_info ?? {}) as unknown as Record<string, unknown>;
        const contextKey = Object.keys(modelInfo).find((key) => key.endsWith('.context_length'));
        const contextWindow = contextKey ? Number(modelInfo[contextKey]) : NaN;
        const capabilities = shown.capabilities ?? [];
        const info: ModelInfo = {
          model,
          pricingKey: model,
          capabilities: { streaming: true, json: true, tools: capabilities.includes('tools') },
        };
        if (Number.isFinite(contextWindow) && contextWindow > 0) info.contextWindow = contextWindow;
        return info;
      } catch (error) {
        throw mapOllamaError(error, name, signal, trace);
      }
    },

    async listModels(callOptions?: CallOptions): Promise<ModelSummary[]> {
      const options = parseCallOptions(callOptions);
      const { signal } = options;
      const trace: CallTrace = {};
      try {
        const listed: unknown = await clientFor(options, trace).list();
        if (!isRecord(listed) || !Array.isArray(listed.models))
          throw notAnApiAnswer(name, 'a list of models', listed, ADDRESS_HINT);
        const models = listed.models as { name: string }[];
        return models.map((m) => ({ id: m.name })).sort((a, b) => a.id.localeCompare(b.id));
      } catch (error) {
        throw mapOllamaError(error, name, signal, trace);
      }
    },
  };
}
