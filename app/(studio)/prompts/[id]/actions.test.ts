// The editor's save action against a real PostgreSQL database; only the session is faked.
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { EditorDraft } from '@/components/editor/types';
import type { Viewer } from '@/lib/server/auth/session';
import { createTestDatabase, type TestDatabase } from '@/test/db';

const session = vi.hoisted(() => ({ viewer: null as Viewer | null, prisma: undefined as unknown }));
vi.mock('@/lib/server/auth/session', () => ({ getViewer: async () => session.viewer }));
vi.mock('@/lib/server/db', () => ({ getPrisma: async () => session.prisma }));

const { saveVersionAction } = await import('./actions');
const { getRegistry } = await import('@/lib/server/loom');

let db: TestDatabase;
let workspaceId: string;

beforeAll(async () => {
  db = await createTestDatabase({ kind: 'postgres' });
  session.prisma = db.prisma;
  workspaceId = (await db.prisma.workspace.create({ data: { slug: 'w', name: 'W' } })).id;
});
afterAll(() => db.close());

function as(role: Viewer['role'], email = `${role}@x.test`) {
  session.viewer = { userId: 'u', email, name: role, workspaceId, workspaceName: 'W', role };
}
beforeEach(() => as('editor'));

function draft(overrides: Partial<EditorDraft> = {}): EditorDraft {
  return {
    name: 'Greeter',
    description: '',
    tags: [],
    system: 'You are kind.',
    user: 'Hello {{ name }}',
    variables: [{ name: 'name', type: 'string', required: true }],
    examples: [],
    model: { provider: 'openai', model: 'gpt-4o-mini', temperature: 0.2 },
    ...overrides,
  };
}

async function versions(id: string) {
  const registry = await getRegistry({ workspaceId });
  try {
    return (await registry.listVersions(id)).map((v) => v.version);
  } catch {
    return [];
  }
}

