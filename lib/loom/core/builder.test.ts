import { describe, expect, it } from 'vitest';
import { prompt } from './builder';
import { LoomError } from './errors';
import type { PromptData, Rendered, Renderer } from './prompt';
import { attach, Prompt } from './prompt-object';
import {
  boolean,
  describe as describeVar,
  enumOf,
  json,
  list,
  max,
  maxLength,
  min,
  minLength,
  number,
  pattern,
  required,
  string,
  withDefault,
} from './variables';

function errorOf(fn: () => unknown): LoomError {
  try {
    fn();
  } catch (error) {
    if (error instanceof LoomError) return error;
    throw error;
  }
  throw new Error('expected a LoomError');
}

/** Echoes what it was asked to render, so tests can see what Prompt passes through. */
const echo: Renderer = {
  render(data: PromptData, input): Promise<Rendered> {
    return Promise.resolve({ system: data.system, user: data.user, messages: [], variables: input });
  },
};

const supportReply = () =>
  prompt('support-reply')
    .name('Support reply')
    .system('You are {{ tone }}.')
    .user('Hi {{ name }}')
    .variable('tone', enumOf(['formal', 'casual'], withDefault('formal')))
    .variable('name', string(required(), maxLength(80), describeVar('Customer name')))
    .example({ input: { name: 'Ada' }, output: 'Hello Ada' })
    .model({ provider: 'openai', model: 'gpt-4o-mini', temperature: 0.2 });

describe('prompt builder', () => {
  it('builds a prompt with the declared data', () => {
    const built = supportReply().build(echo);
    expect(built.id).toBe('support-reply');
    expect(built.name).toBe('Support reply');
    expect(built.version).toBe(0);
    expect(built.data.variables).toEqual([
      { name: 'tone', type: 'enum', required: false, values: ['formal', 'casual'], default: 'formal' },
      { name: 'name', type: 'string', required: true, maxLength: 80, description: 'Customer name' },
    ]);
    expect(built.data.model).toEqual({ provider: 'openai', model: 'gpt-4o-mini', temperature: 0.2 });
  });

  it('offers every variable constructor and option', () => {
    const built = prompt('all')
      .variable('n', number(min(1), max(3), withDefault('2')))
      .variable('b', boolean())
      .variable('l', list(minLength(1)))
      .variable('j', json())
      .variable('s', string(pattern(/^[a-z]+$/)))
      .build();
    expect(built.data.variables.map((variable) => variable.type)).toEqual([
      'number',
      'boolean',
      'list',
      'json',
      'string',
    ]);
    expect(built.data.variables[0]?.default).toBe(2);
    expect(built.data.variables[4]?.pattern).toBe('^[a-z]+$');
  });

  it('lists every problem at once', () => {
    const error = errorOf(() =>
      prompt('Bad Id!')
        .variable('tone', enumOf([]))
        .variable('name', string(min(3)))
        .variable('name', string())
        .variable('count', number(min(5), max(1)))
        .variable('code', string(pattern('(')))
        .build(),
    );
    expect(error.code).toBe('INVALID_INPUT');
    const paths = error.details.issues?.map((issue) => issue.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'id',
        'variables.0.values',
        'variables.1.min',
        'variables.2.name',
        'variables.3.min',
        'variables.4.pattern',
      ]),
    );
  });

  it('rejects defaults that violate their own type or constraints', () => {
    const error = errorOf(() =>
      prompt('p')
        .variable('tone', enumOf(['a', 'b'], withDefault('c')))
        .variable('n', number(max(3), withDefault(10)))
        .variable('s', string(maxLength(2), withDefault('long')))
        .build(),
    );
    expect(error.details.issues?.map((issue) => issue.path)).toEqual([
      'variables.0.default',
      'variables.1.default',
      'variables.2.default',
    ]);
  });

  it('rejects examples whose input violates the variables', () => {
    const error = errorOf(() =>
      prompt('p')
        .user('{{ n }}')
        .variable('n', number(required()))
        .example({ input: { n: 'x' }, output: 'a' })
        .example({ input: {}, output: 'b' })
        .build(),
    );
    expect(error.details.issues?.map((issue) => issue.path)).toEqual([
      'examples.0.input.n',
      'examples.1.input.n',
    ]);
  });

  it('produces a frozen copy the builder can no longer change', () => {
    const builder = supportReply();
    const built = builder.build();
    builder.system('changed');
    expect(built.data.system).toBe('You are {{ tone }}.');
    expect(Object.isFrozen(built.data.variables[0])).toBe(true);
    expect(() => {
      (built.data.variables as unknown as unknown[]).push({});
    }).toThrow(TypeError);
  });
});

describe('Prompt', () => {
  it('renders through its renderer and passes the signal along', async () => {
    const seen: (AbortSignal | undefined)[] = [];
    const spy: Renderer = {
      render(data, input, options) {
        seen.push(options?.signal);
        return echo.render(data, input, options);
      },
    };
    const controller = new AbortController();
    const rendered = await supportReply().build(spy).render({ name: 'Ada' }, { signal: controller.signal });
    expect(rendered.user).toBe('Hi {{ name }}');
    expect(seen).toEqual([controller.signal]);
  });

  it('refuses to render without a renderer, and withRenderer fixes that without touching the original', async () => {
    const bare = supportReply().build();
    await expect(bare.render({})).rejects.toMatchObject({ code: 'INVALID_INPUT', message: /no renderer/ });
    const rendering = bare.withRenderer(echo);
    expect(rendering).not.toBe(bare);
    expect(rendering.data).toBe(bare.data);
    await expect(rendering.render({ name: 'x' })).resolves.toMatchObject({ system: 'You are {{ tone }}.' });
  });

  it('attach validates registry data and copies it', async () => {
    const data = { id: 'p', version: 3, name: 'P', user: 'u', createdAt: new Date(0) };
    const attached = attach(data, echo);
    data.user = 'changed';
    expect(attached).toBeInstanceOf(Prompt);
    expect(attached.version).toBe(3);
    expect(attached.data.createdAt).toEqual(new Date(0));
    await expect(attached.render({})).resolves.toMatchObject({ user: 'u' });
    const paths = errorOf(() => attach({ id: '', version: -1, name: '' }, echo)).details.issues?.map(
      (issue) => issue.path,
    );
    expect(new Set(paths)).toEqual(new Set(['id', 'version', 'name']));
  });
});
