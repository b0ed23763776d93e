import 'server-only';
import type { z } from 'zod';
import { isLoomError, type LoomErrorCode, type LoomIssue } from '@/lib/loom/core';
import { mapError } from '../error-response';

// RFC 9457 problem details: every error of the public API (/api/v1, and the compatible routes'
// own shapes are built from the same mapping) is one of these, never a stack trace.

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
/** Problem types are stable URIs under this base; the title says the same in words. */
const TYPE_BASE = 'https://loom.dev/problems/';

export interface ProblemError {
  /** Where in the request: `body.variables.tone`, `query.version`, `header.authorization`. */
  path: string;
  message: string;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  /** The LoomError code, for clients that switch on it. */
  code: string;
  errors?: ProblemError[];
  [extension: string]: unknown;
}

/** Status and title per LoomError code: the one table the public API answers by. */
export const API_ERROR_STATUS: Record<LoomErrorCode, { status: number; title: string }> = {
  UNAUTHENTICATED: { status: 401, title: 'Unauthorized' },
  FORBIDDEN: { status: 403, title: 'Forbidden' },
  NOT_FOUND: { status: 404, title: 'Not found' },
  INVALID_INPUT: { status: 400, title: 'Invalid request' },
  CONFLICT: { status: 409, title: 'Conflict' },
  GATE_FAILED: { status: 409, title: 'Release gate failed' },
  TEMPLATE_SYNTAX: { status: 422, title: 'Template error' },
  TEMPLATE_LIMIT: { status: 422, title: 'Template limit exceeded' },
  MISSING_VARIABLES: { status: 422, title: 'Invalid variables' },
  CONTEXT_LENGTH: { status: 422, title: 'Prompt too long for the model' },
  RATE_LIMITED: { status: 429, title: 'Too many requests' },
  CANCELLED: { status: 499, title: 'Request cancelled' },
  INTERNAL: { status: 500, title: 'Internal error' },
  AUTHENTICATION: { status: 502, title: 'Provider rejected the studio’s credentials' },
  PROVIDER_ERROR: { status: 502, title: 'Provider error' },
  CONTENT_FILTERED: { status: 502, title: 'Provider filtered the content' },
  JUDGE_ERROR: { status: 502, title: 'Judge error' },
  UNAVAILABLE: { status: 503, title: 'Service unavailable' },
  CIRCUIT_OPEN: { status: 503, title: 'Provider temporarily disabled' },
  TIMEOUT: { status: 504, title: 'Provider timed out' },
};

/** Seconds a client should wait when a dependency is away and no better figure is known. */
const DEFAULT_RETRY_AFTER_SECONDS = 5;

/**
 * `details.scope` of a LoomError raised while checking a request's variables against the prompt's
 * declarations (lib/server/api/prompts.ts sets it); such errors answer 422 under `body.variables`.
 */
export const VARIABLES_SCOPE = 'variables';

const typeOf = (code: string) => TYPE_BASE + code.toLowerCase().replaceAll('_', '-');

export interface ProblemOptions {
  errors?: ProblemError[];
  headers?: Record<string, string>;
  /** Extra members (RFC 9457 extensions), e.g. `retryAfterSeconds`. */
  extensions?: Record<string, unknown>;
}

/** A problem+json response for a LoomError code; its status and title come from `API_ERROR_STATUS`. */
export function problemResponse(code: LoomErrorCode, detail: string, options: ProblemOptions = {}): Response {
  const { status, title } = API_ERROR_STATUS[code];
  return problemWithStatus(status, code, title, detail, options);
}

/** A problem+json response with an explicit status (413 and others that are no LoomError code). */
export function problemWithStatus(
  status: number,
  code: string,
  title: string,
  detail: string,
  options: ProblemOptions = {},
): Response {
  const body: Problem = {
    type: typeOf(code),
    title,
    status,
    detail,
    code,
    ...(options.errors?.length ? { errors: options.errors } : {}),
    ...options.extensions,
  };
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': PROBLEM_CONTENT_TYPE, 'cache-control': 'no-store', ...options.headers },
  });
}

/** Loom issues as problem errors: a template position becomes part of the message. */
export function issuesToProblemErrors(issues: readonly LoomIssue[], prefix = ''): ProblemError[] {
  return issues.map((issue) => {
    const where = issue.line === undefined ? '' : ` (line ${issue.line}, column ${issue.column ?? 1})`;
    const path = issue.variable ?? issue.path ?? '';
    return { path: prefix && path ? `${prefix}.${path}` : path || prefix, message: issue.message + where };
  });
}

/** Zod issues as problem errors under `prefix` (`body`, `query`). */
export function zodToProblemErrors(error: z.ZodError, prefix: string): ProblemError[] {
  return error.issues.map((issue) => ({
    path: [prefix, ...issue.path.map(String)].join('.'),
    message: issue.message,
  }));
}

/**
 * Any thrown error as a problem response: a LoomError keeps its code, message and issues (variable
 * errors under `body.variables`); a retryable one carries Retry-After; anything unknown is logged
 * by `mapError` and answered as a generic 500.
 */
export function problemFromError(error: unknown, where: string): Response {
  if (isLoomError(error)) {
    const issues = error.details.issues ?? [];
    const isVariables = error.details.scope === VARIABLES_SCOPE;
    const retryAfterMs =
      typeof error.details.retryAfterMs === 'number' ? error.details.retryAfterMs : undefined;
    // A value that does not fit its declared variable is as unprocessable as a missing one: 422.
    if (isVariables) {
      return problemWithStatus(422, error.code, 'Invalid variables', error.message, {
        errors: issuesToProblemErrors(issues, 'body.variables'),
      });
    }
    const { status } = API_ERROR_STATUS[error.code];
    const headers: Record<string, string> = {};
    if (status === 429 || status === 503) {
      headers['retry-after'] = String(
        retryAfterMs === undefined
          ? DEFAULT_RETRY_AFTER_SECONDS
          : Math.max(1, Math.ceil(retryAfterMs / 1000)),
      );
    }
    return problemResponse(error.code, error.message, {
      errors: issuesToProblemErrors(issues, error.code === 'INVALID_INPUT' ? 'body' : ''),
      headers,
    });
  }
  const mapped = mapError(error, where);
  return problemResponse(mapped.code, mapped.message, {
    ...(mapped.status === 503 ? { headers: { 'retry-after': String(DEFAULT_RETRY_AFTER_SECONDS) } } : {}),
  });
}
