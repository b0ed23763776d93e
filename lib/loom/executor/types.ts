import { z } from 'zod';
import type { Input, MicroDollars, PromptData, Rendered, Usage } from '../core';
import type { CompletionRequest, FinishReason, Provider } from '../provider';

/** What the executor needs of a prompt: core's `Prompt` satisfies it; so can a precomputed stub. */
export interface Renderable {
  readonly data: PromptData;
  render(input: Input, options?: { signal?: AbortSignal }): Promise<Rendered>;
}

/** Prices a call; the cost package's `costOf` fits. Undefined means "price unknown". */
export type CostFn = (model: string, usage: Usage) => MicroDollars | undefined;

export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
}

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export const retryPolicySchema = z.object({
  /** Total attempts including the first; 1 disables retries. */
  attempts: z.number().int().min(1).max(20).default(3),
  baseMs: z.number().int().min(0).default(250),
  maxMs: z.number().int().min(0).default(8_000),
  /** A Retry-After longer than this is not waited for: the RATE_LIMITED error is thrown. */
  maxRetryAfterMs: z.number().int().min(0).default(30_000),
});
export type RetryPolicy = z.infer<typeof retryPolicySchema>;

export const timeoutPolicySchema = z.object({
  /** Budget of one provider call (a whole stream included). */
  attemptMs: z.number().int().positive().default(60_000),
  /** Budget of the whole execution: render, attempts and the waits between them. */
  totalMs: z.number().int().positive().default(180_000),
});
export type TimeoutPolicy = z.infer<typeof timeoutPolicySchema>;

/** One call as the analytics package stores it; emitted for successes and failures alike. */
export interface CallRecord {
  promptId: string;
  version: number;
  model: string;
  provider: string;
  latencyMs: number;
  inputTokens: number;
  outputTokens: number;
  costMicros: MicroDollars | undefined;
  success: boolean;
  /** The LoomError code of a failure. */
  errorKind?: string;
  attempts: number;
  stream: boolean;
  experimentId?: string;
  variant?: string;
  at: Date;
}

/** Called without being awaited; a throw or rejection goes to `onError`, never to the caller. */
export type RecordHook = (record: CallRecord) => void | Promise<void>;

export const requestOverridesSchema = z.object({
  model: z.string().min(1).max(200).optional(),
  temperature: z.number().min(0).max(2).optional(),
  maxTokens: z.number().int().positive().optional(),
  topP: z.number().min(0).max(1).optional(),
  stop: z.array(z.string().min(1)).max(4).optional(),
  responseFormat: z.enum(['text', 'json']).optional(),
  seed: z.number().int().optional(),
  user: z.string().max(256).optional(),
  metadata: z.record(z.string(), z.string()).optional(),
});
/** Per-call settings that win over the prompt's own model settings. */
export type RequestOverrides = Partial<Omit<CompletionRequest, 'messages'>>;

/** Retry and timeout policies: validated once per executor, or per call by `execute`. */
export const policiesSchema = z.object({
  retry: retryPolicySchema.default(retryPolicySchema.parse({})),
  timeout: timeoutPolicySchema.default(timeoutPolicySchema.parse({})),
});
export type Policies = z.infer<typeof policiesSchema>;

export const callSettingsSchema = z.object({
  overrides: requestOverridesSchema.default({}),
  experiment: z.object({ id: z.string().min(1), variant: z.string().min(1) }).optional(),
});

export interface ExecuteOptions {
  prompt: Renderable;
  input: Input;
  provider: Provider;
  signal?: AbortSignal;
  retry?: Partial<RetryPolicy>;
  timeout?: Partial<TimeoutPolicy>;
  overrides?: RequestOverrides;
  /** Defaults to the cost package's `costOf` with its default price table. */
  cost?: CostFn;
  onRecord?: RecordHook;
  /** Receives errors of `onRecord` and of `cost`; they never reach the caller. */
  onError?: (error: unknown) => void;
  experiment?: { id: string; variant: string };
  clock?: Clock;
  sleep?: Sleep;
  /** Uniform in [0, 1): the jitter source. */
  random?: () => number;
}

export interface ExecuteResult {
  output: string;
  usage: Usage;
  latencyMs: number;
  attempts: number;
  costMicros: MicroDollars | undefined;
  rendered: Rendered;
  model: string;
  finishReason: FinishReason;
}

export type ExecuteStreamEvent = { type: 'delta'; text: string } | { type: 'result'; result: ExecuteResult };

/** The per-call part of `ExecuteOptions` when an executor holds the rest. */
export type ExecuteCall = Pick<ExecuteOptions, 'prompt' | 'input' | 'signal' | 'overrides' | 'experiment'> & {
  /** Replaces the executor's provider for this call (e.g. an experiment variant on another backend). */
  provider?: Provider;
};

/** Everything of `ExecuteOptions` that stays the same across calls. */
export type ExecutorConfig = Omit<ExecuteOptions, 'prompt' | 'input' | 'signal' | 'overrides' | 'experiment'>;

export interface Executor {
  execute(call: ExecuteCall): Promise<ExecuteResult>;
  executeStream(call: ExecuteCall): AsyncGenerator<ExecuteStreamEvent, void, undefined>;
}
