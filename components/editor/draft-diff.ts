import type { EditorDraft } from './types';

export interface DiffLine {
  kind: 'same' | 'removed' | 'added';
  text: string;
}

export interface FieldDiff {
  field: string;
  lines: DiffLine[];
}

/** Beyond this many line pairs the LCS table gets costly: show the field as replaced instead. */
const MAX_LCS_CELLS = 4_000_000;

/** A line diff by longest common subsequence: removed lines come before the added ones that replace them. */
export function diffLines(before: string, after: string): DiffLine[] {
  const a = before.split('\n');
  const b = after.split('\n');
  if (a.length * b.length > MAX_LCS_CELLS) {
    return [
      ...a.map((text) => ({ kind: 'removed' as const, text })),
      ...b.map((text) => ({ kind: 'added' as const, text })),
    ];
  }
  // lcs[i][j] = length of the LCS of a[i..] and b[j..], in one flat array.
  const width = b.length + 1;
  const lcs = new Uint32Array((a.length + 1) * width);
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i * width + j] =
        a[i] === b[j]
          ? (lcs[(i + 1) * width + j + 1] ?? 0) + 1
          : Math.max(lcs[(i + 1) * width + j] ?? 0, lcs[i * width + j + 1] ?? 0);
    }
  }
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      out.push({ kind: 'same', text: a[i] ?? '' });
      i++;
      j++;
    } else if (
      i < a.length &&
      (j === b.length || (lcs[(i + 1) * width + j] ?? 0) >= (lcs[i * width + j + 1] ?? 0))
    ) {
      out.push({ kind: 'removed', text: a[i] ?? '' });
      i++;
    } else {
      out.push({ kind: 'added', text: b[j] ?? '' });
      j++;
    }
  }
  return out;
}

function fieldText(draft: EditorDraft, field: keyof EditorDraft): string {
  const value = draft[field];
  return typeof value === 'string' ? value : JSON.stringify(value, null, 2);
}

const FIELDS: { key: keyof EditorDraft; label: string }[] = [
  { key: 'name', label: 'Name' },
  { key: 'description', label: 'Description' },
  { key: 'tags', label: 'Tags' },
  { key: 'system', label: 'System template' },
  { key: 'user', label: 'User template' },
  { key: 'variables', label: 'Variables' },
  { key: 'examples', label: 'Examples' },
  { key: 'model', label: 'Model settings' },
];

/** The fields that differ between two drafts, each with its line diff. */
export function diffDrafts(before: EditorDraft, after: EditorDraft): FieldDiff[] {
  return FIELDS.flatMap(({ key, label }) => {
    const a = fieldText(before, key);
    const b = fieldText(after, key);
    return a === b ? [] : [{ field: label, lines: diffLines(a, b) }];
  });
}
