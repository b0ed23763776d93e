/** react-query keys of the run page; invalidating `run(runId)` refreshes its table and drawer. */
export const runKeys = {
  run: (runId: string) => ['suite-runs', runId] as const,
  cases: (runId: string, query: string) => ['suite-runs', runId, 'cases', query] as const,
  case: (runId: string, caseId: string) => ['suite-runs', runId, 'case', caseId] as const,
};
