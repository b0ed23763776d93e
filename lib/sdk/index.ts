export {
  createLoomClient,
  type ExecuteOptions,
  type GetPromptOptions,
  type LoomClient,
  type LoomClientOptions,
  type LoomPrompt,
  type OutcomeInput,
  type PromptSelector,
  type PromptSource,
} from './client';
export type { CacheOptions } from './cache';
export { LoomApiError, LoomConnectionError, type ProblemDetails } from './errors';
export type { RetryOptions } from './http';
export { readServerSentEvents, type ServerSentEvent } from './sse';
export type { ExecuteResult, ServedPrompt, StreamEvent } from './wire';
