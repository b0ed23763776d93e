// The prompts list actions and routes against a real PostgreSQL database; only the session is faked.
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Viewer } from '@/lib/server/auth/session';
import { createPrismaRegistry } from '@/lib/adapters/prisma/registry';
import type { PromptData } from '@/lib/loom/core';
import { createTestDatabase, type TestDatabase } from '@/test/db';

const session = vi.hoisted(() => ({ viewer: null as Viewer | null, prisma: undefined as unknown }));
vi.mock('@/lib/server/auth/session', () => ({ getViewer: async () => session.viewer }));
vi.mock('@/lib/server/db', () => ({ getPrisma: async () => session.prisma }));

const { archivePromptAction, importPromptsAction, unarchivePromptAction } = await import('./actions');
const exportRoute = await import('@/app/api/prompts/export/route');
const listRoute = await import('@/app/api/prompts/route');

let db: TestDatabase;
const workspaces: Record<'a' | 'b', string> = { a: '', b: '' };
let userId: string;

beforeAll(async () => {
  db = await createTestDatabase({ kind: 'postgres' });
  session.prisma = db.prisma;
  workspaces.a = (await db.prisma.workspace.create({ data: { slug: 'a', name: 'A' } })).id;
  workspaces.b = (await db.prisma.workspace.create({ data: { slug: 'b', name: 'B' } })).id;
  userId = (await db.prisma.user.create({ data: { email: 'ed@x.test', name: 'Ed', passwordHash: 'x' } })).id;
});
afterAll(() => db.close());

function as(role: Viewer['role'], workspace: 'a' | 'b' = 'a') {
  session.viewer = {
    userId,
    email: 'ed@x.test',
    name: 'Ed',
    workspaceId: workspaces[workspace],
    workspaceName: workspace,
    role,
  };
}
beforeEach(() => as('editor'));

const registry = (workspace: 'a' | 'b') => createPrismaRegistry(db.prisma, workspaces[workspace]);

/** What a user means by "the same prompt": everything except who saved it, when and as which number. */
function content({ version: _v, author: _a, message: _m, createdAt: _c, ...rest }: PromptData) {
  return rest;
}

async function download(query: string): Promise<{ status: number; body: string; type: string | null }> {
  const response = await exportRoute.GET(new Request(`http://127.0.0.1/api/prompts/export?${query}`));
  return { status: response.status, body: await response.text(), type: response.headers.get('content-type') };
}

const RICH: PromptData = {
  id: 'support-reply',
  version: 0,
  name: 'Support reply',
  description: 'Answers a customer: "politely"',
  tags: ['support', 'email'],
  system: 'You are {{ persona }}.\nBe brief.',
  user: '{% if urgent %}URGENT: {% endif %}{{ question }}',
  variables: [
    { name: 'persona', type: 'string', required: false, default: 'a helpful agent', maxLength: 80 },
    { name: 'question', type: 'string', required: true, description: 'what they asked' },
    { name: 'urgent', type: 'boolean', required: false, default: false },
    { name: 'tone', type: 'enum', required: false, values: ['warm', 'dry'] },
  ],
  examples: [{ input: { question: 'Where is my order?', urgent: true }, output: 'It ships today.' }],
  model: { provider: 'openai', model: 'gpt-4o-mini', temperature: 0.3, maxTokens: 256, stop: ['\n\n'] },
  metadata: { owner: 'support', nested: { b: 1, a: [1, 2] } },
};

describe('export then import', () => {
  beforeAll(async () => {
    await registry('a').save(RICH, { author: 'ed@x.test', message: 'first' });
    await registry('a').save(
      { ...RICH, user: 'Q: {{ question }}' },
      { author: 'ed@x.test', message: 'second' },
    );
    await registry('a').save({ id: 'plain', version: 0, name: 'Plain' });
  });

  it.each(['yaml', 'json'] as const)('re-imports a %s export as identical prompts', async (format) => {
    const file = await download(`id=support-reply&id=plain&format=${format}`);
    expect(file.status).toBe(200);
    expect(file.type).toContain(format);
    as('editor', 'b');
    const result = await importPromptsAction({ files: [{ name: `prompts.${format}`, content: file.body }] });
    expect(result.ok).toBe(true);
    for (const id of ['support-reply', 'plain']) {
      expect(content(await registry('b').getLatest(id))).toEqual(content(await registry('a').getLatest(id)));
    }
    // The second import of the same file finds nothing to change and saves nothing.
    expect(await importPromptsAction({ files: [{ name: `again.${format}`, content: file.body }] })).toEqual({
      ok: true,
      data: { saved: [], unchanged: ['support-reply', 'plain'] },
    });
  });

  it('exports every prompt not archived when no id is given, as a YAML stream', async () => {
    const file = await download('');
    expect(file.body.split(/^---$/m)).toHaveLength(2);
    expect(file.body).toContain('id: support-reply');
    expect(file.body).toContain('id: plain');
  });

  it('answers 404 for an unknown prompt and 401 without a session', async () => {
    expect((await download('id=nope')).status).toBe(404);
    session.viewer = null;
    expect((await download('id=plain')).status).toBe(401);
  });
});

