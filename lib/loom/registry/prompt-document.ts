import {
  isCollection,
  isMap,
  isNode,
  isScalar,
  LineCounter,
  parseDocument,
  stringify,
  type Document,
} from 'yaml';
import { LoomError, promptSchema, type LoomIssue, type PromptData } from '../core';

/** Field order of a document: what a reader wants first, long texts last. */
const FIELD_ORDER = [
  'id',
  'version',
  'name',
  'description',
  'tags',
  'model',
  'variables',
  'system',
  'user',
  'examples',
  'metadata',
  'author',
  'message',
  'createdAt',
] as const satisfies readonly (keyof PromptData)[];

const KNOWN_FIELDS = new Set<string>(Object.keys(promptSchema.shape));

/**
 * The studio's import/export format: one YAML document whose fields are `PromptData`
 * (`createdAt` as an ISO 8601 string). Multi-line templates are written as literal blocks.
 */
export function serializePromptDocument(data: PromptData): string {
  const ordered: Record<string, unknown> = {};
  for (const field of FIELD_ORDER) {
    const value = data[field];
    if (value === undefined) continue;
    ordered[field] = value instanceof Date ? value.toISOString() : value;
  }
  return stringify(ordered, { lineWidth: 0, blockQuote: 'literal', aliasDuplicateObjects: false });
}

export interface ParsePromptDocumentOptions {
  /** Where the text came from (a file path or upload name), quoted in errors. */
  path?: string;
}

/**
 * Parses and validates one prompt document. A missing `version` means 0 (not yet saved).
 * Throws INVALID_INPUT whose `details.issues` name each bad field with its line and column.
 */
export function parsePromptDocument(text: string, options: ParsePromptDocumentOptions = {}): PromptData {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw invalidDocument(options, 'is not valid YAML', yamlErrorIssues(doc));
  }
  return promptFromYaml({ doc, node: doc.contents, lineCounter }, options);
}

/** One prompt's YAML, already parsed, possibly out of a larger text (an item of a file's sequence). */
export interface ParsedPromptYaml {
  /** The document the node belongs to: it resolves aliases. */
  doc: Document;
  node: unknown;
  /** Maps the node's offsets to lines and columns of the whole text. */
  lineCounter: LineCounter;
}

/** The line and column of each of `doc`'s YAML syntax errors, for INVALID_INPUT issues. */
function yamlErrorIssues(doc: Document): LoomIssue[] {
  return doc.errors.map((error) => {
    const pos = error.linePos?.[0];
    return { message: error.message.split('\n')[0] ?? error.message, line: pos?.line, column: pos?.col };
  });
}

function invalidDocument(options: ParsePromptDocumentOptions, message: string, issues: LoomIssue[]) {
  const where = options.path === undefined ? 'Prompt document' : `Prompt document ${options.path}`;
  return new LoomError('INVALID_INPUT', `${where}: ${message}`, {
    issues,
    ...(options.path === undefined ? {} : { file: options.path }),
  });
}

/**
 * Validates one parsed prompt in place, without copying its text: issues carry the line and
 * column of the whole text the node was parsed from. Same rules and errors as `parsePromptDocument`.
 */
export function promptFromYaml(
  { doc, node, lineCounter }: ParsedPromptYaml,
  options: ParsePromptDocumentOptions = {},
): PromptData {
  const fail = (message: string, issues: LoomIssue[]) => invalidDocument(options, message, issues);
  const locate = (path: readonly PropertyKey[]): Pick<LoomIssue, 'line' | 'column'> => {
    // Walk up to the nearest node that exists (a missing field is reported at its parent).
    for (let depth = path.length; depth >= 0; depth--) {
      const found: unknown =
        depth === 0 ? node : isCollection(node) ? node.getIn(path.slice(0, depth), true) : undefined;
      const offset = isNode(found) ? found.range?.[0] : undefined;
      if (offset !== undefined) {
        const pos = lineCounter.linePos(offset);
        return { line: pos.line, column: pos.col };
      }
    }
    return {};
  };

  const locateKey = (key: string): Pick<LoomIssue, 'line' | 'column'> => {
    const pair = isMap(node)
      ? node.items.find((item) => isScalar(item.key) && item.key.value === key)
      : undefined;
    const offset = isNode(pair?.key) ? pair.key.range?.[0] : undefined;
    if (offset === undefined) return locate([key]);
    const pos = lineCounter.linePos(offset);
    return { line: pos.line, column: pos.col };
  };

  const raw: unknown = isNode(node) ? node.toJS(doc) : node;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw fail('must be a mapping of prompt fields', [
      { path: '', message: 'expected a mapping', ...locate([]) },
    ]);
  }
  const record = raw as Record<string, unknown>;
  const issues: LoomIssue[] = [];
  for (const key of Object.keys(record)) {
    if (!KNOWN_FIELDS.has(key)) issues.push({ path: key, message: 'unknown field', ...locateKey(key) });
  }
  const candidate: Record<string, unknown> = { version: 0, ...record };
  if (typeof record.createdAt === 'string') {
    const date = new Date(record.createdAt);
    if (Number.isNaN(date.getTime())) {
      issues.push({ path: 'createdAt', message: 'must be an ISO 8601 date', ...locate(['createdAt']) });
    } else {
      candidate.createdAt = date;
    }
  }
  const parsed = promptSchema.safeParse(candidate);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const path = issue.path.map(String);
      if (path[0] === 'createdAt' && issues.some((known) => known.path === 'createdAt')) continue;
      issues.push({ path: path.join('.'), message: issue.message, ...locate(issue.path) });
    }
  }
  if (issues.length > 0 || !parsed.success) {
    const first = issues[0];
    const at = first?.line === undefined ? '' : ` (line ${first.line}, column ${first.column})`;
    throw fail(`invalid field "${first?.path ?? ''}": ${first?.message ?? 'invalid'}${at}`, issues);
  }
  return parsed.data;
}
