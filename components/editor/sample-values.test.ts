import { describe, expect, it } from 'vitest';
import type { Variable } from '@/lib/loom/core/prompt';
import { initialSampleValues, sampleInputFor } from './sample-values';

const variables: Variable[] = [
  { name: 'topic', type: 'string', required: true },
  { name: 'tone', type: 'enum', values: ['warm', 'dry'], required: false, default: 'warm' },
  { name: 'points', type: 'list', required: false },
  { name: 'note', type: 'string', required: false },
];
const examples = [{ input: { topic: 'tides', points: ['moon', 'sun'] }, output: 'ok' }];

describe('the editor sample input', () => {
  it('opens with the first example, else the default, else blank', () => {
    expect(initialSampleValues(variables, examples)).toEqual({
      topic: 'tides',
      tone: 'warm',
      points: 'moon\nsun',
      note: '',
    });
  });

  it('renders with the user edits over the prefill and leaves blank fields out', () => {
    expect(sampleInputFor(variables, examples, { topic: 'stars', tone: '' })).toEqual({
      topic: 'stars',
      points: 'moon\nsun',
    });
  });
});
