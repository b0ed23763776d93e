/** Serializable shapes the suites screens receive from server components and routes. */

/** Run statuses (EvalRun.status) of a run still moving: waiting for the worker or executing. */
export const ACTIVE_RUN_STATUSES: readonly string[] = ['queued', 'running'];

/** Still moving: the progress polls, the list refreshes, a comparison or the gate waits for it. */
export function isActiveRun(status: string): boolean {
  return ACTIVE_RUN_STATUSES.includes(status);
}

/** A run's counts and costs so far (the runs list, the live progress). */
export interface RunCounts {
  /** Cases with a stored result. */
  done: number;
  passed: number;
  errored: number;
  /** Target cost of the priced cases so far, micro-dollars. */
  costMicros: number;
  /** Judge cost so far, always apart from the target's. */
  judgeCostMicros: number;
  /** Cases whose target cost is unknown (no price for the model): not free. */
  unpricedCases: number;
  /** Cases with a judge call of unknown cost. */
  judgeUnpricedCases: number;
}

/** Most cases a suite revision may hold: a thorough regression set, still one page of SQL per table view. */
export const MAX_SUITE_CASES = 20_000;
/** Rows of the cases table per page (server-side paging). */
export const CASES_PAGE_SIZE = 50;
/** Largest import file: 20,000 cases of a few hundred bytes each fit with room to spare. */
export const MAX_IMPORT_BYTES = 10 * 1024 * 1024;
/** Row errors listed in a refused import; the rest are counted ("and N more"). */
export const MAX_IMPORT_ERRORS = 50;
/** Separator of several tags in one CSV cell (`smoke|billing`). */
export const CSV_TAG_SEPARATOR = '|';

export type ImportFormat = 'csv' | 'jsonl';
export type ImportMode = 'append' | 'replace';

export interface SuiteListRow {
  id: string;
  name: string;
  description: string;
  promptId: string;
  promptName: string | null;
  revision: number;
  caseCount: number;
  /** ISO time of the latest revision. */
  updatedAt: string;
  updatedBy: string | null;
  lastRun: { id: string; status: string; passRate: number | null; createdAt: string } | null;
}

export interface SuiteHeader {
  id: string;
  name: string;
  description: string;
  promptId: string;
  promptName: string | null;
  /** The latest revision. */
  revision: number;
  archived: boolean;
}

export interface CaseRow {
  id: string;
  position: number;
  input: Record<string, unknown>;
  expected: string | null;
  tags: string[];
  notes: string;
}

export interface CasePageQuery {
  page: number;
  search: string;
  tag: string;
}

export interface CasePage {
  cases: CaseRow[];
  /** Cases matching the filters. */
  total: number;
  page: number;
  pageCount: number;
  /** Every tag of the revision, for the tag filter. */
  tags: string[];
}

export interface RevisionRow {
  revision: number;
  author: string | null;
  message: string;
  caseCount: number;
  evaluatorCount: number;
  createdAt: string;
}

/** A variable of the target prompt, as the case form needs it. */
export interface CaseVariable {
  name: string;
  type: string;
  required: boolean;
  description?: string;
  values?: string[];
}

export interface ImportProblem {
  /** 1-based line of the file (the CSV header is row 1); absent for problems of the whole file. */
  row?: number;
  column?: string;
  message: string;
}

export interface ImportResponse {
  revision: number;
  imported: number;
  caseCount: number;
}

export interface ImportRefusal {
  code: string;
  message: string;
  problems?: ImportProblem[];
  /** Problems not listed (beyond MAX_IMPORT_ERRORS). */
  more?: number;
}

/** The editable evaluator configs, as JSON (the server validates them: lib/server/suites/evaluator-config.ts). */
export type EvaluatorDraft =
  | { kind: 'exactMatch'; name?: string; value?: string; trim?: boolean; ignoreCase?: boolean }
  | { kind: 'contains'; name?: string; allOf?: string[]; anyOf?: string[]; ignoreCase?: boolean }
  | { kind: 'regex'; name?: string; pattern: string; flags?: string; negate?: boolean }
  | { kind: 'validJson'; name?: string; allowCodeFence?: boolean }
  | { kind: 'jsonSchema'; name?: string; schema: unknown; allowCodeFence?: boolean }
  | {
      kind: 'llmJudge';
      name?: string;
      rubricPromptId: string;
      rubricVersion?: number | 'production';
      provider?: string;
      model?: string;
      threshold?: number;
      samples?: number;
    };

export type EvaluatorKindName = EvaluatorDraft['kind'];

export const EVALUATOR_KIND_LABELS: Record<EvaluatorKindName, string> = {
  exactMatch: 'Exact match',
  contains: 'Contains',
  regex: 'Regular expression',
  validJson: 'Valid JSON',
  jsonSchema: 'JSON Schema',
  llmJudge: 'LLM judge',
};

export interface PromptOption {
  id: string;
  name: string;
  variables: string[];
  productionVersion: number | null;
  latestVersion: number;
}
