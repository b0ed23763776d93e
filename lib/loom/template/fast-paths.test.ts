import { describe, expect, it } from 'vitest';
import { attach, LoomError, type PromptDataInput } from '../core';
import { createTemplateEngine } from './engine';

// Differential test: the interpolation and closure fast paths must give exactly what plain Liquid
// gives, for output and for errors.
// Time budgets are tested in security.test.ts; on a loaded machine a cold first parse can take
// longer than the default, which must not fail tests about something else.
const UNHURRIED = { maxRenderMs: 10_000 };
const fast = createTemplateEngine({ limits: UNHURRIED });
const plain = createTemplateEngine({ fastPaths: false, limits: UNHURRIED });

const variables: PromptDataInput['variables'] = [
  { name: 's', type: 'string', required: false },
  { name: 'empty_s', type: 'string', required: false },
  { name: 'n', type: 'number', required: false },
  { name: 'f', type: 'number', required: false },
  { name: 'b', type: 'boolean', required: false },
  { name: 'l', type: 'list', required: false },
  { name: 'nums', type: 'list', required: false },
  { name: 'none', type: 'list', required: false },
  { name: 'j', type: 'json', required: false },
  { name: 'key', type: 'string', required: false },
  { name: 'missing', type: 'string', required: false },
];

const inputs: Record<string, unknown>[] = [
  {
    s: 'Hello, World',
    n: 3,
    f: 2.5,
    b: true,
    l: '["alpha", "beta", "gamma"]',
    nums: '[3, 1, 2]',
    none: '[]',
    j: '{"a": {"b": [1, 2, {"c": "deep"}]}, "size": 7, "k": "v", "list": ["x", "y"]}',
    key: 'k',
  },
  { s: '', n: -1, f: 0, b: false, l: 'one', nums: '[]', j: '[1, "two", null]', key: 'nope' },
  {},
];

const templates = [
  'Hi {{ s }} ({{ n }}, {{ f }}, {{ b }}, {{ missing }})',
  '{{ s | upcase }} {{ s | downcase | append: "!" }} {{ s | prepend: "> " | size }} {{ s | truncate: 5 }}',
  '{{ s | replace: "l", "L" | split: ", " | join: "|" }} {{ s | strip | escape }} {{ j | json }}',
  '{{ n | plus: 2 | times: f | minus: 1 | divided_by: 2 | round: 1 }} {{ missing | default: "fallback" }}',
  '{{ l }} {{ l | first }} {{ l | last }} {{ l.size }} {{ l[0] }} {{ l[-1] }} {{ l[n] }}',
  '{{ j.a.b[2].c }} {{ j["k"] }} {{ j[key] }} {{ j.size }} {{ j.list | join: "+" }} {{ j.a.b | size }}',
  '{{ j.constructor }}{{ s.constructor }}{{ l.map }}{{ j.__proto__ }}{{ "x".constructor }}',
  '{% if b %}yes{% else %}no{% endif %} {% if n > 2 %}big{% elsif n == 3 %}three{% else %}small{% endif %}',
  '{% if s contains "World" and n >= 3 or b %}A{% endif %}{% if l contains "beta" %}B{% endif %}{% if n != 3 %}C{% endif %}',
  '{% if missing %}M{% endif %}{% if missing == nil %}N{% endif %}{% if none == empty %}E{% endif %}{% if s == blank %}K{% endif %}',
  '{% if empty_s %}T{% else %}F{% endif %}{% if 0 %}zero is truthy{% endif %}{% if "" %}empty string is truthy{% endif %}',
  '{% for x in l %}{{ forloop.index }}/{{ forloop.length }}:{{ x }}{% if forloop.first %}^{% endif %}{% if forloop.last %}${% endif %} {% endfor %}',
  '{% for x in l %}{% for y in nums %}{{ x }}{{ y }}{{ forloop.rindex }},{% endfor %}|{% endfor %}',
  '{% for x in none %}never{% else %}nothing{% endfor %} {% for x in missing %}never{% else %}missing{% endfor %}',
  '{% for pair in j %}{{ pair[0] }}={{ pair[1] }};{% endfor %} {% for c in s %}[{{ c }}]{% endfor %}',
  '{% for x in l %}{{ forloop }}{% endfor %}',
  '{% for x in nums %}{{ x | plus: n }}{% endfor %} {{ nums | sort | join: "," }} {{ nums | map: "x" | size }}',
  '{{ s | slice: 0, 4 }} {{ s | default: "d", allow_false: true }} {{ b | default: "d", allow_false: true }}',
  // Not in the closure subset: these run through Liquid on both engines.
  '{% assign t = s | upcase %}{{ t }} {% capture c %}{{ n }}{% endcapture %}{{ c }}{% for i in (1..3) limit: 2 %}{{ i }}{% endfor %}',
  '{% case n %}{% when 3 %}three{% else %}other{% endcase %}{% unless b %}not b{% endunless %}',
  '{% for x in l %}{% if forloop.index == 2 %}{% break %}{% endif %}{{ x }}{% endfor %}',
];

async function outcome(
  engine: ReturnType<typeof createTemplateEngine>,
  user: string,
  input: Record<string, unknown>,
) {
  try {
    return {
      output: (await attach({ id: 'p', version: 1, name: 'P', user, variables }, engine).render(input)).user,
    };
  } catch (error) {
    if (!(error instanceof LoomError)) throw error;
    return { code: error.code, message: error.message, details: error.details };
  }
}

describe('fast paths give exactly what Liquid gives', () => {
  for (const [index, input] of inputs.entries()) {
    it.each(templates)(`input ${index}: %j`, async (template) => {
      expect(await outcome(fast, template, input)).toEqual(await outcome(plain, template, input));
    });
  }

  it('report filter errors the same way, with the position of the failing output', async () => {
    const template = 'line\n  {{ s | truncate: "x", 1, 2, 3 | date: 5 }} {{ n | divided_by: 0 }}';
    expect(await outcome(fast, template, inputs[0] ?? {})).toEqual(
      await outcome(plain, template, inputs[0] ?? {}),
    );
  });

  it('enforce the render-time budget in compiled loops', async () => {
    const slow = createTemplateEngine({ limits: { maxRenderMs: 50 } });
    const big = JSON.stringify(Array.from({ length: 3000 }, (_, i) => i));
    const template = '{% for a in l %}{% for b in l %}{% for c in l %}{% endfor %}{% endfor %}{% endfor %}';
    const result = await outcome(slow, template, { l: big });
    expect(result).toMatchObject({
      code: 'TEMPLATE_LIMIT',
      message: expect.stringMatching(/took longer than 50 ms to render/),
    });
  });
});
