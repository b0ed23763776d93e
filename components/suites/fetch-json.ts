import { errorMessage } from '@/lib/client/action-result';

/**
 * GETs JSON from one of the suites screens' routes (run page, comparison); a problem response
 * becomes an Error a user can read.
 */
export async function fetchJson<T>(url: string, signal?: AbortSignal): Promise<T> {
  const response = await fetch(url, { signal, headers: { accept: 'application/json' } });
  const body = (await response.json().catch(() => null)) as unknown;
  if (!response.ok) {
    const problem = (body ?? {}) as { code?: string; message?: string };
    throw new Error(errorMessage({ code: problem.code ?? 'INTERNAL', message: problem.message }));
  }
  return body as T;
}
