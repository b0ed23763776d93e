import 'server-only';
import { z } from 'zod';
import type { LoomIssue, Message } from '@/lib/loom/core';
import type { ExecuteResult } from '@/lib/loom/executor';
import type { FinishReason } from '@/lib/loom/provider';

// The OpenAI chat-completions wire format for `POST /api/v1/chat/completions`, so the official
// `openai` SDK (and any code written for it) calls a managed prompt: `model` names the prompt,
// `variables` fill it, `messages` are appended after the rendered ones. Responses, stream chunks,
// usage and errors have OpenAI's shapes; the SDK picks its error class from the HTTP status.

/** `id`, `id@label` or `id@v3`; the label defaults to production, as in the REST API. */
export interface ModelRef {
  promptId: string;
  label?: string;
  version?: number;
}

export function parseModelRef(model: string): ModelRef {
  const at = model.lastIndexOf('@');
  if (at <= 0) return { promptId: model };
  const promptId = model.slice(0, at);
  const selector = model.slice(at + 1);
  const version = /^v([1-9][0-9]{0,8})$/.exec(selector);
  return version ? { promptId, version: Number(version[1]) } : { promptId, label: selector };
}

const textPartSchema = z.object({ type: z.literal('text'), text: z.string() });

/** Messages the caller appends; content parts are accepted when they are all text. */
const appendedMessageSchema = z.object({
  role: z.enum(['system', 'developer', 'user', 'assistant']),
  content: z.union([z.string(), z.array(textPartSchema).min(1)]),
  name: z.string().optional(),
});

/** OpenAI parameters this endpoint cannot honour: refused by name rather than silently ignored. */
const UNSUPPORTED = ['tools', 'functions', 'tool_choice', 'function_call', 'audio', 'modalities'] as const;
const unsupported = (key: string) => z.null(`"${key}" is not supported by managed prompts`).optional();

export const chatCompletionRequestSchema = z.object({
  model: z.string().min(1, 'name a prompt: "id", "id@label" or "id@v3"').max(200),
  messages: z.array(appendedMessageSchema).max(256).default([]),
  variables: z.record(z.string(), z.unknown()).default({}),
  /** Experiment unit (user, session...): a running experiment serves its variant, sticky per unit. */
  unitId: z.string().trim().min(1).max(200).optional(),
  stream: z.boolean().nullish(),
  stream_options: z.object({ include_usage: z.boolean().optional() }).nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  max_tokens: z.number().int().positive().nullish(),
  max_completion_tokens: z.number().int().positive().nullish(),
  stop: z.union([z.string().min(1), z.array(z.string().min(1)).max(4)]).nullish(),
  seed: z.number().int().nullish(),
  user: z.string().max(256).nullish(),
  n: z.literal(1, 'only n = 1 is supported').nullish(),
  logprobs: z.literal(false, '"logprobs" is not supported by managed prompts').nullish(),
  response_format: z
    .object({ type: z.enum(['text', 'json_object'], 'use "text" or "json_object"') })
    .nullish(),
  metadata: z.record(z.string(), z.string()).nullish(),
  ...Object.fromEntries(UNSUPPORTED.map((key) => [key, unsupported(key)])),
});
export type ChatCompletionRequest = z.infer<typeof chatCompletionRequestSchema>;

/** The appended messages in Loom's shape (`developer` is OpenAI's newer name for `system`). */
export function appendedMessages(request: ChatCompletionRequest): Message[] {
  return request.messages.map((message) => ({
    role: message.role === 'developer' ? 'system' : message.role,
    content:
      typeof message.content === 'string' ? message.content : message.content.map((p) => p.text).join(''),
  }));
}

/** The request's sampling settings as executor overrides (unset ones keep the prompt's own). */
export function overridesOf(request: ChatCompletionRequest) {
  const maxTokens = request.max_completion_tokens ?? request.max_tokens;
  const stop = typeof request.stop === 'string' ? [request.stop] : request.stop;
  return {
    ...(request.temperature != null ? { temperature: request.temperature } : {}),
    ...(request.top_p != null ? { topP: request.top_p } : {}),
    ...(maxTokens != null ? { maxTokens } : {}),
    ...(stop ? { stop } : {}),
    ...(request.seed != null ? { seed: request.seed } : {}),
    ...(request.user ? { user: request.user } : {}),
    ...(request.metadata ? { metadata: request.metadata } : {}),
    ...(request.response_format
      ? {
          responseFormat:
            request.response_format.type === 'json_object' ? ('json' as const) : ('text' as const),
        }
      : {}),
  };
}

const finishReasonSchema = z.enum(['stop', 'length', 'content_filter', 'tool_calls']);
type OpenAIFinishReason = z.infer<typeof finishReasonSchema>;

function finishReasonOf(reason: FinishReason): OpenAIFinishReason {
  return reason === 'other' ? 'stop' : reason;
}

/** Which prompt version answered: an extra field the SDK passes through untouched. */
export interface ServedPrompt {
  promptId: string;
  version: number;
  experiment?: { id: string; variant: string };
}

export interface CompletionIds {
  id: string;
  /** Unix seconds. */
  created: number;
}

