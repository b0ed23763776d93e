import { isRetryableStatus, LoomApiError, LoomConnectionError, type ProblemDetails } from './errors';

// One HTTP call to the studio with retries: network errors, 5xx and 429 are retried with full-jitter
// exponential backoff; a Retry-After (seconds or an HTTP date) is honoured up to `maxRetryAfterMs`.

export interface RetryOptions {
  /** Retries after the first attempt (default 2). 0 disables retrying. */
  retries?: number;
  /** First backoff ceiling (default 250 ms); doubles per retry up to `maxDelayMs`. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** A longer Retry-After is not waited for: the error is thrown (default 30 s). */
  maxRetryAfterMs?: number;
}

export interface HttpOptions {
  baseUrl: string;
  apiKey: string;
  fetch: typeof fetch;
  retry: Required<RetryOptions>;
  /** Per attempt (default 10 s). Streams are bounded only until their headers arrive. */
  timeoutMs: number;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  random: () => number;
}

export interface CallOptions {
  method?: 'GET' | 'POST';
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Statuses returned to the caller instead of thrown (304). */
  passStatuses?: readonly number[];
}

export const defaultSleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason as Error);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/** Retry-After in milliseconds: delta seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  if (/^\s*\d+\s*$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

async function problemOf(response: Response): Promise<ProblemDetails> {
  const text = await response.text().catch(() => '');
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object') return parsed as ProblemDetails;
  } catch {
    // Not JSON: a proxy's error page, say. Keep an excerpt as the detail.
  }
  return { status: response.status, detail: text.slice(0, 300) || response.statusText };
}

function backoff(options: HttpOptions, retry: number): number {
  const ceiling = Math.min(options.retry.maxDelayMs, options.retry.baseDelayMs * 2 ** retry);
  return Math.floor(options.random() * ceiling);
}

/** Sends one request, retrying what may succeed later; throws LoomApiError or LoomConnectionError. */
export async function call(options: HttpOptions, path: string, init: CallOptions = {}): Promise<Response> {
  const url = `${options.baseUrl.replace(/\/+$/, '')}${path}`;
  const headers: Record<string, string> = {
    authorization: `Bearer ${options.apiKey}`,
    accept: 'application/json',
    ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
    ...init.headers,
  };
  const body = init.body === undefined ? undefined : JSON.stringify(init.body);
  for (let attempt = 0; ; attempt++) {
    // The timeout bounds the wait for the response's headers, not the reading of a stream.
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(new Error('timeout')), options.timeoutMs);
    const signal = init.signal ? AbortSignal.any([init.signal, timeout.signal]) : timeout.signal;
    let response: Response;
    try {
      response = await options.fetch(url, { method: init.method ?? 'GET', headers, body, signal });
    } catch (error) {
      if (init.signal?.aborted) throw error;
      if (attempt >= options.retry.retries) {
        const why = timeout.signal.aborted ? `no answer within ${options.timeoutMs} ms` : String(error);
        throw new LoomConnectionError(`Cannot reach the studio at ${url}: ${why}`, { cause: error });
      }
      await options.sleep(backoff(options, attempt), init.signal);
      continue;
    } finally {
      clearTimeout(timer);
    }
    if (response.ok || init.passStatuses?.includes(response.status)) return response;
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
    const problem = await problemOf(response);
    const error = new LoomApiError(response.status, problem, retryAfterMs);
    const canRetry =
      isRetryableStatus(response.status) &&
      attempt < options.retry.retries &&
      (retryAfterMs === undefined || retryAfterMs <= options.retry.maxRetryAfterMs);
    if (!canRetry) throw error;
    await options.sleep(retryAfterMs ?? backoff(options, attempt), init.signal);
  }
}
