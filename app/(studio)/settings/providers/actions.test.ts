// The provider settings actions against a real PostgreSQL database and the loopback fake LLM
// server; only the session is faked.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { startFakeLlmServer, type FakeLlmServer } from '@/lib/adapters/fake-llm';
import type { Viewer } from '@/lib/server/auth/session';
import { createTestDatabase, type TestDatabase } from '@/test/db';
import { testViewer } from '@/test/viewer';

const session = vi.hoisted(() => {
  process.env.LOOM_ENCRYPTION_KEY = `v3:${Buffer.alloc(32, 7).toString('base64')}`;
  process.env.LOOM_ENCRYPTION_KEY_PREVIOUS = `v2:${Buffer.alloc(32, 2).toString('base64')}`;
  // The fake LLM servers listen on 127.0.0.1: the operator allows exactly that address.
  process.env.LOOM_PROVIDER_ALLOWLIST = '127.0.0.1';
  return { viewer: null as Viewer | null, prisma: undefined as unknown };
});
vi.mock('@/lib/server/auth/session', () => ({ getViewer: async () => session.viewer }));
vi.mock('@/lib/server/db', () => ({ getPrisma: async () => session.prisma }));

const { saveProviderAction, deleteProviderAction, testProviderAction, testProviderDraftAction } =
  await import('./actions');
const { listProviderConfigs } = await import('@/lib/server/providers');
const { createSecretBox, parseKeyring } = await import('@/lib/server/secret-box');

const API_KEY = `sk-test-${randomBytes(12).toString('hex')}wxyz`;

let db: TestDatabase;
let fake: FakeLlmServer;
let workspaceId: string;

beforeAll(async () => {
  [db, fake] = await Promise.all([createTestDatabase({ kind: 'postgres' }), startFakeLlmServer()]);
  session.prisma = db.prisma;
  workspaceId = (await db.prisma.workspace.create({ data: { slug: 'w', name: 'W' } })).id;
});
afterAll(async () => {
  await fake.close();
  await db.close();
});

function as(role: Viewer['role']) {
  session.viewer = testViewer(workspaceId, role);
}
beforeEach(() => as('admin'));

const audits = () => db.prisma.auditEvent.findMany({ where: { workspaceId }, orderBy: { createdAt: 'asc' } });

