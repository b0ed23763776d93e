import { describe, expect, it } from 'vitest';
import type { Variable } from '@/lib/loom/core/prompt';
import { blankChoice, initialSampleValues, toRunInput } from './sample-input';

const variables: Variable[] = [
  { name: 'name', type: 'string', required: true },
  { name: 'count', type: 'number', required: false, default: 3 },
  { name: 'loud', type: 'boolean', required: false, default: true },
  { name: 'tone', type: 'enum', required: false, values: ['warm', 'cold'], default: 'warm' },
  { name: 'tags', type: 'list', required: false, default: ['a', 'b'] },
  { name: 'meta', type: 'json', required: false, default: { k: 1 } },
];

describe('sample input', () => {
  it('starts from the first example, then defaults, as editable text', () => {
    expect(initialSampleValues(variables, [{ input: { name: 'Ada', count: 7 }, output: 'hi' }])).toEqual({
      name: 'Ada',
      count: '7',
      loud: true,
      tone: 'warm',
      tags: 'a\nb',
      meta: '{\n  "k": 1\n}',
    });
    expect(initialSampleValues(variables, [])).toMatchObject({ name: '', count: '3' });
  });

  it('leaves blank fields out of the input so defaults and missing-variable checks apply', () => {
    expect(
      toRunInput(variables, { name: '', count: '4', loud: false, tone: 'cold', tags: '', meta: '{}' }),
    ).toEqual({
      count: '4',
      loud: false,
      tone: 'cold',
      meta: '{}',
    });
  });
});

describe('blankChoice', () => {
  it('names the default a blank field stands for', () => {
    expect(blankChoice({ default: 'friendly' })).toBe('friendly (default)');
    expect(blankChoice({ default: false })).toBe('false (default)');
    expect(blankChoice({})).toBe('(none)');
  });
});
