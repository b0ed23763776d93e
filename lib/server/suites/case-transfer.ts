import 'server-only';
import Papa from 'papaparse';
import { z } from 'zod';
import type { PrismaClient } from '@/lib/generated/prisma/client';
import { LoomError, type Variable } from '@/lib/loom/core';
import {
  CSV_TAG_SEPARATOR,
  MAX_IMPORT_ERRORS,
  MAX_SUITE_CASES,
  type ImportFormat,
  type ImportProblem,
} from '@/components/suites/types';
import { caseIdSchema, caseTagSchema, compileCaseInputCheck, type ValidCase } from './suite-cases';
import { addSuiteCases, getSuite, getSuiteRevision, listCaseIds, loadPromptVariables } from './suites';

// Import and export of a suite's cases as CSV or JSONL. Parsing is all-or-nothing: the result is
// every case, or the problems with their row (and column); nothing is half-imported.
//
// CSV: a header row; the columns `id`, `expected`, `tags` (several joined by `|`) and `notes` are
// the case's fields, every other column is one of the prompt's variables. Values are coerced by the
// variable's declared type (numbers, booleans, lists and JSON as JSON text). Row 1 is the header.
// JSONL: one `{ "id"?, "input": {...}, "expected"?, "tags"?: [...], "notes"? }` per line.

const RESERVED_COLUMNS = ['id', 'expected', 'tags', 'notes'] as const;

export interface ParseCasesOptions {
  variables: readonly Variable[];
  /** Cases the file may add (the suite's limit minus the cases it keeps). */
  maxCases?: number;
  /** Ids already in the suite (append mode): reusing one is a problem. */
  existingIds?: ReadonlySet<string>;
}

export type ParsedCases =
  { ok: true; cases: ValidCase[] } | { ok: false; problems: ImportProblem[]; more: number; message: string };

/** Collects problems, keeping the first MAX_IMPORT_ERRORS and counting the rest. */
class Problems {
  readonly list: ImportProblem[] = [];
  more = 0;
  add(problem: ImportProblem): void {
    if (this.list.length < MAX_IMPORT_ERRORS) this.list.push(problem);
    else this.more += 1;
  }
  get count(): number {
    return this.list.length + this.more;
  }
}

function refusal(problems: Problems, total?: string): ParsedCases {
  const count = problems.count;
  return {
    ok: false,
    problems: problems.list,
    more: problems.more,
    message:
      total ??
      `Nothing was imported: ${count === 1 ? 'one problem' : `${count} problems`} in the file${
        problems.more > 0 ? ` (the first ${problems.list.length} are listed)` : ''
      }.`,
  };
}

function tooMany(limit: number): string {
  return `Nothing was imported: a suite holds at most ${MAX_SUITE_CASES.toLocaleString('en-US')} cases${
    limit < MAX_SUITE_CASES ? ` (this one has room for ${limit.toLocaleString('en-US')} more)` : ''
  }, and the file has more. Split it, or use Replace.`;
}

/** Tracks case ids across the file: generated ids are filled in later, past the highest in use. */
class IdCheck {
  private readonly seen = new Map<string, number>();
  constructor(
    private readonly problems: Problems,
    private readonly existing: ReadonlySet<string> | undefined,
  ) {}
  check(raw: string, row: number): string | undefined {
    const parsed = caseIdSchema.safeParse(raw);
    if (!parsed.success) {
      this.problems.add({ row, column: 'id', message: parsed.error.issues[0]?.message ?? 'invalid id' });
      return undefined;
    }
    const id = parsed.data;
    const first = this.seen.get(id);
    if (first !== undefined) {
      this.problems.add({ row, column: 'id', message: `duplicate id "${id}" (also on row ${first})` });
      return undefined;
    }
    if (this.existing?.has(id)) {
      this.problems.add({
        row,
        column: 'id',
        message: `id "${id}" is already in the suite: import with Replace, or change the id`,
      });
      return undefined;
    }
    this.seen.set(id, row);
    return id;
  }
}