describe('provider settings actions', () => {
  it('stores the key sealed, shows it masked and audits the change without the key', async () => {
    const result = await saveProviderAction({
      kind: 'openai',
      name: 'openai',
      baseUrl: `${fake.url}/v1`,
      organization: 'org-1',
      apiKey: API_KEY,
    });
    expect(result).toMatchObject({ ok: true, data: { name: 'openai', apiKeyMasked: 'sk-…wxyz' } });
    expect(JSON.stringify(result)).not.toContain(API_KEY);

    const row = await db.prisma.providerConfig.findUniqueOrThrow({
      where: { workspaceId_name: { workspaceId, name: 'openai' } },
    });
    expect(row.apiKeyCipher).toMatch(/^v3\./);
    expect(row.apiKeyCipher).not.toContain(API_KEY.slice(8, 20));
    const views = await listProviderConfigs(db.prisma, workspaceId);
    expect(views).toEqual([
      expect.objectContaining({ name: 'openai', apiKeyMasked: 'sk-…wxyz', organization: 'org-1' }),
    ]);
    expect(JSON.stringify(views)).not.toContain(API_KEY);

    const [event] = await audits();
    expect(event).toMatchObject({
      action: 'provider.update',
      subject: 'provider:openai',
      actorEmail: 'boss@x.test',
      details: expect.objectContaining({ apiKey: 'changed', created: true }),
    });
    expect(JSON.stringify(event)).not.toContain(API_KEY);
  });

  it('keeps the stored key when the form leaves it blank, and tests the connection with it', async () => {
    const saved = await saveProviderAction({
      kind: 'openai',
      name: 'openai',
      baseUrl: `${fake.url}/v1`,
      apiKey: '',
    });
    expect(saved).toMatchObject({ ok: true, data: { apiKeyMasked: 'sk-…wxyz', organization: null } });
    expect((await audits()).at(-1)?.details).toMatchObject({ apiKey: 'unchanged', created: false });

    expect(await testProviderAction({ name: 'openai' })).toEqual({
      ok: true,
      data: { models: 4, sample: ['gpt-4o', 'gpt-4o-mini', 'llama3.2', 'qwen2.5:7b'] },
    });
  });

  it('reports the exact provider error for a base URL where nothing answers', async () => {
    const result = await testProviderDraftAction({
      kind: 'openai',
      name: 'broken',
      baseUrl: 'http://127.0.0.1:9/v1',
    });
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'UNAVAILABLE', message: expect.stringMatching(/^broken: /) },
    });
    expect(await db.prisma.providerConfig.count({ where: { name: 'broken' } })).toBe(0);
  });

  it('reports the provider status for a server that is not an OpenAI API', async () => {
    const result = await testProviderDraftAction({
      kind: 'openai',
      name: 'wrong-path',
      baseUrl: `${fake.url}/nope`,
    });
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND', message: expect.stringContaining('wrong-path: ') },
    });
  });

  it.each(['/website/v1', '/moved/v1'])(
    'does not call a base URL that serves a web page (%s) connected, and shows no HTML',
    async (path) => {
      const result = await testProviderDraftAction({
        kind: 'openai',
        name: 'site',
        baseUrl: `${fake.url}${path}`,
      });
      expect(result).toMatchObject({
        ok: false,
        error: {
          code: 'PROVIDER_ERROR',
          message: expect.stringContaining(
            'answered with an HTML page titled "Welcome to Example Corp" instead of a list of models',
          ),
        },
      });
      expect(JSON.stringify(result)).not.toMatch(/<[a-z!]/i);
    },
  );

  it('tests and saves an Ollama host', async () => {
    expect(await testProviderDraftAction({ kind: 'ollama', name: 'local', host: fake.url })).toMatchObject({
      ok: true,
      data: { models: 4 },
    });
    expect(await saveProviderAction({ kind: 'ollama', name: 'local', host: fake.url })).toMatchObject({
      ok: true,
      data: { kind: 'ollama', baseUrl: fake.url, apiKeyMasked: null },
    });
  });

  it('shows every invalid field and saves nothing', async () => {
    const result = await saveProviderAction({
      kind: 'openai',
      name: 'Bad Name',
      baseUrl: 'ftp://x',
      apiKey: 'k',
    });
    expect(result).toMatchObject({
      ok: false,
      error: {
        code: 'INVALID_INPUT',
        fieldErrors: { name: [expect.any(String)], baseUrl: ['Enter an http:// or https:// URL.'] },
      },
    });
    const official = await saveProviderAction({ kind: 'openai', name: 'official' });
    expect(official).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT', fieldErrors: { apiKey: [expect.any(String)] } },
    });
    expect(
      await db.prisma.providerConfig.count({
        where: { workspaceId, name: { in: ['official', 'Bad Name'] } },
      }),
    ).toBe(0);
  });

  it('refuses editors and viewers, whatever they send', async () => {
    const before = await audits();
    for (const role of ['editor', 'viewer'] as const) {
      as(role);
      const refused = { ok: false, error: { code: 'FORBIDDEN' } };
      expect(
        await saveProviderAction({
          kind: 'openai',
          name: 'openai',
          baseUrl: `${fake.url}/v1`,
          apiKey: 'sk-evil-000000000000',
        }),
      ).toMatchObject(refused);
      expect(await deleteProviderAction({ name: 'openai' })).toMatchObject(refused);
      expect(await testProviderAction({ name: 'openai' })).toMatchObject(refused);
      expect(await testProviderDraftAction({ kind: 'ollama', name: 'x', host: fake.url })).toMatchObject(
        refused,
      );
    }
    expect(await audits()).toHaveLength(before.length);
    expect(await db.prisma.providerConfig.count({ where: { workspaceId, name: 'openai' } })).toBe(1);
  });

  it('deletes a configuration with an audit entry; an unknown one is NOT_FOUND', async () => {
    expect(await deleteProviderAction({ name: 'local' })).toEqual({ ok: true, data: undefined });
    expect((await audits()).at(-1)).toMatchObject({ action: 'provider.delete', subject: 'provider:local' });
    expect(await deleteProviderAction({ name: 'local' })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
  });

  it('uses a key sealed before a rotation, and seals it again with the current key on save', async () => {
    const before = createSecretBox(parseKeyring(`v2:${Buffer.alloc(32, 2).toString('base64')}`));
    await db.prisma.providerConfig.create({
      data: {
        workspaceId,
        name: 'rotated',
        kind: 'openai',
        baseUrl: `${fake.url}/v1`,
        apiKeyCipher: before.seal(API_KEY, `provider:${workspaceId}/rotated`),
        apiKeyHint: 'sk-…wxyz',
      },
    });
    expect(await testProviderAction({ name: 'rotated' })).toMatchObject({ ok: true, data: { models: 4 } });
    expect(
      await saveProviderAction({ kind: 'openai', name: 'rotated', baseUrl: `${fake.url}/v1` }),
    ).toMatchObject({
      ok: true,
      data: { apiKeyMasked: 'sk-…wxyz' },
    });
    const row = await db.prisma.providerConfig.findUniqueOrThrow({
      where: { workspaceId_name: { workspaceId, name: 'rotated' } },
    });
    expect(row.apiKeyCipher).toMatch(/^v3\./);
    expect(await testProviderAction({ name: 'rotated' })).toMatchObject({ ok: true });
  });

  it('refuses a stored key that was altered in the database', async () => {
    const row = await db.prisma.providerConfig.findUniqueOrThrow({
      where: { workspaceId_name: { workspaceId, name: 'openai' } },
    });
    const parts = (row.apiKeyCipher ?? '').split('.');
    parts[3] = Buffer.from('sk-attacker-key-0000').toString('base64url');
    await db.prisma.providerConfig.update({
      where: { workspaceId_name: { workspaceId, name: 'openai' } },
      data: { apiKeyCipher: parts.join('.') },
    });
    expect(await testProviderAction({ name: 'openai' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT', message: expect.stringMatching(/integrity/) },
    });
  });
});

