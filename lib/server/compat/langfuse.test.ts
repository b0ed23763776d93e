// The Langfuse translation checked against the official client's own compile (Mustache): for every
// prompt it serves, `ChatPromptClient.compile(input)` must give exactly Loom's rendered messages;
// every prompt it cannot serve faithfully is refused with the construct named.
import { ChatPromptClient } from '@langfuse/client';
import { describe, expect, it } from 'vitest';
import { promptSchema, type Input, type PromptDataInput } from '@/lib/loom/core';
import { createTemplateEngine } from '@/lib/loom/template';
import { LangfuseIncompatibleError, toLangfusePrompt } from './langfuse';

const engine = createTemplateEngine();

function prompt(data: Partial<PromptDataInput>) {
  return promptSchema.parse({ id: 'p', version: 3, name: 'P', ...data });
}

async function expectSameAsLoom(data: Partial<PromptDataInput>, inputs: Input[]) {
  const parsed = prompt(data);
  const served = await toLangfusePrompt(parsed, ['production'], engine);
  const client = new ChatPromptClient(served);
  for (const input of inputs) {
    const loom = (await engine.render(parsed, input)).messages;
    expect(client.compile(input as Record<string, string>), JSON.stringify(input)).toEqual(loom);
  }
  return served;
}

async function refusal(data: Partial<PromptDataInput>): Promise<LangfuseIncompatibleError> {
  const error: unknown = await toLangfusePrompt(prompt(data), [], engine).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(LangfuseIncompatibleError);
  return error as LangfuseIncompatibleError;
}

describe('toLangfusePrompt', () => {
  it('serves plain variables in the chat shape with the model settings in config', async () => {
    const served = await expectSameAsLoom(
      {
        system: 'You support {{ product }}.',
        user: 'Customer {{customer_name}} writes:\n\n{{ message }}\n\nReply {{ tone }}.',
        tags: ['support'],
        variables: [
          { name: 'customer_name', type: 'string', required: true },
          { name: 'message', type: 'string', required: true },
          { name: 'product', type: 'string', default: 'Loom' },
          { name: 'tone', type: 'enum', values: ['kind', 'brief'], default: 'kind' },
        ],
        model: { provider: 'simulator', model: 'gpt-4o-mini', temperature: 0.3, maxTokens: 400 },
      },
      [
        { customer_name: 'Ann', message: 'Hi <there> & "you"' },
        { customer_name: 'Bo', message: 'x', product: 'Acme', tone: 'brief' },
        { customer_name: 'Cy', message: 'y', product: '' },
      ],
    );
    expect(served).toMatchObject({
      type: 'chat',
      name: 'p',
      version: 3,
      labels: ['production'],
      tags: ['support'],
      config: { model: 'gpt-4o-mini', provider: 'simulator', temperature: 0.3, max_tokens: 400 },
    });
  });

  it('serves defaults of numbers and booleans only where Mustache falsiness cannot differ', async () => {
    await expectSameAsLoom(
      {
        user: 'In {{ sentences }} sentences, strict={{ strict }}, n={{ n }}',
        variables: [
          { name: 'sentences', type: 'number', default: 2, min: 1, max: 10 },
          { name: 'strict', type: 'boolean', default: false },
          { name: 'n', type: 'number' },
        ],
      },
      [{}, { sentences: 5, strict: true, n: 0 }, { strict: false, n: 7 }],
    );
    const zero = await refusal({
      user: '{{ count }}',
      variables: [{ name: 'count', type: 'number', default: 3 }],
    });
    expect(zero.message).toContain('Mustache would print that default for 0 too');
    const truthy = await refusal({
      user: '{{ on }}',
      variables: [{ name: 'on', type: 'boolean', default: true }],
    });
    expect(truthy.message).toContain('for false too');
  });

  it('turns few-shot examples into fixed turns between system and user', async () => {
    const served = await expectSameAsLoom(
      {
        system: 'Be brief.',
        user: 'Say hi to {{ who }}',
        variables: [{ name: 'who', type: 'string', required: true }],
        examples: [{ input: { who: 'Sam' }, output: 'Hi Sam!' }],
      },
      [{ who: 'Ann' }],
    );
    expect(served.prompt.map((m) => [m.role, m.content])).toEqual([
      ['system', 'Be brief.'],
      ['user', 'Say hi to Sam'],
      ['assistant', 'Hi Sam!'],
      ['user', 'Say hi to {{who}}'],
    ]);
  });

  it('names the Liquid construct it cannot serve, with its template, line and column', async () => {
    const tag = await refusal({
      user: 'Reply to {{ name }}\nin a {{ tone }} tone{% if max_words %}, short{% endif %}.',
      variables: [
        { name: 'name', type: 'string' },
        { name: 'tone', type: 'string' },
        { name: 'max_words', type: 'number' },
      ],
    });
    expect(tag.message).toMatch(
      /^Prompt "p" version 3 uses `\{% if %\}` in its user template \(line 2, column 21\): a Liquid tag/,
    );
    expect(tag.message).toContain('fetch it with the Loom SDK or the REST render endpoint');
    expect([tag.construct, tag.template, tag.line, tag.column]).toEqual(['`{% if %}`', 'user', 2, 21]);

    const cases: [Partial<PromptDataInput>, string][] = [
      [{ system: '{{ name | upcase }}', variables: [{ name: 'name', type: 'string' }] }, 'a Liquid filter'],
      [{ user: '{{ user.name }}', variables: [{ name: 'user', type: 'json' }] }, 'a property path'],
      [{ user: 'a {{- x }}', variables: [{ name: 'x', type: 'string' }] }, 'whitespace control'],
      [
        { user: '{% for i in xs %}{{ i }}{% endfor %}', variables: [{ name: 'xs', type: 'list' }] },
        '`{% for %}`',
      ],
      [
        { user: '{{ xs }}', variables: [{ name: 'xs', type: 'list' }] },
        'list variable, which Loom prints as JSON',
      ],
      [{ user: '{{ "text" }}' }, 'a Liquid expression'],
      [
        { user: '{{ toString }}', variables: [{ name: 'toString', type: 'string' }] },
        'reads "toString" from every object',
      ],
      [{ user: 'a{{{ x }}', variables: [{ name: 'x', type: 'string' }] }, 'a Liquid expression'],
      [{ system: '{{ persona }}', variables: [{ name: 'persona', type: 'string' }] }, 'renders empty'],
    ];
    for (const [data, expected] of cases) {
      expect((await refusal(data)).message, JSON.stringify(data)).toContain(expected);
    }
    // Literal braces next to a variable in the other order are fine: "}}}" is text after the tag.
    await expectSameAsLoom({ user: '{{ x }}}', variables: [{ name: 'x', type: 'string' }] }, [{ x: 'v' }]);
  });
});
