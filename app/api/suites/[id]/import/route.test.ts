// The import and export routes against a real PostgreSQL database; only the session is faked.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPrismaRegistry } from '@/lib/adapters/prisma/registry';
import type { Viewer } from '@/lib/server/auth/session';
import { createTestDatabase, type TestDatabase } from '@/test/db';

const session = vi.hoisted(() => ({ viewer: null as Viewer | null, prisma: undefined as unknown }));
vi.mock('@/lib/server/auth/session', () => ({ getViewer: async () => session.viewer }));
vi.mock('@/lib/server/db', () => ({ getPrisma: async () => session.prisma }));

// Exports are files of the blob store: the file-system default, under a data directory of this test's own.
const dataDir = await mkdtemp(path.join(tmpdir(), 'loom-route-test-'));
process.env.LOOM_DATA_DIR = dataDir;

const { POST, GET: GET_IMPORTED } = await import('./route');
const { GET } = await import('../export/route');
const { createSuite, createSuiteSchema } = await import('@/lib/server/suites/suites');

let db: TestDatabase;
let workspaceId: string;
let suiteId: string;

function as(role: Viewer['role']) {
  session.viewer = {
    userId: 'u',
    email: `${role}@x.test`,
    name: role,
    workspaceId,
    workspaceName: 'W',
    role,
  };
}

beforeAll(async () => {
  db = await createTestDatabase({ kind: 'postgres' });
  session.prisma = db.prisma;
  workspaceId = (await db.prisma.workspace.create({ data: { slug: 'w', name: 'W' } })).id;
  await createPrismaRegistry(db.prisma, workspaceId).save({
    id: 'p',
    version: 0,
    name: 'P',
    user: '{{ q }} {{ n }}',
    variables: [
      { name: 'q', type: 'string', required: true },
      { name: 'n', type: 'number', required: false },
    ],
  });
  suiteId = (
    await createSuite(
      db.prisma,
      { workspaceId, email: 'x' },
      createSuiteSchema.parse({ name: 'S', promptId: 'p' }),
    )
  ).id;
});
afterAll(async () => {
  await db.close();
  await rm(dataDir, { recursive: true, force: true });
});
beforeEach(() => as('editor'));

function post(body: string, query: string, headers: Record<string, string> = {}) {
  return POST(
    new Request(`http://127.0.0.1/api/suites/${suiteId}/import?${query}`, {
      method: 'POST',
      headers: { origin: 'http://127.0.0.1', 'content-type': 'text/csv', ...headers },
      body,
    }),
    { params: Promise.resolve({ id: suiteId }) },
  );
}

describe('POST /api/suites/[id]/import', () => {
  it('refuses another site, a viewer and a body over the cap', async () => {
    expect((await post('q\nx', 'format=csv&expectedRevision=1', { origin: 'http://evil.test' })).status).toBe(
      403,
    );
    expect(
      (await post('q\nx', 'format=csv&expectedRevision=1', { 'content-type': 'text/plain' })).status,
    ).toBe(415);
    as('viewer');
    const viewer = await post('q\nx', 'format=csv&expectedRevision=1');
    expect(viewer.status).toBe(403);
    as('editor');
    const big = await post('q\n' + 'x'.repeat(11 * 1024 * 1024), 'format=csv&expectedRevision=1');
    expect(big.status).toBe(413);
    expect((await db.prisma.suite.findFirstOrThrow({ where: { id: suiteId } })).revision).toBe(1);
  });

  it('answers 422 with row and column problems, then imports a good file', async () => {
    const bad = await post('q,n\nok,1\nno,abc', 'format=csv&mode=append&expectedRevision=1');
    expect(bad.status).toBe(422);
    expect(await bad.json()).toMatchObject({
      code: 'INVALID_INPUT',
      problems: [{ row: 3, column: 'n', message: '"n" must be a number' }],
      more: 0,
    });
    const good = await post('q,n\nok,1\nfine,2', 'format=csv&mode=append&expectedRevision=1');
    expect(good.status).toBe(200);
    expect(await good.json()).toEqual({ revision: 2, imported: 2, caseCount: 2 });
    const stale = await post('q\nlate', 'format=csv&mode=append&expectedRevision=1');
    expect(stale.status).toBe(409);

    const exported = await GET(new Request(`http://127.0.0.1/api/suites/${suiteId}/export?format=csv`), {
      params: Promise.resolve({ id: suiteId }),
    });
    expect(exported.headers.get('content-disposition')).toBe('attachment; filename="s-r2.csv"');
    expect(await exported.text()).toBe(
      'id,q,n,expected,tags,notes\r\ncase-1,ok,1,,,\r\ncase-2,fine,2,,,\r\n',
    );

    // The imported file is kept with revision 2; revision 1 was not imported.
    const imported = (revision: number) =>
      GET_IMPORTED(new Request(`http://127.0.0.1/api/suites/${suiteId}/import?revision=${revision}`), {
        params: Promise.resolve({ id: suiteId }),
      });
    const source = await imported(2);
    expect(source.headers.get('content-disposition')).toBe('attachment; filename="s-r2-imported.csv"');
    expect(await source.text()).toBe('q,n\nok,1\nfine,2');
    expect((await imported(1)).status).toBe(404);
    session.viewer = null;
    expect((await imported(2)).status).toBe(401);
  });
});
