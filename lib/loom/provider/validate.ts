import { LoomError, type LoomIssue } from '../core';
import type { z } from 'zod';
import { completionRequestSchema, type CompletionRequest } from './types';

/** Turns zod issues into LoomIssues (`path` dotted, e.g. `messages.0.role`). */
export function toLoomIssues(error: z.ZodError): LoomIssue[] {
  return error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }));
}

/** Validates a request at a provider's boundary; throws INVALID_INPUT with one issue per field. */
export function parseCompletionRequest(request: unknown): CompletionRequest {
  const result = completionRequestSchema.safeParse(request);
  if (!result.success) {
    throw new LoomError('INVALID_INPUT', 'Invalid completion request', {
      issues: toLoomIssues(result.error),
    });
  }
  return result.data;
}

/** The text of the last user turn: what logs, fakes and simulators key on. */
export function lastUserContent(request: Pick<CompletionRequest, 'messages'>): string {
  for (let i = request.messages.length - 1; i >= 0; i--) {
    const message = request.messages[i];
    if (message?.role === 'user') return message.content;
  }
  return '';
}
