import type { LoomErrorCode } from '@/lib/loom/core';

/** The contract between server actions and the browser: data, or an error code with a message. */
export interface ActionError {
  code: string;
  message: string;
  fieldErrors?: Record<string, string[]>;
}

export type ActionResult<T> = { ok: true; data: T } | { ok: false; error: ActionError };

/**
 * Plain wording for every error code: the one place codes become text a user reads. A code is for
 * programs; the screen shows the server's own message when it is readable, else this.
 */
export const ERROR_TEXT: Record<LoomErrorCode, string> = {
  NOT_FOUND: 'This no longer exists: it may have been archived or deleted.',
  INVALID_INPUT: 'Some fields need attention.',
  CONFLICT: 'Someone else changed this in the meantime. Reload to see their change.',
  TEMPLATE_SYNTAX: 'The template has a syntax error.',
  TEMPLATE_LIMIT: 'The template is too large or loops too long to render.',
  MISSING_VARIABLES: 'Some variables the template uses have no value.',
  PROVIDER_ERROR: 'The model provider returned an error.',
  RATE_LIMITED: 'The model provider is limiting requests. Wait a moment and try again.',
  TIMEOUT: 'The request took too long. Try again.',
  UNAVAILABLE: 'The service cannot be reached right now. Try again in a moment.',
  AUTHENTICATION: 'The provider refused the API key. An admin can check it under Settings → Providers.',
  CONTEXT_LENGTH: 'The prompt is longer than the model accepts. Shorten the inputs or choose a larger model.',
  CONTENT_FILTERED: "The provider's content filter blocked the answer.",
  CANCELLED: 'Cancelled.',
  CIRCUIT_OPEN: 'The provider failed several times in a row, so calls to it are paused. Try again shortly.',
  JUDGE_ERROR: 'The judge model could not score this answer.',
  FORBIDDEN: 'Your role does not allow this.',
  GATE_FAILED: 'This version does not pass the release gate, so it cannot be promoted.',
  UNAUTHENTICATED: 'Your session has ended. Sign in again.',
  INTERNAL: 'Something went wrong on the server. Try again; if it persists, tell your admin.',
};

/** Codes whose server message is never shown: it would say nothing more, or too much. */
const FIXED_TEXT = new Set<string>(['UNAUTHENTICATED', 'INTERNAL']);

const UNKNOWN_TEXT = 'Something went wrong. Try again; if it persists, tell your admin.';

/** A message that is only a code (INVALID_INPUT), starts with one (UNAVAILABLE: …), or is markup. */
function isUnreadable(message: string): boolean {
  const text = message.trim();
  return text === '' || /^[A-Z][A-Z0-9_]{2,}\b(:|$)/.test(text) || /^<[!a-z]/i.test(text);
}

/** What the user reads for an error from an action, a route or a stream: never a raw code. */
export function errorMessage(error: { code: string; message?: string }): string {
  const plain = (ERROR_TEXT as Record<string, string>)[error.code] ?? UNKNOWN_TEXT;
  if (FIXED_TEXT.has(error.code) || !error.message || isUnreadable(error.message)) return plain;
  return error.message;
}

export class ActionFailure extends Error {
  constructor(readonly error: ActionError) {
    super(errorMessage(error));
  }
}
