// The API key actions against a real PostgreSQL database; only the session is faked.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Viewer } from '@/lib/server/auth/session';
import { createTestDatabase, type TestDatabase } from '@/test/db';
import { testViewer } from '@/test/viewer';

const session = vi.hoisted(() => ({ viewer: null as Viewer | null, prisma: undefined as unknown }));
vi.mock('@/lib/server/auth/session', () => ({ getViewer: async () => session.viewer }));
vi.mock('@/lib/server/db', () => ({ getPrisma: async () => session.prisma }));

const { createApiKeyAction, revokeApiKeyAction } = await import('./actions');
const { listApiKeys, verifyApiKey } = await import('@/lib/server/api/keys');

let db: TestDatabase;
let workspaceId: string;

beforeAll(async () => {
  db = await createTestDatabase({ kind: 'postgres' });
  session.prisma = db.prisma;
  workspaceId = (await db.prisma.workspace.create({ data: { slug: 'w', name: 'W' } })).id;
});
afterAll(() => db.close());

function as(role: Viewer['role']) {
  session.viewer = testViewer(workspaceId, role);
}

describe('API key actions', () => {
  it('an admin creates a key whose secret works, and revokes it', async () => {
    as('admin');
    const created = await createApiKeyAction({ name: 'App', scopes: ['prompts:read', 'prompts:execute'] });
    if (!created.ok) throw new Error(created.error.message);
    expect(created.data.key).toMatchObject({ name: 'App', scopes: ['prompts:read', 'prompts:execute'] });
    expect(await verifyApiKey(db.prisma, created.data.secret)).toMatchObject({ workspaceId });
    const revoked = await revokeApiKeyAction({ id: created.data.key.id });
    expect(revoked).toMatchObject({ ok: true, data: { revokedBy: 'boss@x.test' } });
    expect(await verifyApiKey(db.prisma, created.data.secret)).toBeUndefined();
  });

  it('editors and viewers may not create or revoke keys', async () => {
    as('admin');
    const created = await createApiKeyAction({ name: 'Kept', scopes: ['prompts:read'] });
    if (!created.ok) throw new Error(created.error.message);
    for (const role of ['editor', 'viewer'] as const) {
      as(role);
      expect(await createApiKeyAction({ name: 'Nope', scopes: ['prompts:read'] })).toMatchObject({
        ok: false,
        error: { code: 'FORBIDDEN' },
      });
      expect(await revokeApiKeyAction({ id: created.data.key.id })).toMatchObject({
        ok: false,
        error: { code: 'FORBIDDEN' },
      });
    }
    expect((await listApiKeys(db.prisma, workspaceId)).map((k) => k.name)).not.toContain('Nope');
  });

  it('names the field of a bad input: no name, no scope, an unknown scope', async () => {
    as('admin');
    const bad = await createApiKeyAction({ name: ' ', scopes: [] });
    expect(bad).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    if (bad.ok) return;
    expect(bad.error.fieldErrors).toMatchObject({
      name: ['Enter a name.'],
      scopes: ['Choose at least one scope.'],
    });
    const unknown = await createApiKeyAction({ name: 'x', scopes: ['admin:all' as 'prompts:read'] });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  });

  it('a key of another workspace cannot be revoked from this one', async () => {
    as('admin');
    const other = (await db.prisma.workspace.create({ data: { slug: 'o', name: 'O' } })).id;
    session.viewer = { ...session.viewer!, workspaceId: other };
    const foreign = await createApiKeyAction({ name: 'Theirs', scopes: ['prompts:read'] });
    if (!foreign.ok) throw new Error(foreign.error.message);
    as('admin');
    expect(await revokeApiKeyAction({ id: foreign.data.key.id })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
  });
});
