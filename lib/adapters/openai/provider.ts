import 'server-only';
import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import type { ChatCompletionCreateParamsBase } from 'openai/resources/chat/completions';
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

const PROVIDER = 'openai';
const OFFICIAL_BASE_URL = 'https://api.openai.com/v1';
const ADDRESS_HINT = 'Check the base URL: OpenAI-compatible APIs usually end in /v1.';

/** A chat completion has choices; a string (an HTML page) or another JSON object is not one. */
const isChatCompletion = (body: unknown): body is OpenAI.ChatCompletion =>
  typeof body === 'object' &&
  body !== null &&
  Array.isArray((body as { choices?: unknown }).choices) &&
  (body as { choices: unknown[] }).choices.length > 0;

const modelListSchema = z.object({
  data: z.array(z.object({ id: z.string().min(1), owned_by: z.string().optional() }).loose()),
});

const openAIOptionsSchema = z.object({
  apiKey: z.string().min(1),
  baseURL: z.url().optional(),
  organization: z.string().min(1).optional(),
  timeoutMs: z.number().int().positive().default(120_000),
  /** Name reported in errors, logs and run records (e.g. `openrouter` for a compatible endpoint). */
  name: z.string().min(1).default(PROVIDER),
});
export type OpenAIProviderOptions = z.input<typeof openAIOptionsSchema> & {
  /** Replaces the global fetch (proxies, tests). */
  fetch?: typeof fetch;
};

/** Context windows of well-known models; prefixes match dated snapshots (gpt-4o-2024-08-06). */
const KNOWN_MODELS: { prefix: string; contextWindow: number; json: boolean }[] = [
  { prefix: 'gpt-4.1', contextWindow: 1_047_576, json: true },
  { prefix: 'gpt-4o', contextWindow: 128_000, json: true },
  { prefix: 'gpt-4-turbo', contextWindow: 128_000, json: true },
  { prefix: 'gpt-4', contextWindow: 8_192, json: false },
  { prefix: 'gpt-3.5-turbo', contextWindow: 16_385, json: true },
  { prefix: 'gpt-5', contextWindow: 400_000, json: true },
  { prefix: 'o1', contextWindow: 200_000, json: true },
  { prefix: 'o3', contextWindow: 200_000, json: true },
  { prefix: 'o4-mini', contextWindow: 200_000, json: true },
];

function finishReasonOf(reason: string | null | undefined): FinishReason {
  if (reason === 'stop' || reason === 'length' || reason === 'content_filter' || reason === 'tool_calls')
    return reason;
  if (reason === 'function_call') return 'tool_calls';
  return 'other';
}

function usageOf(usage: OpenAI.CompletionUsage | null | undefined): Usage {
  const result: Usage = {
    inputTokens: usage?.prompt_tokens ?? 0,
    outputTokens: usage?.completion_tokens ?? 0,
  };
  const cached = usage?.prompt_tokens_details?.cached_tokens;
  if (cached) result.cachedInputTokens = cached;
  return result;
}

/** Maps every SDK failure onto the provider error vocabulary; the signal decides CANCELLED. */
export function mapOpenAIError(error: unknown, provider: string, signal?: AbortSignal): LoomError {
  if (error instanceof LoomError) return error;
  if (signal?.aborted || error instanceof APIUserAbortError) return cancelledError(provider, error);
  if (error instanceof APIConnectionTimeoutError) {
    return new LoomError('TIMEOUT', `${provider}: the request timed out`, { provider }, { cause: error });
  }
  // The studio's egress guard refuses an address inside fetch; the SDK wraps that as a connection error.
  if (error instanceof APIConnectionError && error.cause instanceof LoomError) return error.cause;
  if (error instanceof APIConnectionError) {
    return new LoomError(
      'UNAVAILABLE',
      `${provider}: connection failed: ${error.message}`,
      { provider },
      { cause: error },
    );
  }
  if (error instanceof APIError && typeof error.status === 'number') {
    const info: Parameters<typeof errorFromHttp>[0] = {
      provider,
      status: error.status,
      // A proxy's or website's error page arrives as the message: summarised, never echoed whole.
      message: summarizeUpstreamText(error.message),
      retryAfterMs: parseRetryAfterMs(error.headers),
      cause: error,
    };
    const code = error.code ?? error.type;
    if (code) info.errorCode = code;
    return errorFromHttp(info);
  }
  // A body cut mid-stream surfaces from fetch as TypeError('terminated') or a socket error.
  if (
    error instanceof TypeError ||
    (error instanceof Error && /ECONNRESET|socket|terminated/i.test(error.message))
  ) {
    return new LoomError(
      'UNAVAILABLE',
      `${provider}: connection lost: ${error.message}`,
      { provider },
      { cause: error },
    );
  }
  return normalizeProviderError(error, provider, signal);
}

