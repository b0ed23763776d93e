import { Liquid, Token } from 'liquidjs';
import { describe, expect, it, vi } from 'vitest';
import { attach, type Variable } from '../core';
import { createTemplateEngine } from './engine';

// Time budgets are tested in security.test.ts; on a loaded machine a cold first parse can take
// longer than the default, which must not fail tests about something else.
const UNHURRIED = { maxRenderMs: 10_000 };
const engine = createTemplateEngine({ limits: UNHURRIED });
const declare = (...names: string[]): Variable[] =>
  names.map((name) => ({ name, type: 'string', required: false }));

describe('template analysis', () => {
  it('lists root variables, leaving out loop variables, assigns and captures', () => {
    const analysis = engine.analyze(
      '{% assign a = customer.name %}{{ a }}{% for item in items %}{{ item.title }} {{ forloop.index }}{% endfor %}' +
        '{% capture c %}{{ tone }}{% endcapture %}{{ c }}{{ order.id | default: fallback }}',
    );
    expect(analysis.referenced.sort()).toEqual(['customer', 'fallback', 'items', 'order', 'tone']);
    expect(analysis.errors).toEqual([]);
  });

  it('flags every use of an undeclared name with its 1-based line and column, and unused declarations', () => {
    const analysis = engine.analyze(
      'Hi {{ name }}\n{% if vip %}\n  {{ nmae }} and {{ nmae }}{% endif %}',
      declare('name', 'vip', 'tone'),
    );
    expect(analysis.undeclared).toEqual([
      { name: 'nmae', line: 3, column: 6 },
      { name: 'nmae', line: 3, column: 21 },
    ]);
    expect(analysis.unused).toEqual(['tone']);
  });

  it('compares nothing when no variables are given', () => {
    expect(engine.analyze('{{ x }}')).toEqual({ referenced: ['x'], undeclared: [], unused: [], errors: [] });
  });

  it.each([
    ['an unclosed output', 'ok\n{{ name', { line: 2, column: 1 }],
    ['an unclosed block', 'a\n\n  {% for x in xs %}', { line: 3, column: 3 }],
    ['an empty condition', '{% if %}{% endif %}', { line: 1, column: 6 }],
    ['an unknown tag', 'x {% frobnicate %}', { line: 1, column: 3 }],
    ['an unknown filter', '\n{{ x | shout }}', { line: 2, column: 1 }],
  ])('reports %s as a syntax error with its position', (_label, template, position) => {
    const analysis = engine.analyze(template, declare('x'));
    expect(analysis.errors).toEqual([expect.objectContaining(position)]);
    expect(analysis.errors[0]?.message).not.toMatch(/line:\d/);
    expect(analysis.referenced).toEqual([]);
  });

  it('reports breached limits as errors instead of throwing', () => {
    const analysis = engine.analyze('{% if a %}'.repeat(100));
    expect(analysis.errors[0]?.message).toMatch(/nests blocks deeper than 32/);
  });
});

describe('template analysis agrees with liquidjs’s own', () => {
  // Liquid's analysis is the reference; ours must report the same roots at the same positions.
  const reference = new Liquid({ ownPropertyOnly: true });
  const corpus = [
    'Hi {{ name }}\n{{ name.first }} {{ order.items[0].title }} {{ a[b.c] }}',
    '{% assign a = customer.name | default: fallback %}{{ a }} {{ a.b }}',
    '{{ x }}{% assign x = 1 %}{{ x }}',
    '{% for item in items %}{{ item }} {{ forloop.index }} {{ other }}{% else %}{{ item }}{% endfor %}{{ item }}',
    '{% for i in (lo..hi) limit: n offset: m %}{{ i }}{% endfor %}',
    '{% capture c %}{{ c }}{{ tone }}{% endcapture %}{{ c }}',
    '{% if a and b or c.d %}{{ e }}{% elsif f contains "x" %}{% else %}{{ g }}{% endif %}',
    '{% unless z %}{{ y }}{% endunless %}{% case k %}{% when 1, m %}{{ n }}{% else %}{{ o }}{% endcase %}',
    '{% tablerow t in rows cols: 2 %}{{ t }}{{ tablerowloop.col }}{% endtablerow %}',
    '{% liquid\nassign q = p | upcase\necho q\necho r\n%}',
    '{% increment counter %}{{ counter }}{% decrement d %}{% cycle c1, c2 %}',
    '{{ "a".constructor }} {{ list | where: "k", v | map: "m" | join: sep }} {{ s | truncate: len, end }}',
    '{% raw %}{{ not_a_variable }}{% endraw %}{% comment %}{{ nor }}{% endcomment %}{# also not #}',
    '{{ a }}\n\n   {{ b }}\r\n{{ a }}',
  ];

  const expected = (template: string) =>
    Object.entries(reference.analyzeSync(reference.parse(template), { partials: false }).globals).map(
      ([name, uses]) => [name, uses.map((use) => ({ line: use.location.row, column: use.location.col }))],
    );
  const actual = (engine: ReturnType<typeof createTemplateEngine>, template: string) => {
    const analysis = engine.analyze(template, []);
    return analysis.referenced.map((name) => [
      name,
      analysis.undeclared.filter((use) => use.name === name).map(({ line, column }) => ({ line, column })),
    ]);
  };

  it.each(corpus)('%j', (template) => {
    expect(actual(engine, template)).toEqual(expected(template));
    expect(actual(createTemplateEngine({ fastPaths: false, limits: UNHURRIED }), template)).toEqual(
      expected(template),
    );
  });
});

