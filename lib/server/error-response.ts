import 'server-only';
import { isLoomError, type LoomErrorCode, type LoomIssue } from '@/lib/loom/core';
import { DATABASE_UNAVAILABLE_MESSAGE, isDatabaseUnavailable } from './db/unavailable';
import { logger } from './logger';
import { isUnstorableTextError } from './unstorable-text';

/** HTTP status per error code; codes not listed are client errors (400). */
const HTTP_STATUS: Partial<Record<LoomErrorCode, number>> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  GATE_FAILED: 409,
  TEMPLATE_SYNTAX: 422,
  TEMPLATE_LIMIT: 422,
  MISSING_VARIABLES: 422,
  CONTEXT_LENGTH: 422,
  RATE_LIMITED: 429,
  CANCELLED: 499,
  INTERNAL: 500,
  AUTHENTICATION: 502,
  PROVIDER_ERROR: 502,
  CONTENT_FILTERED: 502,
  JUDGE_ERROR: 502,
  UNAVAILABLE: 503,
  CIRCUIT_OPEN: 503,
  TIMEOUT: 504,
};
/** Seconds a client should wait before retrying while the database is away. */
const RETRY_AFTER_SECONDS = 5;
const INTERNAL_MESSAGE = 'Something went wrong on the server. It has been logged.';

export interface MappedError {
  status: number;
  code: LoomErrorCode;
  message: string;
  issues?: LoomIssue[];
}

/**
 * The one mapping from a thrown error to what a caller may see, shared by server actions and route
 * handlers: a LoomError keeps its code and message; malformed percent-encoding and text the database
 * cannot store are INVALID_INPUT (400); a lost database is UNAVAILABLE (503) with one plain sentence;
 * anything else is logged with detail and reaches the caller as a generic INTERNAL.
 */
export function mapError(error: unknown, where: string): MappedError {
  if (isLoomError(error)) {
    const issues = error.details.issues;
    return {
      status: HTTP_STATUS[error.code] ?? 400,
      code: error.code,
      message: error.message,
      ...(issues?.length ? { issues } : {}),
    };
  }
  if (error instanceof URIError) {
    return { status: 400, code: 'INVALID_INPUT', message: 'The address has broken percent-encoding.' };
  }
  if (isUnstorableTextError(error)) {
    return {
      status: 400,
      code: 'INVALID_INPUT',
      message:
        'The request contains text that cannot be stored: a NUL character (U+0000) or invalid Unicode.',
    };
  }
  if (isDatabaseUnavailable(error)) {
    logger.warn({ where, error }, 'database unavailable');
    return { status: 503, code: 'UNAVAILABLE', message: DATABASE_UNAVAILABLE_MESSAGE };
  }
  logger.error({ where, error }, 'request failed');
  return { status: 500, code: 'INTERNAL', message: INTERNAL_MESSAGE };
}

/** A JSON problem response (`{ code, message, issues? }`) for a thrown error. */
export function errorResponse(error: unknown, where: string): Response {
  const { status, ...body } = mapError(error, where);
  const headers = status === 503 ? { 'retry-after': String(RETRY_AFTER_SECONDS) } : undefined;
  return Response.json(body, { status, headers });
}

/** Wraps a route handler so nothing it throws becomes Next's bare 500: see `mapError`. */
export function withErrorResponse<A extends unknown[]>(
  where: string,
  handler: (...args: A) => Promise<Response>,
): (...args: A) => Promise<Response> {
  return async (...args) => {
    try {
      return await handler(...args);
    } catch (error) {
      return errorResponse(error, where);
    }
  };
}