/** OpenAI (or any OpenAI-compatible endpoint) through the official SDK. Retries are the executor's job. */
export function createOpenAIProvider(options: OpenAIProviderOptions): Provider {
  const parsed = openAIOptionsSchema.safeParse(options);
  if (!parsed.success) {
    throw new LoomError('INVALID_INPUT', 'Invalid OpenAI provider options', {
      issues: toLoomIssues(parsed.error),
    });
  }
  const { apiKey, baseURL, organization, timeoutMs, name } = parsed.data;
  const isOfficial = baseURL === undefined;
  // Every option passed explicitly: the SDK would otherwise read OPENAI_* environment variables.
  const client = new OpenAI({
    apiKey,
    baseURL: baseURL ?? OFFICIAL_BASE_URL,
    organization: organization ?? null,
    project: null,
    webhookSecret: null,
    timeout: timeoutMs,
    maxRetries: 0,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });

  const toParams = <P extends ChatCompletionCreateParamsBase>(request: CompletionRequest, params: P): P => {
    if (request.temperature !== undefined) params.temperature = request.temperature;
    if (request.topP !== undefined) params.top_p = request.topP;
    if (request.maxTokens !== undefined) {
      // The official API deprecated max_tokens (reasoning models reject it); compatible servers often know only it.
      if (isOfficial) params.max_completion_tokens = request.maxTokens;
      else params.max_tokens = request.maxTokens;
    }
    if (request.stop !== undefined) params.stop = request.stop;
    if (request.seed !== undefined) params.seed = request.seed;
    if (request.user !== undefined) params.user = request.user;
    if (request.responseFormat === 'json') params.response_format = { type: 'json_object' };
    return params;
  };

  /**
   * A completion's per-request options. A budget replaces the client's timeout: the SDK then
   * aborts the request itself (body included), which costs far less than composing a second signal.
   */
  const requestOptions = (signal: AbortSignal | undefined, timeoutMs: number | undefined) =>
    timeoutMs === undefined ? { signal } : { signal, timeout: timeoutMs };

  return {
    name,

    async complete(raw: CompletionRequest, callOptions?: CallOptions): Promise<Completion> {
      const request = parseCompletionRequest(raw);
      const { signal, timeoutMs } = parseCallOptions(callOptions);
      const started = performance.now();
      try {
        const response = await client.chat.completions.create(
          toParams(request, { model: request.model, messages: request.messages, stream: false }),
          requestOptions(signal, timeoutMs),
        );
        if (!isChatCompletion(response))
          throw notAnApiAnswer(name, 'a chat completion', response, ADDRESS_HINT);
        const choice = response.choices[0];
        return {
          text: choice?.message.content ?? '',
          usage: usageOf(response.usage),
          finishReason: finishReasonOf(choice?.finish_reason),
          model: response.model || request.model,
          latencyMs: Math.round(performance.now() - started),
        };
      } catch (error) {
        throw mapOpenAIError(error, name, signal);
      }
    },

    async *stream(
      raw: CompletionRequest,
      callOptions?: CallOptions,
    ): AsyncGenerator<StreamEvent, void, undefined> {
      const request = parseCompletionRequest(raw);
      const { signal, timeoutMs } = parseCallOptions(callOptions);
      // The SDK's timeout stops at the response headers; a stream's budget must cover its body too,
      // so it becomes a deadline beside the caller's signal (a stream is long enough not to mind).
      const deadline = timeoutMs === undefined ? undefined : AbortSignal.timeout(timeoutMs);
      const streamSignal = deadline && signal ? AbortSignal.any([signal, deadline]) : (deadline ?? signal);
      const streamTimeout = (cause: unknown) =>
        new LoomError(
          'TIMEOUT',
          `${name}: the stream outlasted its ${timeoutMs} ms`,
          { provider: name },
          { cause },
        );
      let usage: Usage | undefined;
      let finishReason: FinishReason = 'other';
      let model = request.model;
      let outputChars = 0;
      let chunks = 0;
      try {
        const { data: stream, response } = await client.chat.completions
          .create(
            toParams(request, {
              model: request.model,
              messages: request.messages,
              stream: true,
              stream_options: { include_usage: true },
            }),
            { signal: streamSignal },
          )
          .withResponse();
        if (/html/i.test(response.headers.get('content-type') ?? '')) {
          const page = await response.text().catch(() => '');
          throw notAnApiAnswer(name, 'a stream of completion events', page || '<html>', ADDRESS_HINT);
        }
        for await (const chunk of stream) {
          chunks += 1;
          if (chunk.model) model = chunk.model;
          if (chunk.usage) usage = usageOf(chunk.usage);
          const choice = chunk.choices[0];
          if (!choice) continue;
          if (choice.finish_reason) finishReason = finishReasonOf(choice.finish_reason);
          const text = choice.delta?.content;
          if (text) {
            outputChars += text.length;
            yield { type: 'delta', text };
          }
        }
      } catch (error) {
        throw deadline?.aborted && !signal?.aborted
          ? streamTimeout(error)
          : mapOpenAIError(error, name, signal);
      }
      // The SDK ends an aborted stream quietly: the signals tell a cut-off stream from a finished
      // one (which has reported its finish reason or usage, should the deadline pass just after).
      if (signal?.aborted) throw cancelledError(name, signal.reason);
      if (deadline?.aborted && usage === undefined && finishReason === 'other')
        throw streamTimeout(undefined);
      // A 200 whose body held no events (an empty reply, a JSON error page) is no answer, not an empty one.
      if (chunks === 0) throw notAnApiAnswer(name, 'a stream of completion events', '', ADDRESS_HINT);
      // Some compatible servers ignore include_usage; estimate output (~4 chars/token) rather than report 0.
      yield {
        type: 'done',
        usage: usage ?? { inputTokens: 0, outputTokens: Math.ceil(outputChars / 4) },
        finishReason,
        model,
      };
    },

    async getModelInfo(model: string): Promise<ModelInfo> {
      if (typeof model !== 'string' || model.length === 0) {
        throw new LoomError('INVALID_INPUT', 'A model name is required', {
          issues: [{ path: 'model', message: 'required' }],
        });
      }
      const known = KNOWN_MODELS.find((m) => model === m.prefix || model.startsWith(`${m.prefix}-`));
      const info: ModelInfo = {
        model,
        pricingKey: model,
        capabilities: { streaming: true, json: known?.json ?? false, tools: true },
      };
      if (known) info.contextWindow = known.contextWindow;
      return info;
    },

    async listModels(callOptions: CallOptions = {}): Promise<ModelSummary[]> {
      const { signal } = callOptions;
      try {
        // Read raw: the SDK's page would turn an HTML page or `{}` into an empty list ("0 models").
        const body: unknown = await client.get('/models', { signal });
        const parsed = modelListSchema.safeParse(body);
        if (!parsed.success) throw notAnApiAnswer(name, 'a list of models', body, ADDRESS_HINT);
        return parsed.data.data
          .map((model) => ({ id: model.id, ...(model.owned_by ? { ownedBy: model.owned_by } : {}) }))
          .sort((a, b) => a.id.localeCompare(b.id));
      } catch (error) {
        throw mapOpenAIError(error, name, signal);
      }
    },
  };
}