function splitTags(cell: string, row: number, problems: Problems): string[] {
  const tags: string[] = [];
  for (const part of cell.split(CSV_TAG_SEPARATOR)) {
    const tag = part.trim();
    if (tag === '') continue;
    const parsed = caseTagSchema.safeParse(tag);
    if (!parsed.success) {
      problems.add({
        row,
        column: 'tags',
        message: `tag "${tag}": ${parsed.error.issues[0]?.message ?? 'invalid'}`,
      });
    } else if (!tags.includes(parsed.data)) tags.push(parsed.data);
  }
  if (tags.length > 20) problems.add({ row, column: 'tags', message: 'at most 20 tags per case' });
  return tags;
}

/** Parses CSV text into cases, or every problem with its row (the header is row 1) and column. */
export function parseCsvCases(text: string, options: ParseCasesOptions): ParsedCases {
  const limit = options.maxCases ?? MAX_SUITE_CASES;
  const problems = new Problems();
  const checkInput = compileCaseInputCheck(options.variables);
  const ids = new IdCheck(problems, options.existingIds);
  const variableNames = new Set(options.variables.map((v) => v.name));
  const cases: ValidCase[] = [];
  let header: string[] | undefined;
  let row = 0;
  let isOverLimit = false;

  Papa.parse<string[]>(text.startsWith('\uFEFF') ? text.slice(1) : text, {
    header: false,
    skipEmptyLines: false,
    step: (result, parser) => {
      row += 1;
      const fields = result.data;
      if (fields.length === 1 && fields[0]?.trim() === '') return; // a blank line
      for (const error of result.errors) {
        // A one-column file has no delimiter to detect: papaparse falls back to ',' and says so.
        if (error.code === 'UndetectableDelimiter') continue;
        problems.add({ row, message: `not valid CSV: ${error.message}` });
      }
      if (header === undefined) {
        header = fields.map((f) => f.trim());
        const seen = new Set<string>();
        for (const column of header) {
          if (column === '') problems.add({ row, message: 'a column has no name in the header' });
          else if (seen.has(column))
            problems.add({ row, column, message: `column "${column}" appears twice` });
          else if (!(RESERVED_COLUMNS as readonly string[]).includes(column) && !variableNames.has(column)) {
            problems.add({
              row,
              column,
              message: `unknown column "${column}": the prompt has no such variable (columns: id, expected, tags, notes and the variables ${[...variableNames].join(', ') || '(none)'})`,
            });
          }
          seen.add(column);
        }
        for (const variable of options.variables) {
          if (variable.required && variable.default === undefined && !seen.has(variable.name)) {
            problems.add({
              row,
              column: variable.name,
              message: `missing column "${variable.name}": the prompt requires this variable`,
            });
          }
        }
        // With a broken header every row would repeat the same problems: stop here.
        if (problems.count > 0) parser.abort();
        return;
      }
      if (cases.length >= limit) {
        isOverLimit = true;
        parser.abort();
        return;
      }
      if (fields.length !== header.length) {
        problems.add({
          row,
          message: `has ${fields.length} ${fields.length === 1 ? 'field' : 'fields'}, the header has ${header.length}`,
        });
        cases.push({ input: {}, expected: null, tags: [], notes: '' }); // counted against the limit
        return;
      }
      const input: Record<string, unknown> = {};
      const draft: ValidCase = { input, expected: null, tags: [], notes: '' };
      let rowOk = true;
      header.forEach((column, i) => {
        const cell = fields[i] ?? '';
        switch (column) {
          case 'id':
            if (cell.trim() !== '') {
              const id = ids.check(cell, row);
              if (id === undefined) rowOk = false;
              else draft.id = id;
            }
            break;
          case 'expected':
            draft.expected = cell === '' ? null : cell;
            break;
          case 'tags':
            draft.tags = splitTags(cell, row, problems);
            break;
          case 'notes':
            draft.notes = cell;
            break;
          default:
            if (cell !== '') input[column] = cell;
        }
      });
      const checked = checkInput(input);
      if (!checked.ok) {
        rowOk = false;
        for (const p of checked.problems) problems.add({ row, column: p.column, message: p.message });
      } else draft.input = checked.input;
      if (draft.notes.length > 5000) {
        rowOk = false;
        problems.add({ row, column: 'notes', message: 'notes are at most 5,000 characters' });
      }
      if (rowOk) cases.push(draft);
      else cases.push({ input: {}, expected: null, tags: [], notes: '' }); // counted against the limit
    },
  });

  if (isOverLimit) return refusal(new Problems(), tooMany(limit));
  if (header === undefined) {
    problems.add({ message: 'the file is empty: it needs a header row and at least one case' });
  } else if (cases.length === 0 && problems.count === 0) {
    problems.add({ message: 'the file has a header but no cases' });
  }
  if (problems.count > 0) return refusal(problems);
  return { ok: true, cases };
}

