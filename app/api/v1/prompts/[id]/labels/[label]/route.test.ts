// PUT /api/v1/prompts/{id}/labels/{label} on PostgreSQL: a key with prompts:write moves a label,
// audited under the key's name; what the API serves follows at once; the gate, scopes and the
// virtual `latest` label are enforced.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@/test/db';

const state = vi.hoisted(() => ({ prisma: undefined as unknown }));
vi.mock('@/lib/server/db', () => ({ getPrisma: async () => state.prisma }));

const { createApiKey } = await import('@/lib/server/api/keys');
const { createStudioRegistry } = await import('@/lib/server/loom');
const { createMemoryPromptDocumentCache, setPromptDocumentCache } =
  await import('@/lib/server/api/prompt-cache');
const { PUT } = await import('./route');
const promptRoute = await import('../../route');

let db: TestDatabase;
let workspaceId: string;
let writer: string;
let reader: string;

beforeAll(async () => {
  db = await createTestDatabase({ kind: 'postgres' });
  state.prisma = db.prisma;
  workspaceId = (await db.prisma.workspace.create({ data: { slug: 'w', name: 'W' } })).id;
  const admin = { userId: 'u1', email: 'admin@x.test', workspaceId };
  writer = (
    await createApiKey(db.prisma, admin, { name: 'deploy', scopes: ['prompts:read', 'prompts:write'] })
  ).secret;
  reader = (await createApiKey(db.prisma, admin, { name: 'app', scopes: ['prompts:read'] })).secret;
  const registry = createStudioRegistry(db.prisma, workspaceId);
  await registry.save({ id: 'greet', version: 0, name: 'Greet', user: 'v1' });
  await registry.save({ id: 'greet', version: 0, name: 'Greet', user: 'v2' });
  await registry.setLabel('greet', 'production', 1);
});
afterAll(() => db.close());

const move = (label: string, body: unknown, key = writer) =>
  PUT(
    new Request(`http://loom.test/api/v1/prompts/greet/labels/${label}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }),
    { params: Promise.resolve({ id: 'greet', label }) },
  );
const served = async () => {
  const response = await promptRoute.GET(
    new Request('http://loom.test/api/v1/prompts/greet?label=production', {
      headers: { authorization: `Bearer ${reader}` },
    }),
    { params: Promise.resolve({ id: 'greet' }) },
  );
  return ((await response.json()) as { version: number }).version;
};

describe('PUT /api/v1/prompts/{id}/labels/{label}', () => {
  it('moves the label, audits it under the key, and the API serves the new version at once', async () => {
    expect(await served()).toBe(1);
    const response = await move('production', { version: 2 });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ label: 'production', from: 1, to: 2 });
    expect(await served()).toBe(2);
    const audit = await db.prisma.auditEvent.findFirstOrThrow({
      where: { workspaceId, action: 'label.set' },
      orderBy: { createdAt: 'desc' },
    });
    expect(audit).toMatchObject({ actorId: null, actorEmail: 'api key deploy', subject: 'prompt:greet' });
  });

  it('drops served prompts only once the move is committed (an earlier reader would cache the old version)', async () => {
    const seenAtInvalidation: number[] = [];
    const inner = createMemoryPromptDocumentCache();
    setPromptDocumentCache({
      ...inner,
      get: inner.get,
      set: inner.set,
      invalidate: async (workspace, prompt) => {
        // What another connection (another instance reloading) sees at this moment.
        const label = await db.prisma.promptLabel.findFirstOrThrow({
          where: { label: 'production', prompt: { workspaceId: workspace, slug: prompt } },
        });
        seenAtInvalidation.push(label.version);
        await inner.invalidate(workspace, prompt);
      },
    });
    try {
      expect((await move('production', { version: 1 })).status).toBe(200);
      expect(seenAtInvalidation).toEqual([1]);
    } finally {
      setPromptDocumentCache(createMemoryPromptDocumentCache());
    }
    expect((await move('production', { version: 2 })).status).toBe(200);
  });

  it('refuses a key without prompts:write, a missing version, `latest` and a bad body', async () => {
    expect((await move('production', { version: 1 }, reader)).status).toBe(403);
    expect((await move('production', { version: 9 })).status).toBe(404);
    expect((await move('latest', { version: 1 })).status).toBe(400);
    expect((await move('production', { version: 'two' })).status).toBe(400);
    expect((await move('Bad Label', { version: 1 })).status).toBe(404); // a malformed path names nothing
    expect(await served()).toBe(2);
  });
});
