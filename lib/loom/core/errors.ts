/** Stable error codes: callers (actions, HTTP mapping, retry policies) switch on these, never on messages. */
export const LOOM_ERROR_CODES = [
  'NOT_FOUND',
  'INVALID_INPUT',
  'CONFLICT',
  'TEMPLATE_SYNTAX',
  'TEMPLATE_LIMIT',
  'MISSING_VARIABLES',
  'PROVIDER_ERROR',
  'RATE_LIMITED',
  'TIMEOUT',
  'UNAVAILABLE',
  'AUTHENTICATION',
  'CONTEXT_LENGTH',
  'CONTENT_FILTERED',
  'CANCELLED',
  'CIRCUIT_OPEN',
  'JUDGE_ERROR',
  'FORBIDDEN',
  /** A release gate refused a production move; details.checks lists the failed checks. */
  'GATE_FAILED',
  'UNAUTHENTICATED',
  'INTERNAL',
] as const;

export type LoomErrorCode = (typeof LOOM_ERROR_CODES)[number];

/** One problem in an input: where (a path such as `variables.tone` or a template line/column) and what. */
export interface LoomIssue {
  path?: string;
  message: string;
  line?: number;
  column?: number;
  variable?: string;
}

export interface LoomErrorDetails {
  issues?: LoomIssue[];
  [key: string]: unknown;
}

export class LoomError extends Error {
  override readonly name = 'LoomError';
  readonly code: LoomErrorCode;
  readonly details: LoomErrorDetails;

  constructor(
    code: LoomErrorCode,
    message: string,
    details: LoomErrorDetails = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.code = code;
    this.details = details;
  }

  /** True for the kinds a retry may fix; everything else is permanent. */
  get isRetryable(): boolean {
    return this.code === 'RATE_LIMITED' || this.code === 'TIMEOUT' || this.code === 'UNAVAILABLE';
  }
}

export function isLoomError(error: unknown, code?: LoomErrorCode): error is LoomError {
  return error instanceof LoomError && (code === undefined || error.code === code);
}

/** INVALID_INPUT about one field: the message is also that field's issue (`path`, e.g. "suiteId"). */
export function invalidField(path: string, message: string): LoomError {
  return new LoomError('INVALID_INPUT', message, { issues: [{ path, message }] });
}

/** Throws CANCELLED when the signal has fired; call at every await boundary that does work. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    throw new LoomError('CANCELLED', 'The operation was cancelled', {}, { cause: signal.reason });
  }
}
