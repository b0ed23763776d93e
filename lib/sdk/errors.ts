// Errors the SDK throws. Callers switch on `status` and `code`, never on messages.

/** An RFC 9457 problem as the studio's API answers every failure. */
export interface ProblemDetails {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  /** Loom's stable error code: NOT_FOUND, MISSING_VARIABLES, RATE_LIMITED... */
  code?: string;
  /** Each thing wrong with the request, where (`body.variables.tone`) and what. */
  errors?: { path: string; message: string }[];
  [extension: string]: unknown;
}

/** The studio answered with an error status. */
export class LoomApiError extends Error {
  override readonly name = 'LoomApiError';
  readonly status: number;
  readonly code: string;
  readonly problem: ProblemDetails;
  /** From the Retry-After header, when the studio sent one. */
  readonly retryAfterMs: number | undefined;

  constructor(status: number, problem: ProblemDetails, retryAfterMs?: number) {
    super(problem.detail ?? problem.title ?? `The studio answered ${status}`);
    this.status = status;
    this.code = problem.code ?? `HTTP_${status}`;
    this.problem = problem;
    this.retryAfterMs = retryAfterMs;
  }

  get errors(): { path: string; message: string }[] {
    return this.problem.errors ?? [];
  }
}

/** The studio could not be reached (connection refused, DNS, timeout) after the retries. */
export class LoomConnectionError extends Error {
  override readonly name = 'LoomConnectionError';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Statuses worth retrying: the studio is overloaded or failing, not refusing the request. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}
