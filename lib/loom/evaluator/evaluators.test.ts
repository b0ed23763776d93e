import { describe, expect, it } from 'vitest';
import { compileEvaluators, type EvaluatorConfigInput, parseSuite } from './index';

async function score(config: EvaluatorConfigInput, output: string, expected?: string) {
  const suite = parseSuite({
    id: 's',
    name: 's',
    cases: [{ id: 'c', input: {}, expected }],
    evaluators: [config],
  });
  const [evaluator] = compileEvaluators(suite);
  const testCase = suite.cases[0];
  if (!evaluator || !testCase) throw new Error('no evaluator');
  return evaluator.evaluate({ output, testCase });
}

describe('exactMatch', () => {
  it('trims by default and is case-sensitive unless asked', async () => {
    expect(await score({ kind: 'exactMatch' }, '  Paris \n', 'Paris')).toMatchObject({
      score: 1,
      pass: true,
    });
    expect(await score({ kind: 'exactMatch' }, 'paris', 'Paris')).toMatchObject({ score: 0, pass: false });
    expect(await score({ kind: 'exactMatch', ignoreCase: true }, 'PARIS', 'Paris')).toMatchObject({
      pass: true,
    });
    expect(await score({ kind: 'exactMatch', trim: false }, 'Paris ', 'Paris')).toMatchObject({
      pass: false,
    });
  });

  it('explains a mismatch and can compare with a fixed value', async () => {
    const result = await score({ kind: 'exactMatch' }, 'Lyon', 'Paris');
    expect(result.reason).toBe('expected "Paris", got "Lyon"');
    expect(await score({ kind: 'exactMatch', value: 'OK' }, 'OK')).toMatchObject({ pass: true });
  });
});

describe('contains', () => {
  it('needs all of allOf, scoring the fraction found', async () => {
    const result = await score(
      { kind: 'contains', allOf: ['red', 'green', 'blue', 'black'] },
      'red, green and blue',
    );
    expect(result).toMatchObject({ score: 0.75, pass: false });
    expect(result.reason).toContain('"black"');
  });

  it('needs one of anyOf, with case folding', async () => {
    expect(
      await score({ kind: 'contains', anyOf: ['yes', 'yeah'], ignoreCase: true }, 'YEAH sure'),
    ).toMatchObject({
      score: 1,
      pass: true,
    });
    expect(await score({ kind: 'contains', anyOf: ['yes', 'yeah'] }, 'YEAH sure')).toMatchObject({
      score: 0,
      pass: false,
    });
  });

  it('falls back to the expected text', async () => {
    expect(await score({ kind: 'contains' }, 'The capital is Paris.', 'Paris')).toMatchObject({ pass: true });
  });
});

describe('regex', () => {
  it('matches with flags, and can be negated', async () => {
    expect(
      await score({ kind: 'regex', pattern: '^\\d{4}-\\d{2}-\\d{2}$', flags: 'm' }, 'date:\n2024-01-31'),
    ).toMatchObject({
      pass: true,
    });
    expect(
      await score({ kind: 'regex', pattern: 'sorry', flags: 'i', negate: true }, 'Sorry, I cannot'),
    ).toMatchObject({
      pass: false,
    });
  });
});

describe('validJson', () => {
  it('accepts JSON, rejects prose, and accepts a code fence only when allowed', async () => {
    expect(await score({ kind: 'validJson' }, '{"a": 1}')).toMatchObject({ pass: true });
    expect((await score({ kind: 'validJson' }, 'Here you go: {"a": 1}')).reason).toMatch(/^not valid JSON/);
    const fenced = '```json\n{"a": 1}\n```';
    expect(await score({ kind: 'validJson' }, fenced)).toMatchObject({ pass: false });
    expect(await score({ kind: 'validJson', allowCodeFence: true }, fenced)).toMatchObject({ pass: true });
  });
});

describe('jsonSchema', () => {
  const schema = {
    type: 'object',
    required: ['name', 'age'],
    properties: { name: { type: 'string' }, age: { type: 'integer', minimum: 0 } },
  };

  it('passes conforming output and names each violation', async () => {
    expect(await score({ kind: 'jsonSchema', schema }, '{"name":"Ada","age":36}')).toMatchObject({
      pass: true,
      score: 1,
    });
    const bad = await score({ kind: 'jsonSchema', schema }, '{"age":-1}');
    expect(bad.pass).toBe(false);
    expect(bad.reason).toContain("must have required property 'name'");
    expect(bad.reason).toContain('/age must be >= 0');
  });

  it('fails output that is not JSON at all', async () => {
    expect((await score({ kind: 'jsonSchema', schema }, 'nope')).reason).toMatch(/^not valid JSON/);
  });
});