const jsonlCaseSchema = z.strictObject({
  id: z.string().optional(),
  input: z.record(z.string(), z.unknown()),
  expected: z.string().nullable().optional(),
  tags: z.array(z.string()).max(20, 'at most 20 tags per case').optional(),
  notes: z.string().max(5000).optional(),
});

/** Parses JSON Lines into cases, or every problem with its line number and field. */
export function parseJsonlCases(text: string, options: ParseCasesOptions): ParsedCases {
  const limit = options.maxCases ?? MAX_SUITE_CASES;
  const problems = new Problems();
  const checkInput = compileCaseInputCheck(options.variables);
  const ids = new IdCheck(problems, options.existingIds);
  const cases: ValidCase[] = [];
  let row = 0;
  let start = 0;
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  while (start <= body.length) {
    const end = body.indexOf('\n', start);
    const line = body.slice(start, end === -1 ? body.length : end).trim();
    start = end === -1 ? body.length + 1 : end + 1;
    row += 1;
    if (line === '') continue;
    if (cases.length >= limit) return refusal(new Problems(), tooMany(limit));
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      problems.add({ row, message: `not valid JSON: ${(error as Error).message}` });
      cases.push({ input: {}, expected: null, tags: [], notes: '' });
      continue;
    }
    const parsed = jsonlCaseSchema.safeParse(value);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        if (issue.code === 'unrecognized_keys') {
          for (const key of issue.keys) problems.add({ row, column: key, message: `unknown field "${key}"` });
        } else {
          const column = issue.path.map(String).join('.') || undefined;
          problems.add({ row, ...(column ? { column } : {}), message: issue.message });
        }
      }
      cases.push({ input: {}, expected: null, tags: [], notes: '' });
      continue;
    }
    const draft: ValidCase = {
      input: {},
      expected: parsed.data.expected ?? null,
      tags: [],
      notes: parsed.data.notes ?? '',
    };
    if (parsed.data.id !== undefined && parsed.data.id.trim() !== '') {
      const id = ids.check(parsed.data.id, row);
      if (id !== undefined) draft.id = id;
    }
    for (const raw of parsed.data.tags ?? []) {
      const tag = caseTagSchema.safeParse(raw);
      if (!tag.success) {
        problems.add({
          row,
          column: 'tags',
          message: `tag "${raw}": ${tag.error.issues[0]?.message ?? 'invalid'}`,
        });
      } else if (!draft.tags.includes(tag.data)) draft.tags.push(tag.data);
    }
    const checked = checkInput(parsed.data.input);
    if (!checked.ok) {
      for (const p of checked.problems)
        problems.add({ row, column: `input.${p.column}`, message: p.message });
    } else draft.input = checked.input;
    cases.push(draft);
  }
  if (cases.length === 0 && problems.count === 0) problems.add({ message: 'the file has no cases' });
  if (problems.count > 0) return refusal(problems);
  return { ok: true, cases };
}

