// A word-level diff of two outputs (baseline → candidate), small enough to test and to run in the
// browser: the common start and end are trimmed, the middle is aligned by a longest common
// subsequence of tokens (words and the whitespace between them).

export type DiffOp = 'equal' | 'delete' | 'insert';
export interface DiffPart {
  op: DiffOp;
  text: string;
}

/** Above this many table cells (tokens × tokens of the changed middle) the middle is shown as replaced wholesale. */
export const MAX_DIFF_CELLS = 4_000_000;

export function tokenize(text: string): string[] {
  return text.match(/\s+|[\p{L}\p{N}_]+|[^\s\p{L}\p{N}_]/gu) ?? [];
}

function push(parts: DiffPart[], op: DiffOp, text: string): void {
  if (!text) return;
  const last = parts[parts.length - 1];
  if (last && last.op === op) last.text += text;
  else parts.push({ op, text });
}

/** Word diff from `before` to `after`; joining the equal+delete parts gives `before`, equal+insert gives `after`. */
export function wordDiff(before: string, after: string): DiffPart[] {
  const a = tokenize(before);
  const b = tokenize(after);
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const parts: DiffPart[] = [];
  push(parts, 'equal', a.slice(0, start).join(''));
  const n = endA - start;
  const m = endB - start;
  if (n > 0 && m > 0 && (n + 1) * (m + 1) <= MAX_DIFF_CELLS) {
    // lcs[i][j]: length of the LCS of a[start+i..endA) and b[start+j..endB).
    const width = m + 1;
    const lcs = new Uint32Array((n + 1) * width);
    for (let i = n - 1; i >= 0; i--) {
      for (let j = m - 1; j >= 0; j--) {
        lcs[i * width + j] =
          a[start + i] === b[start + j]
            ? (lcs[(i + 1) * width + j + 1] ?? 0) + 1
            : Math.max(lcs[(i + 1) * width + j] ?? 0, lcs[i * width + j + 1] ?? 0);
      }
    }
    let i = 0;
    let j = 0;
    while (i < n && j < m) {
      const x = a[start + i] ?? '';
      if (x === b[start + j]) {
        push(parts, 'equal', x);
        i++;
        j++;
      } else if ((lcs[(i + 1) * width + j] ?? 0) >= (lcs[i * width + j + 1] ?? 0)) {
        push(parts, 'delete', x);
        i++;
      } else {
        push(parts, 'insert', b[start + j] ?? '');
        j++;
      }
    }
    push(parts, 'delete', a.slice(start + i, endA).join(''));
    push(parts, 'insert', b.slice(start + j, endB).join(''));
  } else {
    push(parts, 'delete', a.slice(start, endA).join(''));
    push(parts, 'insert', b.slice(start, endB).join(''));
  }
  push(parts, 'equal', a.slice(endA).join(''));
  return parts;
}

/** Words removed and added, for a one-line summary of a diff. */
export function diffStats(parts: readonly DiffPart[]): { removed: number; added: number } {
  const words = (text: string) => tokenize(text).filter((t) => /[\p{L}\p{N}]/u.test(t)).length;
  let removed = 0;
  let added = 0;
  for (const part of parts) {
    if (part.op === 'delete') removed += words(part.text);
    if (part.op === 'insert') added += words(part.text);
  }
  return { removed, added };
}