export function completionIds(now: Date = new Date()): CompletionIds {
  return {
    id: `chatcmpl-${crypto.randomUUID().replaceAll('-', '')}`,
    created: Math.floor(now.getTime() / 1000),
  };
}

function usageOf(result: ExecuteResult) {
  const { inputTokens, outputTokens, cachedInputTokens } = result.usage;
  return {
    prompt_tokens: inputTokens,
    completion_tokens: outputTokens,
    total_tokens: inputTokens + outputTokens,
    ...(cachedInputTokens !== undefined
      ? { prompt_tokens_details: { cached_tokens: cachedInputTokens } }
      : {}),
  };
}

/** What a non-streamed call answers (the OpenAPI document is generated from it). */
export const chatCompletionSchema = z.object({
  id: z.string(),
  object: z.literal('chat.completion'),
  created: z.number().int().describe('Unix seconds.'),
  model: z.string().describe('The model that answered (not the prompt id).'),
  choices: z.array(
    z.object({
      index: z.literal(0),
      message: z.object({ role: z.literal('assistant'), content: z.string(), refusal: z.null() }),
      logprobs: z.null(),
      finish_reason: finishReasonSchema,
    }),
  ),
  usage: z.object({
    prompt_tokens: z.number().int(),
    completion_tokens: z.number().int(),
    total_tokens: z.number().int(),
    prompt_tokens_details: z.object({ cached_tokens: z.number().int() }).optional(),
  }),
  system_fingerprint: z.null(),
  loom: z
    .object({
      promptId: z.string(),
      version: z.number().int(),
      experiment: z.object({ id: z.string(), variant: z.string() }).optional(),
    })
    .describe('Which prompt version answered; the openai SDK passes it through.'),
});

/** OpenAI's error body, which every failure of the endpoint answers with. */
export const openAIErrorBodySchema = z.object({
  error: z.object({
    message: z.string(),
    type: z.string(),
    param: z.string().nullable(),
    code: z.string().nullable(),
  }),
});

export function toChatCompletion(
  result: ExecuteResult,
  ids: CompletionIds,
  served: ServedPrompt,
): z.infer<typeof chatCompletionSchema> {
  return {
    id: ids.id,
    object: 'chat.completion' as const,
    created: ids.created,
    model: result.model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant' as const, content: result.output, refusal: null },
        logprobs: null,
        finish_reason: finishReasonOf(result.finishReason),
      },
    ],
    usage: usageOf(result),
    system_fingerprint: null,
    loom: served,
  };
}

/**
 * Builds the chunks of one streamed completion. With `include_usage`, every chunk carries
 * `usage: null` and a last chunk with no choices carries the usage, as OpenAI streams it.
 */
export function chunkWriter(ids: CompletionIds, model: string, includeUsage: boolean) {
  const base = (choices: unknown[]) => ({
    id: ids.id,
    object: 'chat.completion.chunk' as const,
    created: ids.created,
    model,
    system_fingerprint: null,
    choices,
    ...(includeUsage ? { usage: null } : {}),
  });
  const choice = (delta: Record<string, unknown>, finishReason: OpenAIFinishReason | null) => ({
    index: 0,
    delta,
    logprobs: null,
    finish_reason: finishReason,
  });
  return {
    start: () => base([choice({ role: 'assistant', content: '', refusal: null }, null)]),
    delta: (text: string) => base([choice({ content: text }, null)]),
    finish: (result: ExecuteResult, served: ServedPrompt) => {
      const last = {
        ...base([choice({}, finishReasonOf(result.finishReason))]),
        model: result.model,
        loom: served,
      };
      return includeUsage ? [last, { ...base([]), model: result.model, usage: usageOf(result) }] : [last];
    },
  };
}

export function sseData(value: unknown): string {
  return `data: ${JSON.stringify(value)}\n\n`;
}
export const SSE_DONE = 'data: [DONE]\n\n';

/** OpenAI's error body. `type` and `code` follow the values OpenAI's API uses for each case. */
export interface OpenAIError {
  status: number;
  body: z.infer<typeof openAIErrorBodySchema>;
  headers?: Record<string, string>;
}

const TYPE_BY_STATUS: Record<number, string> = {
  401: 'authentication_error',
  403: 'permission_error',
  404: 'invalid_request_error',
  429: 'rate_limit_error',
};

export function openAIError(
  status: number,
  message: string,
  options: {
    code?: string | null;
    param?: string | null;
    type?: string;
    headers?: Record<string, string>;
  } = {},
): OpenAIError {
  const type =
    options.type ?? TYPE_BY_STATUS[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error');
  return {
    status,
    body: { error: { message, type, param: options.param ?? null, code: options.code ?? null } },
    ...(options.headers ? { headers: options.headers } : {}),
  };
}

/** The first issue's path as OpenAI's `param` (`variables.tone`, `messages.0.role`). */
export function paramOf(issues: readonly LoomIssue[] | undefined, prefix = ''): string | null {
  const path = issues?.[0]?.path;
  if (path === undefined || path === '') return prefix === '' ? null : prefix;
  return prefix === '' ? path : `${prefix}.${path}`;
}

/** Every issue on its own line after the message, so one error says all that is wrong. */
export function withIssues(message: string, issues: readonly LoomIssue[] | undefined): string {
  if (!issues?.length) return message;
  return `${message}: ${issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ')}`;
}
