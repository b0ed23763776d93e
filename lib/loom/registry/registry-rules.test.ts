import { describe, expect, it } from 'vitest';
import { isLoomError } from '../core';
import { samplePrompt } from '../testing/registry-contract';
import {
  checkExpectedLatest,
  copyPromptData,
  matchesListOptions,
  nextVersion,
  normaliseForSave,
  stampVersion,
  validateLabel,
} from './registry-rules';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return isLoomError(error) ? error.code : 'not a LoomError';
  }
  return undefined;
}

describe('registry rules', () => {
  it('numbers versions densely from 1', () => {
    expect(nextVersion(0)).toBe(1);
    expect(nextVersion(41)).toBe(42);
  });

  it('accepts production, staging and custom slug labels only', () => {
    for (const label of ['production', 'staging', 'canary_eu-1', '2026-q4'])
      expect(validateLabel(label)).toBe(label);
    for (const label of ['', 'Production', '-x', '_x', 'a b', 'a/b', 'x'.repeat(51), 42]) {
      expect(
        codeOf(() => validateLabel(label)),
        String(label),
      ).toBe('INVALID_INPUT');
    }
  });

  it('passes a matching or absent expectedLatest and reports the latest on conflict', () => {
    expect(() => checkExpectedLatest('p', undefined, 3)).not.toThrow();
    expect(() => checkExpectedLatest('p', 3, 3)).not.toThrow();
    try {
      checkExpectedLatest('p', 0, 3);
      expect.unreachable();
    } catch (error) {
      expect(isLoomError(error, 'CONFLICT') && error.details).toEqual({ latest: 3, expectedLatest: 0 });
      expect((error as Error).message).toContain('already exists');
    }
  });

  it('normalises a save: defaults filled, registry-owned fields replaced, nothing shared with the input', () => {
    const input = { ...samplePrompt('n'), author: 'forged', createdAt: new Date(0) };
    const data = normaliseForSave(input, { author: 'ana' });
    expect(data).toMatchObject({ id: 'n', version: 0, author: 'ana' });
    expect(data.createdAt).toBeUndefined();
    expect(data.message).toBeUndefined();
    (input.examples?.[0]?.input as { ticket: string }).ticket = 'changed';
    expect(data.examples[0]!.input.ticket).toBe('Printer on fire');
  });

  it('stamps a version with a copy of its date and data', () => {
    const data = normaliseForSave(samplePrompt('s'));
    const at = new Date('2026-01-01T00:00:00Z');
    const stamped = stampVersion(data, 7, at);
    at.setFullYear(2000);
    data.tags.push('later');
    expect(stamped).toMatchObject({
      version: 7,
      createdAt: new Date('2026-01-01T00:00:00Z'),
      tags: ['support', 'summary'],
    });
  });

  it('copies prompt data deeply, dates included', () => {
    const original = stampVersion(normaliseForSave(samplePrompt('c')), 1, new Date(5));
    const copy = copyPromptData(original);
    expect(copy).toEqual(original);
    copy.createdAt!.setTime(99);
    (copy.metadata.flags as unknown[]).push('x');
    expect(original.createdAt!.getTime()).toBe(5);
    expect(original.metadata.flags).toEqual([1, 'two', false]);
  });

  it('filters summaries the same way for every registry', () => {
    const summary = {
      id: 'greet',
      name: 'Greeter',
      description: 'Says hello',
      tags: ['x'],
      latestVersion: 1,
      labels: {},
      archived: true,
      updatedAt: new Date(),
    };
    expect(matchesListOptions(summary)).toBe(false);
    expect(matchesListOptions(summary, { includeArchived: true, search: '  HELLO ' })).toBe(true);
    expect(matchesListOptions(summary, { includeArchived: true, tag: 'y' })).toBe(false);
  });
});
