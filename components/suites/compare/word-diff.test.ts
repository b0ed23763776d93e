import { describe, expect, it } from 'vitest';
import { diffStats, MAX_DIFF_CELLS, tokenize, wordDiff } from './word-diff';

const side = (parts: ReturnType<typeof wordDiff>, keep: 'delete' | 'insert') =>
  parts
    .filter((p) => p.op === 'equal' || p.op === keep)
    .map((p) => p.text)
    .join('');

describe('wordDiff', () => {
  it('marks the changed words and keeps the rest', () => {
    const parts = wordDiff('The intent is billing.', 'The intent is refund.');
    expect(parts).toEqual([
      { op: 'equal', text: 'The intent is ' },
      { op: 'delete', text: 'billing' },
      { op: 'insert', text: 'refund' },
      { op: 'equal', text: '.' },
    ]);
    expect(diffStats(parts)).toEqual({ removed: 1, added: 1 });
  });

  it('is one equal part for identical texts and handles empty sides', () => {
    expect(wordDiff('same text', 'same text')).toEqual([{ op: 'equal', text: 'same text' }]);
    expect(wordDiff('', 'new')).toEqual([{ op: 'insert', text: 'new' }]);
    expect(wordDiff('old', '')).toEqual([{ op: 'delete', text: 'old' }]);
    expect(wordDiff('', '')).toEqual([]);
  });

  it('aligns words moved around insertions in the middle', () => {
    const before = 'alpha beta gamma delta';
    const after = 'alpha gamma beta delta epsilon';
    const parts = wordDiff(before, after);
    expect(side(parts, 'delete')).toBe(before);
    expect(side(parts, 'insert')).toBe(after);
    expect(parts.filter((p) => p.op === 'equal').map((p) => p.text.trim())).toContain('alpha');
  });

  it('keeps punctuation and unicode words apart', () => {
    expect(tokenize('Ça va, très bien!')).toEqual(['Ça', ' ', 'va', ',', ' ', 'très', ' ', 'bien', '!']);
  });

  it('falls back to replacing the middle when the texts are too long to align', () => {
    const size = Math.ceil(Math.sqrt(MAX_DIFF_CELLS));
    const before = `start ${Array.from({ length: size }, (_, i) => `a${i}`).join(' ')} end`;
    const after = `start ${Array.from({ length: size }, (_, i) => `b${i}`).join(' ')} end`;
    const parts = wordDiff(before, after);
    expect(parts.map((p) => p.op)).toEqual(['equal', 'delete', 'insert', 'equal']);
    expect(side(parts, 'delete')).toBe(before);
    expect(side(parts, 'insert')).toBe(after);
  });
});