export function parseCases(format: ImportFormat, text: string, options: ParseCasesOptions): ParsedCases {
  return format === 'csv' ? parseCsvCases(text, options) : parseJsonlCases(text, options);
}

// ---------------------------------------------------------------------------
// Export
// ---------------------------------------------------------------------------

export interface ExportCase {
  caseId: string;
  input: unknown;
  expected: string | null;
  tags: string[];
  notes: string;
}

/** The CSV header: id, the variables (the prompt's, then any other stored ones), expected, tags, notes. */
export function csvColumns(variables: readonly Variable[], storedKeys: readonly string[]): string[] {
  const names = variables.map((v) => v.name);
  const extra = storedKeys.filter((k) => !names.includes(k)).sort();
  return ['id', ...names, ...extra, 'expected', 'tags', 'notes'];
}

/** A value in a CSV cell, written so that import reads it back by the variable's type. */
function cell(value: unknown, type: string | undefined): string {
  if (value === undefined || value === null) return '';
  if (type === 'json' || type === 'list') return JSON.stringify(value);
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

export function csvRows(
  cases: readonly ExportCase[],
  columns: readonly string[],
  variables: readonly Variable[],
): string {
  const types = new Map(variables.map((v) => [v.name, v.type]));
  const rows = cases.map((c) => {
    const input = (c.input ?? {}) as Record<string, unknown>;
    return columns.map((column) => {
      switch (column) {
        case 'id':
          return c.caseId;
        case 'expected':
          return c.expected ?? '';
        case 'tags':
          return c.tags.join(CSV_TAG_SEPARATOR);
        case 'notes':
          return c.notes;
        default:
          return cell(input[column], types.get(column));
      }
    });
  });
  return rows.length === 0 ? '' : `${Papa.unparse(rows, { header: false, newline: '\r\n' })}\r\n`;
}

export function csvHeader(columns: readonly string[]): string {
  return `${Papa.unparse([columns as string[]], { header: false, newline: '\r\n' })}\r\n`;
}

export function jsonlRows(cases: readonly ExportCase[]): string {
  return cases
    .map((c) =>
      JSON.stringify({
        id: c.caseId,
        input: c.input,
        ...(c.expected !== null ? { expected: c.expected } : {}),
        ...(c.tags.length > 0 ? { tags: c.tags } : {}),
        ...(c.notes !== '' ? { notes: c.notes } : {}),
      }),
    )
    .map((line) => `${line}\n`)
    .join('');
}

// ---------------------------------------------------------------------------
// Import and export against the database
// ---------------------------------------------------------------------------

/** Thrown for a refused import: the route answers 422 with `problems` (row/column) and `more`. */
export class ImportRefused extends LoomError {
  constructor(
    message: string,
    readonly problems: ImportProblem[],
    readonly more: number,
  ) {
    super('INVALID_INPUT', message, {
      issues: problems.map((p) => ({
        path: p.column ?? 'file',
        message: `${p.row !== undefined ? `Row ${p.row}` : 'File'}${p.column ? `, column "${p.column}"` : ''}: ${p.message}`,
      })),
    });
  }
}

/**
 * Imports a CSV or JSONL file into a new revision: `append` after the suite's cases (an id already in
 * the suite is a problem) or `replace` them. Everything or nothing: any problem throws ImportRefused.
 */
export async function importSuiteCases(
  db: PrismaClient,
  actor: { workspaceId: string; email: string },
  input: {
    suiteId: string;
    expectedRevision: number;
    format: ImportFormat;
    mode: 'append' | 'replace';
    text: string;
  },
): Promise<{ revision: number; imported: number; caseCount: number }> {
  const suite = await getSuite(db, actor.workspaceId, input.suiteId);
  if (suite.revision !== input.expectedRevision) {
    throw new LoomError(
      'CONFLICT',
      `This suite changed while you were importing: you started from revision ${input.expectedRevision}, and revision ${suite.revision} is now the latest. Reload, then import again.`,
    );
  }
  const { variables } = await loadPromptVariables(db, actor.workspaceId, suite.promptId);
  const current = await getSuiteRevision(db, actor.workspaceId, input.suiteId, suite.revision);
  const isAppend = input.mode === 'append';
  const parsed = parseCases(input.format, input.text, {
    variables,
    maxCases: isAppend ? Math.max(0, MAX_SUITE_CASES - current.caseCount) : MAX_SUITE_CASES,
    ...(isAppend
      ? { existingIds: await listCaseIds(db, actor.workspaceId, input.suiteId, suite.revision) }
      : {}),
  });
  if (!parsed.ok) throw new ImportRefused(parsed.message, parsed.problems, parsed.more);
  const n = parsed.cases.length;
  const result = await addSuiteCases(db, actor, {
    suiteId: input.suiteId,
    expectedRevision: input.expectedRevision,
    mode: input.mode,
    cases: parsed.cases,
    message: `${isAppend ? 'Imported' : 'Replaced the cases with'} ${n} ${n === 1 ? 'case' : 'cases'} (${input.format.toUpperCase()})`,
  });
  return { revision: result.revision, imported: n, caseCount: result.caseCount };
}

/** Rows read per query while exporting: memory stays flat whatever the suite's size. */
const EXPORT_BATCH = 1000;

/** A revision's cases as a streamed CSV or JSONL download (keyset-paged by position). */
export async function exportSuiteCases(
  db: PrismaClient,
  workspaceId: string,
  suiteId: string,
  format: ImportFormat,
  revision?: number,
): Promise<{ filename: string; contentType: string; body: ReadableStream<Uint8Array> }> {
  const suite = await getSuite(db, workspaceId, suiteId);
  const data = await getSuiteRevision(db, workspaceId, suiteId, revision ?? suite.revision);
  const { variables } = await loadPromptVariables(db, workspaceId, suite.promptId).catch(() => ({
    variables: [] as Variable[],
  }));
  let columns: string[] = [];
  if (format === 'csv') {
    const keys = await db.$queryRaw<{ key: string }[]>`
      SELECT DISTINCT jsonb_object_keys("input") AS key FROM "SuiteCase"
      WHERE "workspaceId" = ${workspaceId} AND "suiteId" = ${suiteId} AND "revision" = ${data.revision}`;
    columns = csvColumns(
      variables,
      keys.map((k) => k.key),
    );
  }
  const encoder = new TextEncoder();
  let after = -1;
  let isHeaderSent = false;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (format === 'csv' && !isHeaderSent) {
        isHeaderSent = true;
        controller.enqueue(encoder.encode(csvHeader(columns)));
        return;
      }
      const rows = await db.suiteCase.findMany({
        where: { workspaceId, suiteId, revision: data.revision, position: { gt: after } },
        orderBy: { position: 'asc' },
        take: EXPORT_BATCH,
        select: { caseId: true, position: true, input: true, expected: true, tags: true, notes: true },
      });
      if (rows.length === 0) {
        controller.close();
        return;
      }
      after = rows[rows.length - 1]?.position ?? after;
      controller.enqueue(
        encoder.encode(format === 'csv' ? csvRows(rows, columns, variables) : jsonlRows(rows)),
      );
    },
  });
  return {
    filename: exportFilename(suite.name, data.revision, format),
    contentType: EXPORT_CONTENT_TYPES[format],
    body,
  };
}

export const EXPORT_CONTENT_TYPES = {
  csv: 'text/csv; charset=utf-8',
  jsonl: 'application/x-ndjson; charset=utf-8',
} as const satisfies Record<ImportFormat, string>;

/** `<suite name as a slug>-r<revision>.<format>`: what the browser saves an export as. */
export function exportFilename(suiteName: string, revision: number, format: ImportFormat): string {
  const slug =
    suiteName
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'suite';
  return `${slug}-r${revision}.${format}`;
}
