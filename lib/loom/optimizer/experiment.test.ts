import { describe, expect, it } from 'vitest';
import { isLoomError, type LoomError } from '../core';
import { parseExperiment, type ExperimentInput } from './experiment';

const valid: ExperimentInput = {
  id: 'exp-1',
  promptId: 'support-reply',
  variants: [
    { name: 'control', version: 1, weight: 1 },
    { name: 'shorter', version: 2, weight: 1 },
  ],
  metric: { kind: 'binary' },
};

function issuesOf(input: unknown): { path?: string; message: string }[] {
  try {
    parseExperiment(input);
  } catch (error) {
    expect(isLoomError(error, 'INVALID_INPUT')).toBe(true);
    return (error as LoomError).details.issues ?? [];
  }
  throw new Error('expected INVALID_INPUT');
}

describe('parseExperiment', () => {
  it('fills defaults for a valid experiment', () => {
    const experiment = parseExperiment(valid);
    expect(experiment.confidence).toBe(0.95);
    expect(experiment.minSamplesPerArm).toBe(100);
    expect(experiment.status).toBe('running');
    expect(experiment.metric).toEqual({ kind: 'binary', goal: 'increase' });
  });

  it.each([
    ['negative', -1],
    ['NaN', Number.NaN],
    ['infinite', Number.POSITIVE_INFINITY],
  ])('rejects a %s weight and names the variant', (_, weight) => {
    const issues = issuesOf({ ...valid, variants: [valid.variants[0], { name: 'b', version: 2, weight }] });
    expect(issues.some((issue) => issue.path === 'variants.1.weight')).toBe(true);
  });

  it('rejects weights summing to zero', () => {
    const issues = issuesOf({
      ...valid,
      variants: [
        { name: 'a', version: 1, weight: 0 },
        { name: 'b', version: 2, weight: 0 },
      ],
    });
    expect(issues).toContainEqual({
      path: 'variants',
      message: 'weights must sum to a positive finite number',
    });
  });

  it('needs two variants with distinct names and versions', () => {
    expect(issuesOf({ ...valid, variants: [valid.variants[0]] })[0]?.path).toBe('variants');
    const issues = issuesOf({
      ...valid,
      variants: [
        { name: 'a', version: 1, weight: 1 },
        { name: 'a', version: 1, weight: 1 },
      ],
    });
    expect(issues.map((issue) => issue.path).sort()).toEqual(['variants.1.name', 'variants.1.version']);
  });

  it.each([0.5, 1, 0.2, 1.5])('rejects confidence %s', (confidence) => {
    expect(issuesOf({ ...valid, confidence }).map((issue) => issue.path)).toEqual(['confidence']);
  });

  it('rejects an unknown metric kind', () => {
    expect(issuesOf({ ...valid, metric: { kind: 'ratio' } })[0]?.path).toBe('metric.kind');
  });
});
