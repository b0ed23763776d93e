import { z } from 'zod';
import { LoomError, promptIdSchema, promptSchema, type LoomIssue, type PromptData } from '../core';
import type { ListOptions, PromptSummary, SaveOptions } from './registry';

/** Labels are slugs so they fit URLs, file names and API parameters. */
export const LABEL_PATTERN = /^[a-z0-9][a-z0-9_-]*$/;
/** Long enough for "staging-eu-west-canary", short enough for a badge. */
export const MAX_LABEL_LENGTH = 50;
/** Same bound as the prompt's `message` field, so a save never fails after the version was chosen. */
export const MAX_AUTHOR_LENGTH = 200;

export function zodIssues(error: z.ZodError, prefix?: string): LoomIssue[] {
  return error.issues.map((issue) => {
    const path = [prefix, ...issue.path.map(String)].filter((part) => part !== undefined && part !== '');
    return { path: path.join('.'), message: issue.message };
  });
}

export function invalidInput(message: string, issues: LoomIssue[]): LoomError {
  return new LoomError('INVALID_INPUT', message, { issues });
}

export function validatePromptId(id: unknown): string {
  const parsed = promptIdSchema.safeParse(id);
  if (!parsed.success)
    throw invalidInput(`Invalid prompt id ${JSON.stringify(id)}`, zodIssues(parsed.error, 'id'));
  return parsed.data;
}

export function validateVersion(version: unknown): number {
  if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 1) {
    throw invalidInput(`Invalid version ${String(version)}`, [
      { path: 'version', message: 'must be a positive integer' },
    ]);
  }
  return version;
}

export function validateLabel(label: unknown): string {
  if (typeof label !== 'string' || label.length > MAX_LABEL_LENGTH || !LABEL_PATTERN.test(label)) {
    throw invalidInput(`Invalid label ${JSON.stringify(label)}`, [
      {
        path: 'label',
        message: `use lowercase letters, digits, "-" and "_", starting with a letter or digit, at most ${MAX_LABEL_LENGTH} characters`,
      },
    ]);
  }
  return label;
}

/** Version numbers are dense per prompt: 1 for a new prompt, then previous latest + 1. */
export function nextVersion(latest: number): number {
  return latest + 1;
}

/** Optimistic concurrency check; `latest` is 0 when the prompt does not exist yet. */
export function checkExpectedLatest(id: string, expectedLatest: number | undefined, latest: number): void {
  if (expectedLatest === undefined || expectedLatest === latest) return;
  throw new LoomError(
    'CONFLICT',
    expectedLatest === 0
      ? `Prompt "${id}" already exists (latest version ${latest})`
      : `Prompt "${id}" changed: latest version is ${latest}, not ${expectedLatest}`,
    { latest, expectedLatest },
  );
}

const saveOptionsSchema = z.object({
  author: z.string().min(1).max(MAX_AUTHOR_LENGTH).optional(),
  message: z.string().max(1000).optional(),
  expectedLatest: z.number().int().nonnegative().optional(),
});

/**
 * Validates a save: the input against `promptSchema` and the options. The registry owns `version`,
 * `createdAt`, `author` and `message`, so those fields of the input are ignored. The result is a
 * fresh deep copy whose values are all JSON, so every implementation stores exactly the same thing.
 */
export function normaliseForSave(input: unknown, options: SaveOptions = {}): PromptData {
  const { signal: _signal, ...rest } = options;
  const parsedOptions = saveOptionsSchema.safeParse(rest);
  if (!parsedOptions.success) {
    throw invalidInput('Invalid save options', zodIssues(parsedOptions.error));
  }
  const base = typeof input === 'object' && input !== null ? { ...input, version: 0 } : input;
  const parsed = promptSchema.safeParse(base);
  if (!parsed.success) {
    throw invalidInput('Invalid prompt', zodIssues(parsed.error));
  }
  const issues: LoomIssue[] = [];
  const { createdAt: _createdAt, author: _author, message: _message, ...data } = parsed.data;
  collectNonJson(data, '', issues);
  if (issues.length > 0) throw invalidInput('Prompt contains values that cannot be stored as JSON', issues);
  const result = copyPromptData(data);
  if (parsedOptions.data.author !== undefined) result.author = parsedOptions.data.author;
  if (parsedOptions.data.message !== undefined) result.message = parsedOptions.data.message;
  return result;
}

/** The stored form of a version: the validated data with its number and timestamp. */
export function stampVersion(data: PromptData, version: number, createdAt: Date): PromptData {
  return { ...copyPromptData(data), version, createdAt: new Date(createdAt.getTime()) };
}

/**
 * Deep copy of validated prompt data (JSON plus Dates). About 10x faster than structuredClone,
 * which matters because every registry read copies.
 */
export function copyPromptData(data: PromptData): PromptData {
  return copyJson(data) as PromptData;
}

function copyJson(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map(copyJson);
  if (value instanceof Date) return new Date(value.getTime());
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value)) copy[key] = copyJson((value as Record<string, unknown>)[key]);
  return copy;
}

function collectNonJson(value: unknown, path: string, issues: LoomIssue[]): void {
  const at = (key: string | number) => (path === '' ? String(key) : `${path}.${key}`);
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) issues.push({ path, message: 'must be a finite number' });
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, index) => collectNonJson(item, at(index), issues));
    return;
  }
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    for (const [key, item] of Object.entries(value)) {
      // Optional fields left undefined are simply absent once stored.
      if (item !== undefined) collectNonJson(item, at(key), issues);
    }
    return;
  }
  issues.push({
    path,
    message: `must be JSON (string, number, boolean, null, array or plain object), got ${describe(value)}`,
  });
}

function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'object') return value?.constructor?.name ?? 'object';
  return typeof value;
}

export function promptNotFound(id: string): LoomError {
  return new LoomError('NOT_FOUND', `Prompt "${id}" not found`, { id });
}

export function versionNotFound(id: string, version: number): LoomError {
  return new LoomError('NOT_FOUND', `Prompt "${id}" has no version ${version}`, { id, version });
}

export function labelNotFound(id: string, label: string): LoomError {
  return new LoomError('NOT_FOUND', `Prompt "${id}" has no label "${label}"`, { id, label });
}

const listOptionsSchema = z.object({
  search: z.string().max(200).optional(),
  tag: z.string().max(50).optional(),
  includeArchived: z.boolean().optional(),
});

export function validateListOptions(options: ListOptions = {}): ListOptions {
  const { signal: _signal, ...rest } = options;
  const parsed = listOptionsSchema.safeParse(rest);
  if (!parsed.success) throw invalidInput('Invalid list options', zodIssues(parsed.error));
  return parsed.data;
}

/** The `list` filter, shared so every implementation answers the same question the same way. */
export function matchesListOptions(summary: PromptSummary, options: ListOptions = {}): boolean {
  if (summary.archived && !options.includeArchived) return false;
  if (options.tag !== undefined && !summary.tags.includes(options.tag)) return false;
  const search = options.search?.trim().toLowerCase();
  if (search) {
    const haystack = [summary.id, summary.name, summary.description].join('\n').toLowerCase();
    if (!haystack.includes(search)) return false;
  }
  return true;
}

/** Most recently saved first; ties by id so the order is stable. */
export function compareSummaries(a: PromptSummary, b: PromptSummary): number {
  return b.updatedAt.getTime() - a.updatedAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}
