import { describe, expect, it } from 'vitest';
import {
  attach,
  boolean,
  enumOf,
  json,
  list,
  LoomError,
  number,
  prompt,
  required,
  string,
  withDefault,
  type PromptDataInput,
} from '../core';
import { createTemplateEngine } from './engine';

// Time budgets are tested in security.test.ts; on a loaded machine a cold first parse can take
// longer than the default, which must not fail tests about something else.
const UNHURRIED = { maxRenderMs: 10_000 };
const engine = createTemplateEngine({ limits: UNHURRIED });

const data = (fields: Partial<PromptDataInput>): PromptDataInput => ({
  id: 'p',
  version: 1,
  name: 'P',
  ...fields,
});

async function renderUser(
  user: string,
  variables: PromptDataInput['variables'],
  input: Record<string, unknown>,
): Promise<string> {
  return (await attach(data({ user, variables }), engine).render(input)).user;
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

describe('template engine: render', () => {
  const support = prompt('support-reply')
    .system('You answer in a {{ tone }} tone.')
    .user('Customer {{ name }} asks: {{ question }}')
    .variable('tone', enumOf(['formal', 'casual'], withDefault('formal')))
    .variable('name', string(required()))
    .variable('question', string(withDefault('nothing')))
    .example({ input: { name: 'Ada', question: 'refund?' }, output: 'Refunds take 3 days.' })
    .example({ input: { name: 'Bob', tone: 'casual' }, output: 'Hi Bob!' })
    .build(engine);

  it('renders system, examples as user/assistant turns, then the user turn', async () => {
    const rendered = await support.render({ name: 'Cleo', question: 'where is my parcel?' });
    expect(rendered.system).toBe('You answer in a formal tone.');
    expect(rendered.user).toBe('Customer Cleo asks: where is my parcel?');
    expect(rendered.messages).toEqual([
      { role: 'system', content: 'You answer in a formal tone.' },
      { role: 'user', content: 'Customer Ada asks: refund?' },
      { role: 'assistant', content: 'Refunds take 3 days.' },
      { role: 'user', content: 'Customer Bob asks: nothing' },
      { role: 'assistant', content: 'Hi Bob!' },
      { role: 'user', content: 'Customer Cleo asks: where is my parcel?' },
    ]);
    expect({ ...rendered.variables }).toEqual({
      tone: 'formal',
      name: 'Cleo',
      question: 'where is my parcel?',
    });
  });

  it('gives the same example turns on every render (cached per prompt)', async () => {
    const first = await support.render({ name: 'A' });
    const second = await support.render({ name: 'B', tone: 'casual' });
    expect(second.messages.slice(1, 5)).toEqual(first.messages.slice(1, 5));
    expect(second.system).toBe('You answer in a casual tone.');
  });

  it('omits an empty system message', async () => {
    const rendered = await attach(data({ user: 'Hello' }), engine).render({});
    expect(rendered.messages).toEqual([{ role: 'user', content: 'Hello' }]);
  });

  it('renders conditionals, loops and filters through Liquid after coercing the input', async () => {
    const out = await renderUser(
      '{% if urgent %}URGENT {% endif %}{% for item in items %}{{ forloop.index }}.{{ item | upcase }} {% endfor %}{{ count | plus: 1 }}',
      [
        { name: 'urgent', type: 'boolean', required: false },
        { name: 'items', type: 'list', required: false },
        { name: 'count', type: 'number', required: false },
      ],
      { urgent: 'on', items: 'a\nb', count: '41' },
    );
    expect(out).toBe('URGENT 1.A 2.B 42');
  });

  it('does not HTML-escape: prompts are not HTML', async () => {
    expect(
      await renderUser('{{ s }} & {{ s | upcase }}', [{ name: 's', type: 'string', required: false }], {
        s: '<b>"x" & \'y\'</b>',
      }),
    ).toBe('<b>"x" & \'y\'</b> & <B>"X" & \'Y\'</B>');
  });

  it('prints lists and objects as compact JSON and scalars as JavaScript does', async () => {
    const variables = [
      { name: 'tags', type: 'list' as const, required: false },
      { name: 'obj', type: 'json' as const, required: false },
      { name: 'n', type: 'number' as const, required: false },
      { name: 'b', type: 'boolean' as const, required: false },
    ];
    const input = { tags: 'a, b', obj: '{"k":[1,null]}', n: '4.50', b: 'off' };
    expect(await renderUser('{{ tags }}|{{ obj }}|{{ n }}|{{ b }}', variables, input)).toBe(
      '["a","b"]|{"k":[1,null]}|4.5|false',
    );
    expect(
      await renderUser('{{ tags | join: ", " }}|{{ obj.k }}{% if true %}{% endif %}', variables, input),
    ).toBe('a, b|[1,null]');
  });

  it('renders declared optional variables without default as empty', async () => {
    expect(
      await renderUser(
        '[{{ note }}][{{ note.deep }}]',
        [{ name: 'note', type: 'string', required: false }],
        {},
      ),
    ).toBe('[][]');
  });

  it('fails with MISSING_VARIABLES naming undeclared names and where they are used', async () => {
    const error = await rejection(
      attach(data({ system: 'ok', user: 'Hi {{ name }}\n{{ other.x }}' }), engine).render({}),
    );
    expect(error.code).toBe('MISSING_VARIABLES');
    expect(error.details.missing).toEqual(['name', 'other']);
    expect(error.details.issues).toEqual([
      expect.objectContaining({ variable: 'name', line: 1, column: 7 }),
      expect.objectContaining({ variable: 'other', line: 2, column: 4 }),
    ]);
  });

  it('locates undeclared names the same way on the fast path and through Liquid', async () => {
    const fast = await rejection(attach(data({ user: 'a\n  {{ who }}' }), engine).render({}));
    const slow = await rejection(
      attach(data({ user: 'a\n  {{ who }}{% if true %}{% endif %}' }), engine).render({}),
    );
    expect(fast.details.issues).toEqual(slow.details.issues);
    expect(fast.details.issues?.[0]).toMatchObject({ line: 2, column: 6 });
  });

  it('does not count loop variables and assigns as undeclared', async () => {
    const out = await renderUser(
      '{% assign greeting = "hi" %}{{ greeting }}{% for x in xs %}{{ x }}{% endfor %}{% capture c %}z{% endcapture %}{{ c }}',
      [{ name: 'xs', type: 'list', required: false }],
      { xs: '1,2' },
    );
    expect(out).toBe('hi12z');
  });

  it('reports missing required input before rendering', async () => {
    const error = await rejection(support.render({}));
    expect(error.code).toBe('MISSING_VARIABLES');
    expect(error.details.missing).toEqual(['name']);
  });

  it('rejects example inputs that break the variables, naming the example', async () => {
    const broken = attach(
      data({
        user: '{{ n }}',
        variables: [{ name: 'n', type: 'number', required: true }],
        examples: [{ input: { n: 'x' }, output: 'o' }],
      }),
      engine,
    );
    const error = await rejection(broken.render({ n: 1 }));
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.details.issues?.[0]?.path).toBe('examples.0.input.n');
  });

  it('reports syntax errors with the template name and 1-based line and column', async () => {
    const error = await rejection(attach(data({ user: 'line one\n  {% if x %}no end' }), engine).render({}));
    expect(error.code).toBe('TEMPLATE_SYNTAX');
    expect(error.details).toMatchObject({ template: 'user', line: 2, column: 3 });
  });

  it('rejects unknown filters instead of skipping them', async () => {
    const error = await rejection(attach(data({ user: '{{ "a" | shout }}' }), engine).render({}));
    expect(error.code).toBe('TEMPLATE_SYNTAX');
    expect(error.message).toMatch(/undefined filter: shout/);
  });

  it('honours an aborted signal', async () => {
    const controller = new AbortController();
    controller.abort();
    const error = await rejection(support.render({ name: 'x' }, { signal: controller.signal }));
    expect(error.code).toBe('CANCELLED');
  });
});

