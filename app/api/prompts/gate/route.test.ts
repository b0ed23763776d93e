// The promote dialog's read of the release gate, against a real PostgreSQL database; only the
// session is faked.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createPrismaRegistry } from '@/lib/adapters/prisma/registry';
import type { Viewer } from '@/lib/server/auth/session';
import { createTestDatabase, type TestDatabase } from '@/test/db';

const session = vi.hoisted(() => ({ viewer: null as Viewer | null, prisma: undefined as unknown }));
vi.mock('@/lib/server/auth/session', () => ({ getViewer: async () => session.viewer }));
vi.mock('@/lib/server/db', () => ({ getPrisma: async () => session.prisma }));

const { GET } = await import('./route');

let db: TestDatabase;
let workspaceId: string;
const get = (query: string) => GET(new Request(`http://127.0.0.1/api/prompts/gate?${query}`));

beforeAll(async () => {
  db = await createTestDatabase({ kind: 'postgres' });
  session.prisma = db.prisma;
  workspaceId = (await db.prisma.workspace.create({ data: { slug: 'w', name: 'W' } })).id;
  const registry = createPrismaRegistry(db.prisma, workspaceId);
  await registry.save({ id: 'faq', version: 0, name: 'FAQ', user: 'one' });
  await registry.save({ id: 'faq', version: 0, name: 'FAQ', user: 'two' });
  await registry.setLabel('faq', 'production', 1);
  const suite = await db.prisma.suite.create({
    data: { workspaceId, name: 'FAQ suite', promptId: 'faq', revision: 1, updatedAt: new Date() },
  });
  await db.prisma.promotionGate.create({
    data: { workspaceId, promptId: 'faq', suiteId: suite.id, minPassRate: 0.9 },
  });
});
afterAll(() => db.close());

describe('GET /api/prompts/gate', () => {
  it('answers 401 without a session and 400 for a bad version', async () => {
    session.viewer = null;
    expect((await get('id=faq&version=2')).status).toBe(401);
    session.viewer = {
      userId: 'u',
      email: 'v@x.test',
      name: 'V',
      workspaceId,
      workspaceName: 'W',
      role: 'viewer',
    };
    expect((await get('id=faq&version=zero')).status).toBe(400);
  });

  it('gives any member the checks of a version', async () => {
    const response = await get('id=faq&version=2');
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      enabled: true,
      passed: false,
      version: 2,
      productionVersion: 1,
      checks: [{ kind: 'passRate', passed: false, message: expect.stringContaining('Run the suite on v2') }],
    });
  });
});
