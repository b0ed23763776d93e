import { z } from 'zod';
import type { Message, Usage } from '../core';

export const messageSchema = z.object({
  role: z.enum(['system', 'user', 'assistant']),
  content: z.string(),
}) satisfies z.ZodType<Message>;

/** What any provider is asked: the portable subset of the chat-completion APIs. */
export const completionRequestSchema = z.object({
  model: z.string().min(1).max(200),
  messages: z.array(messageSchema).min(1),
  temperature: z.number().min(0).max(2).optional(),
  maxTokens: z.number().int().positive().optional(),
  topP: z.number().min(0).max(1).optional(),
  stop: z.array(z.string().min(1)).max(4).optional(),
  responseFormat: z.enum(['text', 'json']).optional(),
  seed: z.number().int().optional(),
  /** End-user id forwarded for abuse monitoring. */
  user: z.string().max(256).optional(),
  /** Tracing labels; never sent to the model and never part of a cache key. */
  metadata: z.record(z.string(), z.string()).optional(),
});
export type CompletionRequest = z.infer<typeof completionRequestSchema>;

export const FINISH_REASONS = ['stop', 'length', 'content_filter', 'tool_calls', 'other'] as const;
export type FinishReason = (typeof FINISH_REASONS)[number];

export interface Completion {
  text: string;
  usage: Usage;
  finishReason: FinishReason;
  /** The model that answered, as the provider names it (may be a dated snapshot of the requested one). */
  model: string;
  latencyMs?: number;
  /** True when a cache served this completion without calling the provider. */
  cached?: boolean;
}

export type StreamEvent =
  { type: 'delta'; text: string } | { type: 'done'; usage: Usage; finishReason: FinishReason; model: string };

export interface ModelCapabilities {
  streaming: boolean;
  json?: boolean;
  tools?: boolean;
}

export interface ModelInfo {
  model: string;
  /** Tokens of input plus output the model accepts; undefined when the provider does not say. */
  contextWindow?: number;
  /** The name to look prices up by (the cost package's table). */
  pricingKey: string;
  capabilities: ModelCapabilities;
}

export interface ModelSummary {
  id: string;
  ownedBy?: string;
}

export interface CallOptions {
  signal?: AbortSignal;
  /** The caller's budget for this call: the provider aborts its request after it (TIMEOUT). */
  timeoutMs?: number;
}

/**
 * The port every LLM backend implements. Implementations throw `LoomError` with the codes of
 * `PROVIDER_ERROR_CODES`, stop work when `signal` fires (CANCELLED) and when `timeoutMs` has
 * passed (TIMEOUT).
 */
export interface Provider {
  readonly name: string;
  complete(request: CompletionRequest, options?: CallOptions): Promise<Completion>;
  /** Yields deltas, then exactly one `done`; abandoning the iteration cancels the request. */
  stream(request: CompletionRequest, options?: CallOptions): AsyncIterable<StreamEvent>;
  /** Throws NOT_FOUND when the provider knows the model does not exist. */
  getModelInfo(model: string, options?: CallOptions): Promise<ModelInfo>;
  listModels(options?: CallOptions): Promise<ModelSummary[]>;
}
