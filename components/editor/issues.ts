import type { EditorIssue } from './types';

/** Messages of the issues at `path` or below it (`variables.1` matches `variables.1.default`). */
export function issuesAt(issues: readonly EditorIssue[], path: string): string[] {
  return issues
    .filter((issue) => issue.path === path || issue.path.startsWith(`${path}.`))
    .map((issue) => issue.message);
}

/** A save's field errors as issues; the action nests the draft under `draft.`. */
export function issuesFromFieldErrors(fieldErrors: Record<string, string[]> | undefined): EditorIssue[] {
  return Object.entries(fieldErrors ?? {}).flatMap(([path, messages]) =>
    messages.map((message) => ({ path: path.replace(/^draft\./, ''), message })),
  );
}

/** Both lists without repeats: a save refused for a problem the preview already shows says it once. */
export function mergeIssues(...lists: readonly (readonly EditorIssue[])[]): EditorIssue[] {
  const seen = new Set<string>();
  return lists.flat().filter((issue) => {
    const key = `${issue.path}\u0000${issue.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** A stored default as the text the table edits ("" when absent). */
export function valueText(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}