describe('dangling and malformed filter pipes', () => {
  it.each([
    ['{{ name | }}', 1, 9],
    ['ab\n  {{ name |}}', 2, 11],
    ['{{ name | -}}', 1, 9],
    ['{{- name |\n-}}', 1, 10],
    ['{{ name | upcase | }}', 1, 18],
    ['{{ name | append: "a", | }}', 1, 24],
    ['{% assign x = name | %}', 1, 20],
    ['x\n{% if name | %}x{% endif %}', 2, 12],
    ['{% echo name | %}', 1, 14],
    ['{% liquid\necho name |\necho name\n%}', 2, 11],
  ])('%j is a syntax error at the pipe (line %i, column %i)', (template, line, column) => {
    const analysis = engine.analyze(template, declare('name'));
    expect(analysis.errors).toEqual([
      { message: 'A "|" must be followed by a filter name, such as "| upcase"', line, column },
    ]);
  });

  it.each([
    ['a pipe with no value before it', '{{ | upcase }}', 1, 4],
    ['a doubled pipe', '{{ name || upcase }}', 1, 10],
  ])('reports %s at the pipe', (_label, template, line, column) => {
    expect(engine.analyze(template, declare('name')).errors).toEqual([
      { message: expect.any(String), line, column },
    ]);
  });

  it.each([
    ['{% for x in name | reverse %}{{ x }}{% endfor %}', 1, 18],
    ['a\n{% tablerow x in name | sort cols: 2 %}{% endtablerow %}', 2, 23],
  ])('refuses a filter on a loop’s list, which Liquid ignores: %j', (template, line, column) => {
    expect(engine.analyze(template, declare('name')).errors).toEqual([
      { message: expect.stringContaining('A loop cannot filter its list'), line, column },
    ]);
  });

  it('refuses to render a dangling pipe, naming the template and position', async () => {
    const data = { id: 'p', version: 1, name: 'P', user: 'Hi\n{{ name | }}', variables: declare('name') };
    await expect(attach(data, engine).render({ name: 'Ada' })).rejects.toMatchObject({
      code: 'TEMPLATE_SYNTAX',
      message:
        'Template syntax error in user at line 2, column 9: A "|" must be followed by a filter name, such as "| upcase"',
      details: { template: 'user', line: 2, column: 9 },
    });
  });

  it.each([
    '{{ "a|b" }}',
    '{{ name }}|',
    '{{ name | default: "|" }}',
    '{{ name | upcase }} | {{ name }}',
    '{% for x in name reversed limit: 2 %}|{{ x }}{% endfor %}',
  ])('leaves pipes that are text or inside strings alone: %j', (template) => {
    expect(engine.analyze(template, declare('name')).errors).toEqual([]);
  });
});

describe('analysis time grows linearly with the template', () => {
  // Positions used to be found by scanning from the start for every use: 15 s at 256 KB.
  it('analyses and renders a 256 KB template of repeated {{a}} in well under a second', async () => {
    const template = '{{a}}'.repeat((256 * 1024) / 5);
    const fresh = createTemplateEngine({ limits: UNHURRIED });
    const started = performance.now();
    const analysis = fresh.analyze(template, declare('b'));
    const rendered = await attach(
      { id: 'p', version: 1, name: 'P', user: template, variables: declare('a') },
      fresh,
    ).render({ a: 'x' });
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(analysis.undeclared).toHaveLength(template.length / 5);
    expect(analysis.undeclared.at(-1)).toEqual({ name: 'a', line: 1, column: template.length - 2 });
    expect(rendered.user).toBe('x'.repeat(template.length / 5));
  });

  it('parses and positions a long template through Liquid without scanning from the start', () => {
    // Liquid's own Token#getPosition scans from the start of the source; only errors may use it.
    const scan = vi.spyOn(Token.prototype, 'getPosition');
    const template = '{{ a | upcase }}\n{% if a %}{{ b }}{% endif %}\n'.repeat(500);
    const analysis = createTemplateEngine({ limits: UNHURRIED }).analyze(template, declare('a'));
    expect(analysis.errors).toEqual([]);
    expect(scan).not.toHaveBeenCalled();
    scan.mockRestore();
    expect(analysis.undeclared).toHaveLength(500);
    expect(analysis.undeclared.at(-1)).toEqual({ name: 'b', line: 1000, column: 14 });
  });
});
