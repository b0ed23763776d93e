import { describe, expect, it } from 'vitest';
import { LoomError } from '../core';
import { compileEvaluators, parseSuite } from './index';

function rejection(fn: () => unknown): LoomError {
  try {
    fn();
  } catch (error) {
    if (error instanceof LoomError) return error;
    throw error;
  }
  throw new Error('expected a LoomError');
}

const validSuite = {
  id: 'greetings',
  name: 'Greetings',
  cases: [{ id: 'c1', input: { name: 'Ada' }, expected: 'Hello Ada' }],
  evaluators: [{ kind: 'exactMatch' }],
};

describe('parseSuite', () => {
  it('accepts a valid suite and applies evaluator defaults', () => {
    const suite = parseSuite(validSuite);
    expect(suite.evaluators[0]).toEqual({ kind: 'exactMatch', trim: true, ignoreCase: false });
    expect(suite.cases[0]?.tags).toEqual([]);
  });

  it('rejects an unknown evaluator kind with the path of the problem', () => {
    const error = rejection(() =>
      parseSuite({ ...validSuite, evaluators: [{ kind: 'exactMatch' }, { kind: 'vibes' }] }),
    );
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.details.issues).toEqual([expect.objectContaining({ path: 'evaluators.1.kind' })]);
  });

  it('reports every malformed field with its path', () => {
    const error = rejection(() =>
      parseSuite({
        id: '',
        name: 'x',
        cases: [{ id: 'a', input: 'not an object' }],
        evaluators: [{ kind: 'llmJudge', threshold: 2 }],
      }),
    );
    expect(error.details.issues?.map((i) => i.path).sort()).toEqual([
      'cases.0.input',
      'evaluators.0.threshold',
      'id',
    ]);
  });

  it('rejects unknown fields, so a typo is not silently ignored', () => {
    const error = rejection(() =>
      parseSuite({
        ...validSuite,
        cases: [{ id: 'c1', input: {}, expected: 'x', expect: 'y' }],
        evaluators: [{ kind: 'contains', allof: ['a'] }],
      }),
    );
    expect(error.details.issues).toEqual([
      { path: 'cases.0.expect', message: 'unknown field "expect"' },
      { path: 'evaluators.0.allof', message: 'unknown field "allof"' },
    ]);
  });

  it('rejects duplicate case ids and evaluator names', () => {
    const error = rejection(() =>
      parseSuite({
        ...validSuite,
        cases: [...validSuite.cases, { id: 'c1', input: {}, expected: 'x' }],
        evaluators: [
          { kind: 'validJson', name: 'json' },
          { kind: 'regex', pattern: 'a', name: 'json' },
        ],
      }),
    );
    expect(error.details.issues?.map((i) => i.path)).toEqual(['cases.1.id', 'evaluators.1.name']);
  });

  it('rejects a case without expected when an evaluator compares with it', () => {
    const error = rejection(() => parseSuite({ ...validSuite, cases: [{ id: 'c1', input: {} }] }));
    expect(error.details.issues).toEqual([expect.objectContaining({ path: 'cases.0.expected' })]);
  });

  it('rejects regex flags that would make matching stateful', () => {
    const error = rejection(() =>
      parseSuite({ ...validSuite, evaluators: [{ kind: 'regex', pattern: 'a', flags: 'g' }] }),
    );
    expect(error.details.issues).toEqual([expect.objectContaining({ path: 'evaluators.0.flags' })]);
  });
});

describe('compileEvaluators', () => {
  it('rejects an invalid regex naming the evaluator and field', () => {
    const suite = parseSuite({
      ...validSuite,
      evaluators: [{ kind: 'regex', name: 'has-date', pattern: '([0-9' }],
    });
    const error = rejection(() => compileEvaluators(suite));
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toContain('has-date');
    expect(error.details).toMatchObject({
      evaluator: 'has-date',
      issues: [{ path: 'evaluators.0.pattern' }],
    });
  });

  it('rejects an invalid JSON Schema', () => {
    const suite = parseSuite({
      ...validSuite,
      evaluators: [{ kind: 'jsonSchema', schema: { type: 'nonsense' } }],
    });
    const error = rejection(() => compileEvaluators(suite));
    expect(error.details).toMatchObject({
      evaluator: 'jsonSchema',
      issues: [{ path: 'evaluators.0.schema' }],
    });
  });

  it('requires a judge for an llmJudge evaluator', () => {
    const suite = parseSuite({ ...validSuite, evaluators: [{ kind: 'llmJudge' }] });
    expect(rejection(() => compileEvaluators(suite)).details.issues).toEqual([
      expect.objectContaining({ path: 'evaluators.0' }),
    ]);
  });
});
