import { LoomError, type LoomIssue } from '../core';
import type { z } from 'zod';
import { completionRequestSchema, type CallOptions, type CompletionRequest } from './types';

/** Turns zod issues into LoomIssues (`path` dotted, e.g. `messages.0.role`). */
export function toLoomIssues(error: z.ZodError): LoomIssue[] {
  return error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }));
}

const ROLES = new Set(['system', 'user', 'assistant']);
const isNumberIn = (value: unknown, min: number, max: number) =>
  typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max;

/**
 * The schema's rules written out by hand. Every provider call validates its request, and zod,
 * cheap in a tight loop, measured ~50 µs per parse between real network calls (cold caches).
 * Must accept exactly what `completionRequestSchema` accepts; zod still reports the issues.
 */
function isValidRequest(value: unknown): value is CompletionRequest {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as Record<string, unknown>;
  if (typeof r.model !== 'string' || r.model.length < 1 || r.model.length > 200) return false;
  if (!Array.isArray(r.messages) || r.messages.length < 1) return false;
  for (const m of r.messages as unknown[]) {
    if (typeof m !== 'object' || m === null) return false;
    const { role, content } = m as Record<string, unknown>;
    if (typeof role !== 'string' || !ROLES.has(role) || typeof content !== 'string') return false;
  }
  if (r.temperature !== undefined && !isNumberIn(r.temperature, 0, 2)) return false;
  if (r.maxTokens !== undefined && !(Number.isSafeInteger(r.maxTokens) && (r.maxTokens as number) > 0))
    return false;
  if (r.topP !== undefined && !isNumberIn(r.topP, 0, 1)) return false;
  if (r.stop !== undefined) {
    if (!Array.isArray(r.stop) || r.stop.length > 4) return false;
    if (!r.stop.every((s: unknown) => typeof s === 'string' && s.length >= 1)) return false;
  }
  if (r.responseFormat !== undefined && r.responseFormat !== 'text' && r.responseFormat !== 'json')
    return false;
  if (r.seed !== undefined && !Number.isSafeInteger(r.seed)) return false;
  if (r.user !== undefined && !(typeof r.user === 'string' && r.user.length <= 256)) return false;
  if (r.metadata !== undefined) {
    if (typeof r.metadata !== 'object' || r.metadata === null || Array.isArray(r.metadata)) return false;
    if (!Object.values(r.metadata).every((v) => typeof v === 'string')) return false;
  }
  return true;
}

/** Validates a request at a provider's boundary; throws INVALID_INPUT with one issue per field. */
export function parseCompletionRequest(request: unknown): CompletionRequest {
  if (isValidRequest(request)) return request;
  const result = completionRequestSchema.safeParse(request);
  if (!result.success) {
    throw new LoomError('INVALID_INPUT', 'Invalid completion request', {
      issues: toLoomIssues(result.error),
    });
  }
  return result.data;
}

/** Validates call options at a provider's boundary: a budget must be a finite, non-negative number. */
export function parseCallOptions(options: CallOptions | undefined): CallOptions {
  if (options === undefined) return {};
  const { timeoutMs } = options;
  if (
    timeoutMs !== undefined &&
    !(typeof timeoutMs === 'number' && Number.isFinite(timeoutMs) && timeoutMs >= 0)
  ) {
    throw new LoomError('INVALID_INPUT', 'Invalid call options', {
      issues: [{ path: 'timeoutMs', message: 'must be a finite number of milliseconds, 0 or more' }],
    });
  }
  return options;
}

/** The text of the last user turn: what logs, fakes and simulators key on. */
export function lastUserContent(request: Pick<CompletionRequest, 'messages'>): string {
  for (let i = request.messages.length - 1; i >= 0; i--) {
    const message = request.messages[i];
    if (message?.role === 'user') return message.content;
  }
  return '';
}