describe('provider addresses and keys (SSRF)', () => {
  it.each([
    ['http://169.254.169.254/latest/meta-data', 'link-local'],
    ['http://2852039166/v1', 'link-local'],
    ['http://10.0.0.1/v1', 'private'],
    ['http://[::1]:11434/v1', 'loopback'],
    ['http://[::ffff:a9fe:a9fe]/v1', 'link-local'],
    ['http://127.0.0.2:8080/v1', 'loopback'],
    ['http://localhost:3000/v1', 'this machine'],
  ])('refuses the base URL %s (%s) on test and on save', async (baseUrl, label) => {
    const draft = { kind: 'openai' as const, name: 'internal', baseUrl, apiKey: 'sk-x-000000000000' };
    for (const result of [await testProviderDraftAction(draft), await saveProviderAction(draft)]) {
      expect(result).toMatchObject({
        ok: false,
        error: { code: 'INVALID_INPUT', fieldErrors: { baseUrl: [expect.stringContaining(label)] } },
      });
    }
    expect(await db.prisma.providerConfig.count({ where: { workspaceId, name: 'internal' } })).toBe(0);
  });

  it('refuses an internal Ollama host on its own field', async () => {
    const result = await testProviderDraftAction({
      kind: 'ollama',
      name: 'meta',
      host: 'http://169.254.169.254',
    });
    expect(result).toMatchObject({
      ok: false,
      error: { fieldErrors: { host: [expect.stringContaining('LOOM_PROVIDER_ALLOWLIST')] } },
    });
  });

  it('refuses at request time a stored address that is internal (saved before the rule, or by hand)', async () => {
    await db.prisma.providerConfig.create({
      data: { workspaceId, name: 'legacy', kind: 'openai', baseUrl: 'http://169.254.169.254/v1' },
    });
    expect(await testProviderAction({ name: 'legacy' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT', message: expect.stringContaining('169.254.169.254 is a link-local') },
    });
  });

  it('never sends the stored key to a new address: the key must be typed again', async () => {
    const other = await startFakeLlmServer();
    try {
      const key = `sk-stored-${randomBytes(8).toString('hex')}`;
      await saveProviderAction({ kind: 'openai', name: 'keyed', baseUrl: `${fake.url}/v1`, apiKey: key });
      const moved = { kind: 'openai' as const, name: 'keyed', baseUrl: `${other.url}/v1` };
      const needsKey = {
        ok: false,
        error: {
          code: 'INVALID_INPUT',
          fieldErrors: { apiKey: [expect.stringMatching(/^Enter the API key again/)] },
        },
      };
      expect(await testProviderDraftAction(moved)).toMatchObject(needsKey);
      expect(await saveProviderAction(moved)).toMatchObject(needsKey);
      expect(other.requests).toEqual([]);

      // The same address, spelled with a trailing slash, still borrows the stored key.
      expect(
        await testProviderDraftAction({ kind: 'openai', name: 'keyed', baseUrl: `${fake.url}/v1/` }),
      ).toMatchObject({ ok: true, data: { models: 4 } });

      expect(await testProviderDraftAction({ ...moved, apiKey: 'sk-new-000000000000' })).toMatchObject({
        ok: true,
      });
      expect(await saveProviderAction({ ...moved, apiKey: 'sk-new-000000000000' })).toMatchObject({
        ok: true,
        data: { baseUrl: `${other.url}/v1`, apiKeyMasked: 'sk-…0000' },
      });
      expect(JSON.stringify(other.requests)).not.toContain(key);
    } finally {
      await other.close();
    }
  });
});
