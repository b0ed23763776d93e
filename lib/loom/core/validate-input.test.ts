import { describe, expect, it } from 'vitest';
import { LoomError } from './errors';
import type { Variable } from './prompt';
import { compileInputValidator, validateInput } from './validate-input';

const v = (name: string, type: Variable['type'], extra: Partial<Variable> = {}): Variable => ({
  name,
  type,
  required: false,
  ...extra,
});

function errorOf(fn: () => unknown): LoomError {
  try {
    fn();
  } catch (error) {
    if (error instanceof LoomError) return error;
    throw error;
  }
  throw new Error('expected a LoomError');
}

describe('validateInput coercion', () => {
  it('coerces numbers from decimal strings and rejects empty-looking or non-numeric text', () => {
    const vars = [v('n', 'number')];
    expect(validateInput(vars, { n: '42' }).n).toBe(42);
    expect(validateInput(vars, { n: '4.5' }).n).toBe(4.5);
    expect(validateInput(vars, { n: ' -3e2 ' }).n).toBe(-300);
    expect(validateInput(vars, { n: 7 }).n).toBe(7);
    for (const bad of ['abc', '4.5.6', '0x10', 'Infinity', '   ', '1,5']) {
      expect(errorOf(() => validateInput(vars, { n: bad })).code).toBe('INVALID_INPUT');
    }
    expect(errorOf(() => validateInput(vars, { n: Number.NaN })).details.issues?.[0]?.variable).toBe('n');
  });

  it('treats "" as absent: an optional number given "" is simply left out', () => {
    const out = validateInput([v('n', 'number'), v('s', 'string')], { n: '', s: null });
    expect(Object.keys(out)).toEqual([]);
  });

  it('coerces booleans from true/false, 1/0 and on/off in any case, and nothing else', () => {
    const vars = [v('b', 'boolean')];
    for (const yes of ['true', 'TRUE', '1', 'on', 'On']) expect(validateInput(vars, { b: yes }).b).toBe(true);
    for (const no of ['false', '0', 'off', 'OFF']) expect(validateInput(vars, { b: no }).b).toBe(false);
    expect(validateInput(vars, { b: false }).b).toBe(false);
    for (const bad of ['yes', 'no', '2', 1]) {
      expect(errorOf(() => validateInput(vars, { b: bad })).code).toBe('INVALID_INPUT');
    }
  });

  it('parses lists from JSON arrays, newline-separated and comma-separated text', () => {
    const vars = [v('l', 'list')];
    expect(validateInput(vars, { l: '["a", 2, {"x": 1}]' }).l).toEqual(['a', 2, { x: 1 }]);
    expect(validateInput(vars, { l: 'one, two\nthree\n\n' }).l).toEqual(['one, two', 'three']);
    expect(validateInput(vars, { l: 'a, b ,c,' }).l).toEqual(['a', 'b', 'c']);
    expect(validateInput(vars, { l: ['x'] }).l).toEqual(['x']);
    expect(errorOf(() => validateInput(vars, { l: '[1, 2' })).message).toMatch(/not valid JSON/);
    expect(errorOf(() => validateInput(vars, { l: { a: 1 } })).code).toBe('INVALID_INPUT');
  });

  it('bounds list item counts with minLength/maxLength', () => {
    const vars = [v('l', 'list', { minLength: 2, maxLength: 3 })];
    expect(errorOf(() => validateInput(vars, { l: 'a' })).message).toMatch(/at least 2 items/);
    expect(errorOf(() => validateInput(vars, { l: 'a,b,c,d' })).message).toMatch(/at most 3 items/);
    expect(validateInput(vars, { l: 'a,b' }).l).toEqual(['a', 'b']);
  });

  it('parses json from strings and rejects values JSON cannot carry', () => {
    const vars = [v('j', 'json')];
    expect(validateInput(vars, { j: '{"a":[1,true,null]}' }).j).toEqual({ a: [1, true, null] });
    expect(validateInput(vars, { j: { a: 1 } }).j).toEqual({ a: 1 });
    expect(validateInput(vars, { j: '"text"' }).j).toBe('text');
    expect(errorOf(() => validateInput(vars, { j: '{a:1}' })).message).toMatch(/not valid JSON/);
    expect(errorOf(() => validateInput(vars, { j: { f: () => 1 } })).code).toBe('INVALID_INPUT');
    expect(errorOf(() => validateInput(vars, { j: new Date() })).code).toBe('INVALID_INPUT');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(errorOf(() => validateInput(vars, { j: cyclic })).code).toBe('INVALID_INPUT');
  });

  it('accepts only listed enum values, exactly', () => {
    const vars = [v('tone', 'enum', { values: ['formal', 'casual'] })];
    expect(validateInput(vars, { tone: 'casual' }).tone).toBe('casual');
    expect(errorOf(() => validateInput(vars, { tone: 'Formal' })).message).toMatch(/one of: formal, casual/);
  });

  it('checks string length and pattern, and never coerces other types to strings', () => {
    const vars = [v('s', 'string', { minLength: 2, maxLength: 4, pattern: '^[a-z]+$' })];
    expect(validateInput(vars, { s: 'abc' }).s).toBe('abc');
    expect(errorOf(() => validateInput(vars, { s: 'a' })).message).toMatch(/at least 2 characters/);
    expect(errorOf(() => validateInput(vars, { s: 'abcde' })).message).toMatch(/at most 4 characters/);
    expect(errorOf(() => validateInput(vars, { s: 'AB' })).message).toMatch(/pattern/);
    expect(errorOf(() => validateInput(vars, { s: 12 })).message).toMatch(/must be a string/);
  });

  it('bounds numbers with min/max', () => {
    const vars = [v('n', 'number', { min: 1, max: 5 })];
    expect(errorOf(() => validateInput(vars, { n: '0' })).message).toMatch(/at least 1/);
    expect(errorOf(() => validateInput(vars, { n: 6 })).message).toMatch(/at most 5/);
  });
});

