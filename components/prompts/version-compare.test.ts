import { describe, expect, it } from 'vitest';
import type { VersionRow, VersionSection, VersionText } from './types';
import { comparePairFor, sectionChanges } from './version-compare';

const row = (version: number): VersionRow => ({
  version,
  author: null,
  message: null,
  createdAt: '2026-01-01T00:00:00.000Z',
  labels: [],
});

function text(version: number, parts: Partial<Record<VersionSection['key'], string>>): VersionText {
  const keys = ['system', 'user', 'variables', 'examples', 'settings'] as const;
  return {
    version,
    text: '',
    sections: keys.map((key) => ({ key, title: key, text: parts[key] ?? '' })),
  };
}

describe('comparePairFor', () => {
  const versions = [row(3), row(2), row(1)];

  it('compares a version with the one before it', () => {
    expect(comparePairFor(versions, 3)).toEqual({ from: 2, to: 3 });
  });

  it('compares v1 with the version after it, never with itself', () => {
    expect(comparePairFor(versions, 1)).toEqual({ from: 1, to: 2 });
  });

  it('has nothing else to pair the only version with', () => {
    expect(comparePairFor([row(1)], 1)).toEqual({ from: 1, to: 1 });
  });
});

describe('sectionChanges', () => {
  it('puts the changed sections first, templates before variables and settings', () => {
    const changes = sectionChanges(
      text(1, { system: 'a', user: 'b', settings: 'x' }),
      text(2, { system: 'a', user: 'B', settings: 'y' }),
    );
    expect(changes.map((c) => [c.section.key, c.isChanged])).toEqual([
      ['user', true],
      ['settings', true],
      ['system', false],
      ['variables', false],
      ['examples', false],
    ]);
    expect(changes[0]?.before).toBe('b');
  });
});
