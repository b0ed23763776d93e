import { LoomError, type LoomErrorCode } from '../core';

/** The codes a provider may throw; anything else a backend reports becomes PROVIDER_ERROR. */
export const PROVIDER_ERROR_CODES = [
  'RATE_LIMITED',
  'TIMEOUT',
  'UNAVAILABLE',
  'AUTHENTICATION',
  'INVALID_INPUT',
  'NOT_FOUND',
  'CONTEXT_LENGTH',
  'CONTENT_FILTERED',
  'CANCELLED',
  'PROVIDER_ERROR',
] as const satisfies readonly LoomErrorCode[];

export interface HttpErrorInfo {
  provider: string;
  status: number;
  message: string;
  /** The backend's own error code or type, e.g. `context_length_exceeded`. */
  errorCode?: string;
  retryAfterMs?: number;
  cause?: unknown;
}

const CONTEXT_LENGTH = /context[_ ]length|maximum context|too many tokens|context window/i;
const CONTENT_FILTER = /content[_ ]filter|content[_ ]policy|safety system/i;

function codeForStatus(status: number, hint: string): LoomErrorCode {
  if (status === 429) return 'RATE_LIMITED';
  if (status === 401 || status === 403) return 'AUTHENTICATION';
  if (status === 408 || status === 504) return 'TIMEOUT';
  if (status === 500 || status === 502 || status === 503 || status === 529) return 'UNAVAILABLE';
  if (status === 404) return 'NOT_FOUND';
  if (status === 400 || status === 413 || status === 422) {
    if (CONTEXT_LENGTH.test(hint)) return 'CONTEXT_LENGTH';
    if (CONTENT_FILTER.test(hint)) return 'CONTENT_FILTERED';
    return status === 413 ? 'CONTEXT_LENGTH' : 'INVALID_INPUT';
  }
  return 'PROVIDER_ERROR';
}

/** Maps an HTTP error answer of any backend to the one LoomError vocabulary. */
export function errorFromHttp(info: HttpErrorInfo): LoomError {
  const code = codeForStatus(info.status, `${info.errorCode ?? ''} ${info.message}`);
  const details: Record<string, unknown> = { provider: info.provider, status: info.status };
  if (info.errorCode !== undefined) details.providerCode = info.errorCode;
  if (code === 'RATE_LIMITED' && info.retryAfterMs !== undefined) details.retryAfterMs = info.retryAfterMs;
  return new LoomError(code, `${info.provider}: ${info.message}`, details, { cause: info.cause });
}

/**
 * Reads `retry-after-ms` (OpenAI's extension) or `retry-after` (seconds or an HTTP date).
 * Returns undefined when absent or unreadable.
 */
export function parseRetryAfterMs(
  headers: { get(name: string): string | null } | undefined,
  nowMs: number = Date.now(),
): number | undefined {
  if (!headers) return undefined;
  const ms = headers.get('retry-after-ms');
  if (ms !== null && ms.trim() !== '' && Number.isFinite(Number(ms))) return Math.max(0, Number(ms));
  const value = headers.get('retry-after');
  if (value === null || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, Math.round(seconds * 1000));
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

export function cancelledError(provider: string, reason?: unknown): LoomError {
  return new LoomError(
    'CANCELLED',
    `${provider}: the request was cancelled`,
    { provider },
    { cause: reason },
  );
}

/**
 * Last-resort normalisation for errors an adapter did not recognise: a fired signal means
 * CANCELLED whatever the transport threw; LoomErrors pass through; the rest is PROVIDER_ERROR.
 */
export function normalizeProviderError(error: unknown, provider: string, signal?: AbortSignal): LoomError {
  if (signal?.aborted) return cancelledError(provider, signal.reason);
  if (error instanceof LoomError) return error;
  const name = error instanceof Error ? error.name : '';
  if (name === 'AbortError') return cancelledError(provider, error);
  if (name === 'TimeoutError') {
    return new LoomError('TIMEOUT', `${provider}: the request timed out`, { provider }, { cause: error });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new LoomError('PROVIDER_ERROR', `${provider}: ${message}`, { provider }, { cause: error });
}
