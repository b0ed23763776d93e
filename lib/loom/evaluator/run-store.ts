import { LoomError } from '../core';
import { type CaseResult, caseResultSchema, type SuiteRunRecord, suiteRunRecordSchema } from './results';

/**
 * Where evaluation runs and their case results live, so an interrupted run can resume without
 * paying for scored cases again. Case results are keyed by (runId, caseId): saving one replaces it.
 */
export interface RunStore {
  findRun(runId: string): Promise<SuiteRunRecord | undefined>;
  /** Throws NOT_FOUND. */
  getRun(runId: string): Promise<SuiteRunRecord>;
  listRuns(options?: { suiteId?: string }): Promise<SuiteRunRecord[]>;
  saveRun(run: SuiteRunRecord): Promise<void>;
  /** Throws NOT_FOUND when the run does not exist. */
  saveCaseResult(runId: string, result: CaseResult): Promise<void>;
  /** In the order the cases were first saved. */
  listCaseResults(runId: string): Promise<CaseResult[]>;
  /** Deletes the run and its case results; deleting a missing run is a no-op. */
  deleteRun(runId: string): Promise<void>;
}

function invalid(
  what: string,
  error: { issues: Array<{ path: PropertyKey[]; message: string }> },
): LoomError {
  return new LoomError('INVALID_INPUT', `Invalid ${what}`, {
    issues: error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })),
  });
}

/** An in-memory RunStore for tests and single-process use; it copies on write and read. */
export function createMemoryRunStore(): RunStore {
  const runs = new Map<string, { run: SuiteRunRecord; cases: Map<string, CaseResult> }>();
  const notFound = (runId: string): LoomError =>
    new LoomError('NOT_FOUND', `Run "${runId}" not found`, { runId });

  return {
    async findRun(runId) {
      const entry = runs.get(runId);
      return entry ? structuredClone(entry.run) : undefined;
    },
    async getRun(runId) {
      const entry = runs.get(runId);
      if (!entry) throw notFound(runId);
      return structuredClone(entry.run);
    },
    async listRuns(options = {}) {
      return [...runs.values()]
        .map((e) => e.run)
        .filter((run) => options.suiteId === undefined || run.suiteId === options.suiteId)
        .map((run) => structuredClone(run));
    },
    async saveRun(run) {
      const parsed = suiteRunRecordSchema.safeParse(run);
      if (!parsed.success) throw invalid('run', parsed.error);
      const existing = runs.get(parsed.data.id);
      runs.set(parsed.data.id, { run: structuredClone(parsed.data), cases: existing?.cases ?? new Map() });
    },
    async saveCaseResult(runId, result) {
      const entry = runs.get(runId);
      if (!entry) throw notFound(runId);
      const parsed = caseResultSchema.safeParse(result);
      if (!parsed.success) throw invalid('case result', parsed.error);
      entry.cases.set(parsed.data.caseId, structuredClone(parsed.data));
    },
    async listCaseResults(runId) {
      const entry = runs.get(runId);
      return entry ? [...entry.cases.values()].map((c) => structuredClone(c)) : [];
    },
    async deleteRun(runId) {
      runs.delete(runId);
    },
  };
}