describe('saveVersionAction', () => {
  it('creates v1 then v2 with the author and commit message', async () => {
    expect(
      await saveVersionAction({ id: 'greet', expectedLatest: 0, message: 'first', draft: draft() }),
    ).toEqual({ ok: true, data: { version: 1 } });
    const second = await saveVersionAction({
      id: 'greet',
      expectedLatest: 1,
      message: 'warmer',
      draft: draft({ user: 'Hi there {{ name }}' }),
    });
    expect(second).toEqual({ ok: true, data: { version: 2 } });
    const stored = await (await getRegistry({ workspaceId })).get('greet', 2);
    expect(stored).toMatchObject({ user: 'Hi there {{ name }}', author: 'editor@x.test', message: 'warmer' });
  });

  it('refuses a save based on an older version and keeps the newer one', async () => {
    await saveVersionAction({ id: 'race', expectedLatest: 0, message: 'v1', draft: draft() });
    as('editor', 'alice@x.test');
    await saveVersionAction({
      id: 'race',
      expectedLatest: 1,
      message: 'alice',
      draft: draft({ user: 'A {{ name }}' }),
    });
    as('editor', 'bob@x.test');
    const stale = await saveVersionAction({
      id: 'race',
      expectedLatest: 1,
      message: 'bob',
      draft: draft({ user: 'B {{ name }}' }),
    });
    expect(stale).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(await versions('race')).toEqual([2, 1]);
    expect((await (await getRegistry({ workspaceId })).getLatest('race')).user).toBe('A {{ name }}');
  });

  it('refuses viewers, whatever they send, and stores nothing', async () => {
    as('viewer');
    const result = await saveVersionAction({ id: 'forged', expectedLatest: 0, message: 'x', draft: draft() });
    expect(result).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await versions('forged')).toEqual([]);
  });

  it('points at the template line and column of a syntax error and stores nothing', async () => {
    const result = await saveVersionAction({
      id: 'broken',
      expectedLatest: 0,
      message: 'x',
      draft: draft({ user: 'Hello\n{% if name %}unclosed' }),
    });
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'TEMPLATE_SYNTAX', fieldErrors: { user: [expect.any(String)] } },
    });
    expect(await versions('broken')).toEqual([]);
  });

  it('refuses an undeclared variable, naming it and where it is used', async () => {
    const result = await saveVersionAction({
      id: 'undeclared',
      expectedLatest: 0,
      message: 'x',
      draft: draft({ user: 'Hi {{ name }}, about {{ topic }}' }),
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    if (result.ok) throw new Error('unreachable');
    expect(result.error.fieldErrors?.user?.[0]).toMatch(
      /"topic" is not a declared variable \(line 1, column \d+\)/,
    );
    expect(await versions('undeclared')).toEqual([]);
  });

  it('refuses a duplicate variable name, a default of the wrong type and a mismatched example', async () => {
    const result = await saveVersionAction({
      id: 'bad-vars',
      expectedLatest: 0,
      message: 'x',
      draft: draft({
        user: '{{ name }} {{ count }}',
        variables: [
          { name: 'name', type: 'string', required: true },
          { name: 'name', type: 'string', required: false },
          { name: 'count', type: 'number', required: false, default: 'lots' },
        ],
        examples: [{ input: { name: 'Ann', count: 'many' }, output: 'ok' }],
      }),
    });
    expect(result).toMatchObject({
      ok: false,
      error: {
        code: 'INVALID_INPUT',
        fieldErrors: {
          'variables.1.name': [expect.stringContaining('declared more than once')],
        },
      },
    });
    expect(await versions('bad-vars')).toEqual([]);

    const typed = await saveVersionAction({
      id: 'bad-vars',
      expectedLatest: 0,
      message: 'x',
      draft: draft({
        user: '{{ name }} {{ count }}',
        variables: [
          { name: 'name', type: 'string', required: true },
          { name: 'count', type: 'number', required: false, default: 'lots' },
        ],
        examples: [{ input: { name: 'Ann', count: 'many' }, output: 'ok' }],
      }),
    });
    expect(typed).toMatchObject({
      ok: false,
      error: { fieldErrors: { 'variables.1.default': [expect.stringContaining('count')] } },
    });
  });

  it('refuses an example that does not fit the variables', async () => {
    const result = await saveVersionAction({
      id: 'bad-example',
      expectedLatest: 0,
      message: 'x',
      draft: draft({ examples: [{ input: { nmae: 'typo' }, output: 'ok' }] }),
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    if (result.ok) throw new Error('unreachable');
    expect(Object.keys(result.error.fieldErrors ?? {}).some((key) => key.startsWith('examples.0'))).toBe(
      true,
    );
    expect(await versions('bad-example')).toEqual([]);
  });

  it('refuses a 10 MB template with a size message and stores nothing', async () => {
    const result = await saveVersionAction({
      id: 'huge',
      expectedLatest: 0,
      message: 'x',
      draft: draft({ user: 'x'.repeat(10 * 1024 * 1024) }),
    });
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT', fieldErrors: { user: ['Templates are limited to 256 KB.'] } },
    });
    expect(await versions('huge')).toEqual([]);
  });

  it('names every bad field of a refused save at once, in plain words, at its path', async () => {
    const result = await saveVersionAction({
      id: 'many-problems',
      expectedLatest: 0,
      message: ' ',
      draft: draft({
        user: 'Hello {{ name }} {{ tone }}',
        variables: [
          { name: 'name', type: 'string', required: true },
          { name: 'name', type: 'string', required: false },
        ],
        model: { provider: 'openai', model: 'gpt-4o-mini', temperature: 3, maxTokens: 0 },
      }),
    });
    expect(result).toMatchObject({
      ok: false,
      error: {
        code: 'INVALID_INPUT',
        message: 'Not saved: 5 fields need attention (marked below).',
        fieldErrors: {
          message: ['Say what changed.'],
          'model.temperature': ['Temperature must be at most 2.'],
          'model.maxTokens': ['Max tokens must be more than 0.'],
          'variables.1.name': [expect.stringContaining('declared more than once')],
          user: [expect.stringContaining('"tone" is not a declared variable (line 1, column')],
        },
      },
    });
    expect(await versions('many-problems')).toEqual([]);
  });

  it('refuses a save identical to the version it started from, saying so', async () => {
    await saveVersionAction({ id: 'same', expectedLatest: 0, message: 'v1', draft: draft() });
    // Key order and an untouched default must not make an identical draft look changed.
    const { name, ...rest } = draft();
    const result = await saveVersionAction({
      id: 'same',
      expectedLatest: 1,
      message: 'again',
      draft: { ...rest, name },
    });
    expect(result).toEqual({
      ok: false,
      error: {
        code: 'INVALID_INPUT',
        message: 'Nothing to save: the draft is identical to v1. Change something first.',
      },
    });
    expect(await versions('same')).toEqual([1]);
  });

  it('asks for a commit message', async () => {
    const result = await saveVersionAction({
      id: 'no-msg',
      expectedLatest: 0,
      message: '  ',
      draft: draft(),
    });
    expect(result).toMatchObject({ ok: false, error: { fieldErrors: { message: ['Say what changed.'] } } });
  });
});
