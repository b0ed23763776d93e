import { errorMessage } from '@/lib/client/action-result';

/** react-query keys of the run page; invalidating `run(runId)` refreshes its table and drawer. */
export const runKeys = {
  run: (runId: string) => ['suite-runs', runId] as const,
  cases: (runId: string, query: string) => ['suite-runs', runId, 'cases', query] as const,
  case: (runId: string, caseId: string) => ['suite-runs', runId, 'case', caseId] as const,
};

/** GETs JSON from one of the run page's routes; a problem response becomes an Error a user can read. */
export async function fetchJson<T>(url: string, signal?: AbortSignal): Promise<T> {
  const response = await fetch(url, { signal, headers: { accept: 'application/json' } });
  const body = (await response.json().catch(() => null)) as unknown;
  if (!response.ok) {
    const problem = (body ?? {}) as { code?: string; message?: string };
    throw new Error(errorMessage({ code: problem.code ?? 'INTERNAL', message: problem.message }));
  }
  return body as T;
}
