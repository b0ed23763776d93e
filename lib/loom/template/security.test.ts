import { describe, expect, it } from 'vitest';
import { attach, LoomError, type PromptDataInput, type Variable } from '../core';
import { deadlineAfter } from './deadline';
import { createTemplateEngine } from './engine';

const engine = createTemplateEngine({ limits: { maxRenderMs: 150 } });

const variables: PromptDataInput['variables'] = [
  { name: 'obj', type: 'json', required: false },
  { name: 'arr', type: 'list', required: false },
  { name: 's', type: 'string', required: false },
];
const input = { obj: '{"a": 1}', arr: '[1, 2, 3]', s: 'abc' };

function render(user: string, extra: Partial<PromptDataInput> = {}, values: Record<string, unknown> = input) {
  return attach({ id: 'hostile', version: 1, name: 'H', user, variables, ...extra }, engine).render(values);
}

async function rejection(promise: Promise<unknown>): Promise<LoomError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof LoomError) return error;
    throw error;
  }
  throw new Error('expected a LoomError');
}

describe('hostile templates: no prototypes, constructors or globals', () => {
  it.each([
    '{{ obj.constructor }}',
    '{{ obj.__proto__ }}',
    '{{ s.constructor.name }}',
    '{{ obj.toString }}',
    '{{ obj.hasOwnProperty }}',
    '{{ arr.constructor.constructor }}',
    '{{ arr.map }}',
    '{{ obj["constructor"] }}',
    '{{ obj.__proto__.polluted }}',
    '{% assign f = obj.constructor %}{{ f.name }}',
    '{{ arr | map: "constructor" | first }}',
  ])('renders %j as nothing', async (template) => {
    expect((await render(template)).user).toBe('');
  });

  it.each([
    '{{ constructor }}',
    '{{ "a".constructor }}',
    '{{ process.env }}',
    '{{ globalThis }}',
    '{{ require }}',
    '{{ this }}',
  ])('refuses %j: undeclared names never reach JavaScript globals', async (template) => {
    expect((await rejection(render(template))).code).toBe('MISSING_VARIABLES');
  });

  it('keeps Liquid’s own helpers such as size and first', async () => {
    expect((await render('{{ arr.size }} {{ arr.first }} {{ s.size }}')).user).toBe('3 1 3');
  });

  it.each(['{% include "package.json" %}', '{% render "/etc/passwd" %}', '{% layout "x" %}'])(
    'has no file-reading tag: %j is a syntax error',
    async (template) => {
      expect((await rejection(render(template))).code).toBe('TEMPLATE_SYNTAX');
    },
  );

  it('does not let {% increment %} leak into the validated variables', async () => {
    const rendered = await render('{% increment s %}{% increment counter %}{{ counter }}');
    expect(rendered.user).toBe('001');
    expect({ ...rendered.variables }).toEqual({ obj: { a: 1 }, arr: [1, 2, 3], s: 'abc' });
  });
});

