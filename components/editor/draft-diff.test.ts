import { describe, expect, it } from 'vitest';
import { diffDrafts, diffLines } from './draft-diff';
import type { EditorDraft } from './types';

const base: EditorDraft = {
  name: 'P',
  description: '',
  tags: [],
  system: 'Be brief.',
  user: 'Hello {{ name }}\nBye',
  variables: [{ name: 'name', type: 'string', required: true }],
  examples: [],
  model: { provider: 'openai', model: 'gpt-4o-mini' },
};

describe('diffLines', () => {
  it('keeps common lines and shows a replaced line as removed then added', () => {
    expect(diffLines('a\nb\nc', 'a\nB\nc')).toEqual([
      { kind: 'same', text: 'a' },
      { kind: 'removed', text: 'b' },
      { kind: 'added', text: 'B' },
      { kind: 'same', text: 'c' },
    ]);
  });

  it('handles insertions at the ends', () => {
    expect(diffLines('x', 'w\nx\ny').map((l) => l.kind)).toEqual(['added', 'same', 'added']);
  });
});

describe('diffDrafts', () => {
  it('lists only the fields that changed', () => {
    const changes = diffDrafts(base, {
      ...base,
      user: 'Hi {{ name }}\nBye',
      model: { ...base.model, temperature: 0.5 },
    });
    expect(changes.map((c) => c.field)).toEqual(['User template', 'Model settings']);
    expect(changes[0]?.lines).toEqual([
      { kind: 'removed', text: 'Hello {{ name }}' },
      { kind: 'added', text: 'Hi {{ name }}' },
      { kind: 'same', text: 'Bye' },
    ]);
  });

  it('finds nothing between equal drafts', () => {
    expect(diffDrafts(base, structuredClone(base))).toEqual([]);
  });
});
