import { describe, expect, it } from 'vitest';
import type { Variable } from '../core';
import { createTemplateEngine } from './engine';

const engine = createTemplateEngine();
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