describe('import refuses bad files and saves nothing', () => {
  it('names the file, the field, the line and the column', async () => {
    const good = 'id: fine-one\nname: Fine\n';
    const bad = 'id: broken\nname: Broken\nvariables:\n  - name: 1bad\n    type: string\n';
    const result = await importPromptsAction({
      files: [
        { name: 'good.yaml', content: good },
        { name: 'bad.yaml', content: bad },
      ],
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    if (result.ok) return;
    expect(result.error.message).toContain('bad.yaml');
    expect(result.error.fieldErrors?.['bad.yaml']?.[0]).toMatch(/line 4, column \d+: "variables\.0\.name"/);
    expect(await registry('a').find('fine-one', 1)).toBeUndefined();
  });

  it('reports line numbers of the file for the second prompt of a stream', async () => {
    const stream = 'id: s-one\nname: One\n---\nid: s-two\nname: Two\ntemperature: 3\n';
    const result = await importPromptsAction({ files: [{ name: 'stream.yaml', content: stream }] });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.fieldErrors?.['stream.yaml']?.[0]).toBe(
      'stream.yaml (prompt 2), line 6, column 1: "temperature": unknown field',
    );
    expect(await registry('a').find('s-one', 1)).toBeUndefined();
  });

  it('refuses a file that is not a prompt', async () => {
    for (const content of ['just some words', '[1, 2]', '{"hello": "world"}', '# only a comment\n']) {
      const result = await importPromptsAction({ files: [{ name: 'notes.txt', content }] });
      expect(result, content).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
      if (!result.ok) expect(result.error.fieldErrors?.['notes.txt']?.[0], content).toContain('notes.txt');
    }
  });

  it('refuses a 10 MB paste with the size in the message', async () => {
    const result = await importPromptsAction({
      files: [
        { name: 'Pasted text', content: `id: huge\nname: Huge\nuser: ${'x'.repeat(10 * 1024 * 1024)}\n` },
      ],
    });
    expect(result).toMatchObject({
      ok: false,
      error: {
        code: 'INVALID_INPUT',
        fieldErrors: { files: [expect.stringMatching(/10\.0 MB; at most 900 KB/)] },
      },
    });
    expect(await registry('a').find('huge', 1)).toBeUndefined();
  });

  it('refuses the same prompt twice in one import', async () => {
    const result = await importPromptsAction({
      files: [
        { name: 'one.yaml', content: 'id: twin\nname: A\n' },
        { name: 'two.json', content: '[{"id": "twin", "name": "B"}]' },
      ],
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(await registry('a').find('twin', 1)).toBeUndefined();
  });

  it('refuses a viewer', async () => {
    as('viewer');
    expect(
      await importPromptsAction({ files: [{ name: 'v.yaml', content: 'id: v\nname: V\n' }] }),
    ).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
  });
});

describe('archive', () => {
  it('hides a prompt from the list until it is unarchived, and audits both', async () => {
    await registry('a').save({ id: 'old-one', version: 0, name: 'Old one', tags: ['legacy'] });
    const list = async (query: string) => {
      const response = await listRoute.GET(new Request(`http://127.0.0.1/api/prompts?${query}`));
      return ((await response.json()) as { prompts: { id: string; archived: boolean }[] }).prompts;
    };
    const tags = async (query: string) => {
      const response = await listRoute.GET(new Request(`http://127.0.0.1/api/prompts?${query}`));
      return ((await response.json()) as { tags: string[] }).tags;
    };
    expect(await tags('')).toContain('legacy');
    expect(await archivePromptAction({ promptId: 'old-one' })).toEqual({ ok: true, data: undefined });
    // Its tag leaves the filter with it, unless archived prompts are shown or the tag is chosen.
    expect(await tags('')).not.toContain('legacy');
    expect(await tags('archived=1')).toContain('legacy');
    expect(await tags('tag=legacy')).toContain('legacy');
    expect((await list('tag=legacy')).map((p) => p.id)).toEqual([]);
    expect(await list('tag=legacy&archived=1')).toEqual([
      expect.objectContaining({ id: 'old-one', archived: true }),
    ]);
    expect(await unarchivePromptAction({ promptId: 'old-one' })).toEqual({ ok: true, data: undefined });
    expect((await list('search=OLD')).map((p) => p.id)).toEqual(['old-one']);
    const audit = await db.prisma.auditEvent.findMany({
      where: { subject: 'prompt:old-one' },
      orderBy: { createdAt: 'asc' },
    });
    expect(audit.map((a) => a.action)).toEqual(['prompt.archive', 'prompt.unarchive']);
  });

  it('refuses a viewer and an unknown prompt', async () => {
    expect(await archivePromptAction({ promptId: 'nope' })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    as('viewer');
    expect(await archivePromptAction({ promptId: 'plain' })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    expect((await registry('a').list()).some((p) => p.id === 'plain')).toBe(true);
  });
});