describe('template engine: fast path', () => {
  /** Appending an empty Liquid tag forces the full Liquid path without changing the output. */
  const viaLiquid = (template: string) => `${template}{% if true %}{% endif %}`;
  const variables: PromptDataInput['variables'] = [
    { name: 's', type: 'string', required: false },
    { name: 'n', type: 'number', required: false },
    { name: 'b', type: 'boolean', required: false },
    { name: 'l', type: 'list', required: false },
    { name: 'j', type: 'json', required: false },
    { name: 'missing', type: 'string', required: false },
  ];
  const input = {
    s: 'héllo {{ not a tag }}',
    n: 0,
    b: true,
    l: '[1, "two", {"three": 3}]',
    j: '{"a": {"b": [1, 2]}, "size": 9}',
  };

  it.each([
    ['{{ s }}/{{ n }}/{{ b }}/{{ missing }}'],
    ['{{ l }} {{ l.size }} {{ l.first }} {{ l.last }} {{ l.length }}'],
    ['{{ j }} {{ j.a }} {{ j.a.b }} {{ j.a.b.size }} {{ j.size }} {{ j.nope.deeper }}'],
    ['{{ s.size }} {{ s.length }} {{ s.first }} {{ n.size }} {{ b.x }}'],
    ['{{ j.constructor }}{{ s.constructor }}{{ l.toString }}{{ j.hasOwnProperty }}{{ l.__proto__ }}'],
    ['plain text } } { only'],
    [''],
  ])('gives Liquid’s output for %j', async (template) => {
    const fast = await renderUser(template, variables, input);
    expect(fast).toBe(await renderUser(viaLiquid(template), variables, input));
  });

  it('treats interpolated values as data, never as template syntax', async () => {
    expect(await renderUser('{{ s }}', variables, input)).toBe('héllo {{ not a tag }}');
  });
});

describe('template engine: input validation on render', () => {
  it('coerces form strings and applies defaults before rendering', async () => {
    const built = prompt('p')
      .user('{{ n }} {{ b }} {{ tone }}')
      .variable('n', number())
      .variable('b', boolean())
      .variable('tone', enumOf(['a', 'b'], withDefault('b')))
      .build(engine);
    expect((await built.render({ n: '7', b: '0' })).user).toBe('7 false b');
  });

  it('rejects unknown and ill-typed input with every issue', async () => {
    const built = prompt('p')
      .user('{{ n }}')
      .variable('n', number())
      .variable('l', list())
      .variable('j', json())
      .build(engine);
    const error = await rejection(built.render({ n: 'x', j: '{', extra: 1 }));
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.details.issues?.map((issue) => issue.variable)).toEqual(['n', 'j', 'extra']);
  });
});

describe('template engine: parse cache', () => {
  it('stays correct when more templates are rendered than the cache holds', async () => {
    const small = createTemplateEngine({ cacheSize: 2 });
    const variables: PromptDataInput['variables'] = [{ name: 'x', type: 'string', required: false }];
    for (let round = 0; round < 2; round++) {
      for (const suffix of ['a', 'b', 'c']) {
        const user = `{% if x %}{{ x }}-${suffix}{% endif %}`;
        const rendered = await attach(data({ user, variables }), small).render({ x: 'v' });
        expect(rendered.user).toBe(`v-${suffix}`);
      }
    }
  });
});
