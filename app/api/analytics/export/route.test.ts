// The cost export against a real PostgreSQL database; only the session is faked.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createPrismaAnalyticsStore } from '@/lib/adapters/prisma/analytics';
import type { Viewer } from '@/lib/server/auth/session';
import { createTestDatabase, type TestDatabase } from '@/test/db';

const session = vi.hoisted(() => ({ viewer: null as Viewer | null, prisma: undefined as unknown }));
vi.mock('@/lib/server/auth/session', () => ({ getViewer: async () => session.viewer }));
vi.mock('@/lib/server/db', () => ({ getPrisma: async () => session.prisma }));

const { GET } = await import('./route');

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase({ kind: 'postgres' });
  session.prisma = db.prisma;
  const workspaceId = (await db.prisma.workspace.create({ data: { slug: 'w', name: 'W' } })).id;
  session.viewer = { workspaceId, role: 'viewer' } as Viewer;
  const at = new Date(Date.now() - 3_600_000);
  const run = {
    promptId: 'p',
    version: 1,
    provider: 'openai',
    latencyMs: 100,
    inputTokens: 10,
    outputTokens: 5,
    success: true,
    at,
  };
  await createPrismaAnalyticsStore(db.prisma, workspaceId).record([
    { ...run, model: '=cmd|calc', costMicros: 1_234_567 },
    { ...run, model: 'gpt-4o', costMicros: 250_000, source: 'judge' },
  ]);
});
afterAll(() => db.close());

const get = (query: string) => GET(new Request(`http://studio.test/api/analytics/export?${query}`));

describe('GET /api/analytics/export', () => {
  it('answers 401 without a session', async () => {
    const viewer = session.viewer;
    session.viewer = null;
    expect((await get('table=model')).status).toBe(401);
    session.viewer = viewer;
  });

  it('downloads a table with its total row, formulas escaped', async () => {
    const response = await get('table=model&range=24h');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="cost-by-model-/);
    const lines = (await response.text()).trim().split('\r\n');
    expect(lines).toContain(`"'=cmd|calc",1,0,10,5,1.234567,0,1.234567`);
    expect(lines.at(-1)).toBe('Total,2,0,20,10,1.484567,0,0.742284');
  });

  it('refuses an unknown table or a bad range with a message', async () => {
    const table = await get('table=colour');
    expect(table.status).toBe(400);
    expect(await table.text()).toContain('Unknown table “colour”');
    const range = await get('table=model&from=2026-05-02&to=2026-05-01');
    expect(range.status).toBe(400);
    expect(await range.text()).toContain('before it starts');
  });
});