describe('hostile templates: resource limits', () => {
  it.each([
    ['a huge range', '{% for i in (1..100000000) %}x{% endfor %}'],
    ['an empty-bodied huge range', '{% for i in (1..1000000000) %}{% endfor %}'],
    [
      'nested empty loops',
      '{% for a in (1..3000) %}{% for b in (1..3000) %}{% for c in (1..3000) %}{% endfor %}{% endfor %}{% endfor %}',
    ],
    [
      'output doubling',
      '{% assign x = "aaaaaaaaaa" %}{% for i in (1..40) %}{% assign x = x | append: x %}{% endfor %}{{ x }}',
    ],
    [
      'output blow-up',
      '{% for i in (1..2000) %}{% for j in (1..2000) %}xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx{% endfor %}{% endfor %}',
    ],
    ['a repeated big value', '{% for i in (1..200) %}{{ s }}{% endfor %}'],
    ['deep nesting', '{% if true %}'.repeat(40) + 'x' + '{% endif %}'.repeat(40)],
    ['pathological nesting', '{% if true %}'.repeat(20000)],
  ])('stops %s with TEMPLATE_LIMIT', async (_label, template) => {
    const started = Date.now();
    const error = await rejection(render(template, {}, { ...input, s: 'y'.repeat(10_000) }));
    expect(error.code).toBe('TEMPLATE_LIMIT');
    expect(error.details.template).toBe('user');
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('caps loops over input data by render time, even with empty bodies', async () => {
    const big = JSON.stringify(Array.from({ length: 2000 }, (_, i) => i));
    const error = await rejection(
      render(
        '{% for a in arr %}{% for b in arr %}{% for c in arr %}{% endfor %}{% endfor %}{% endfor %}',
        {},
        { arr: big },
      ),
    );
    expect(error.code).toBe('TEMPLATE_LIMIT');
    // The innermost loop is where the time goes.
    expect(error.message).toMatch(
      /^Template user took longer than 150 ms to render; it stopped at line 1, column 37\./,
    );
    expect(error.details).toMatchObject({ template: 'user', line: 1, column: 37, limit: 'time' });
  });

  it('caps the template source size', async () => {
    const error = await rejection(render('x'.repeat(256 * 1024 + 1)));
    expect(error.code).toBe('TEMPLATE_LIMIT');
  });

  it('caps the output of the fast path too, across all messages', async () => {
    const small = createTemplateEngine({ limits: { maxOutputLength: 100 } });
    const data = { id: 'p', version: 1, name: 'P', variables, system: '{{ s }}', user: '{{ s }}' };
    await expect(attach(data, small).render({ s: 'x'.repeat(50) })).resolves.toMatchObject({
      user: 'x'.repeat(50),
    });
    const error = await rejection(attach(data, small).render({ s: 'x'.repeat(51) }));
    expect(error).toMatchObject({ code: 'TEMPLATE_LIMIT', details: { template: 'user' } });
  });

  it('stays usable after a limit was hit', async () => {
    await rejection(render('{% for i in (1..100000000) %}x{% endfor %}'));
    expect((await render('{{ s }}')).user).toBe('abc');
  });
});

describe('hostile templates: the time budget of a request', () => {
  const declared: Variable[] = [{ name: 'a', type: 'string', required: false }];
  // Thousands of Liquid tokens: liquidjs needs about 10 µs per token to parse, far past 20 ms.
  const dense = '{{ a | upcase }}{% if a %}x{% endif %}\n'.repeat(6_000);

  it('stops analysing at the deadline and says where, instead of blocking', () => {
    const fresh = createTemplateEngine();
    const started = performance.now();
    const analysis = fresh.analyze(dense, declared, { name: 'user', deadline: deadlineAfter(20) });
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(analysis.errors).toEqual([
      {
        message: expect.stringMatching(
          /^Template user took longer than 20 ms to analyse; it stopped at line \d+, column \d+\. Simplify it or render less data\.$/,
        ),
        line: expect.any(Number),
        column: expect.any(Number),
      },
    ]);
  });

  it('shares one deadline between the calls of a request: a render after a slow analysis is refused', async () => {
    const fresh = createTemplateEngine();
    const deadline = deadlineAfter(20);
    while (performance.now() <= deadline.at) {
      // the rest of the request used up its budget
    }
    const data = {
      id: 'p',
      version: 1,
      name: 'P',
      user: '{% if a %}{{ a }}{% endif %}',
      variables: declared,
    };
    const error = await rejection(fresh.render(attach(data, fresh).data, { a: 'x' }, { deadline }));
    expect(error).toMatchObject({ code: 'TEMPLATE_LIMIT', details: { template: 'user', limit: 'time' } });
    expect(error.message).toMatch(/^Template user took longer than 20 ms to (analyse|render)/);
  });

  it('refuses loops over large input at the default budget of 250 ms', async () => {
    const fresh = createTemplateEngine();
    const big = JSON.stringify(Array.from({ length: 2000 }, (_, i) => i));
    const data = {
      id: 'p',
      version: 1,
      name: 'P',
      user: 'Items:\n{% for a in arr %}{% for b in arr %}{% if b == -1 %}x{% endif %}{% endfor %}{% endfor %}',
      variables,
    };
    const started = performance.now();
    const error = await rejection(attach(data, fresh).render({ arr: big }));
    expect(performance.now() - started).toBeLessThan(750);
    expect(error.message).toMatch(
      /^Template user took longer than 250 ms to render; it stopped at line 2, column \d+\./,
    );
  });
});