describe('validateInput defaults and missing values', () => {
  it('applies defaults for absent, null and empty values and copies object defaults', () => {
    const tags = ['a'];
    const vars = [
      v('tone', 'enum', { values: ['formal', 'casual'], default: 'formal' }),
      v('tags', 'list', { default: tags }),
    ];
    const out = validateInput(vars, { tone: null });
    expect(out).toEqual({ tone: 'formal', tags: ['a'] });
    (out.tags as string[]).push('mutated');
    expect(tags).toEqual(['a']);
    expect(validateInput(vars, { tone: '' }).tone).toBe('formal');
  });

  it('coerces string defaults like any input', () => {
    expect(validateInput([v('n', 'number', { default: '3' })], {}).n).toBe(3);
  });

  it('leaves optional variables without default out of the result', () => {
    expect(Object.keys(validateInput([v('note', 'string')], {}))).toEqual([]);
  });

  it('reports every missing required name with MISSING_VARIABLES, counting "" as missing', () => {
    const vars = [
      v('a', 'string', { required: true }),
      v('b', 'number', { required: true }),
      v('c', 'string'),
    ];
    const error = errorOf(() => validateInput(vars, { a: '' }));
    expect(error.code).toBe('MISSING_VARIABLES');
    expect(error.details.missing).toEqual(['a', 'b']);
  });

  it('reports type errors, unknown names and missing names together as INVALID_INPUT', () => {
    const vars = [v('a', 'string', { required: true }), v('n', 'number'), v('b', 'boolean')];
    const error = errorOf(() => validateInput(vars, { n: 'x', b: 'maybe', extra: 1 }));
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.details.missing).toEqual(['a']);
    expect(error.details.issues?.map((issue) => issue.variable)).toEqual(['a', 'n', 'b', 'extra']);
  });

  it('rejects inputs that are not plain objects', () => {
    expect(errorOf(() => compileInputValidator([])(['a'])).code).toBe('INVALID_INPUT');
    expect(errorOf(() => compileInputValidator([])(null)).code).toBe('INVALID_INPUT');
  });

  it('does not let a "__proto__" key reach the prototype', () => {
    const input = JSON.parse('{"__proto__": {"polluted": true}}') as Record<string, unknown>;
    expect(errorOf(() => validateInput([], input)).details.issues?.[0]?.variable).toBe('__proto__');
    const out = validateInput([v('__proto__', 'json')], input);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(out, '__proto__')?.value).toEqual({ polluted: true });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses to compile a validator whose default breaks its own rules', () => {
    expect(
      errorOf(() => compileInputValidator([v('n', 'number', { default: 'abc' })])).details.issues?.[0]?.path,
    ).toBe('variables.n.default');
  });
});
