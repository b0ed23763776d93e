// The case table's GET routes as the browser calls them; only the session is faked.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Viewer } from '@/lib/server/auth/session';
import { createTestDatabase, type TestDatabase } from '@/test/db';
import { caseResult, seedRun, seedSuite } from '@/test/seed-runs';

const session = vi.hoisted(() => ({ viewer: null as Viewer | null, prisma: undefined as unknown }));
vi.mock('@/lib/server/auth/session', () => ({ getViewer: async () => session.viewer }));
vi.mock('@/lib/server/db', () => ({ getPrisma: async () => session.prisma }));

const { GET: listCases } = await import('./route');
const { GET: getCase } = await import('./[caseId]/route');

let db: TestDatabase;
let workspaceId: string;
const cases = Array.from({ length: 3 }, (_, i) => ({ caseId: `c ${i}`, input: { q: `question ${i}` } }));
const list = (query: string, runId = 'run-1') =>
  listCases(new Request(`http://x/api/suites/runs/${runId}/cases?${query}`), {
    params: Promise.resolve({ runId }),
  });
const one = (caseId: string, runId = 'run-1') =>
  getCase(new Request('http://x'), {
    params: Promise.resolve({ runId, caseId: encodeURIComponent(caseId) }),
  });

beforeAll(async () => {
  db = await createTestDatabase({ kind: 'postgres' });
  session.prisma = db.prisma;
  workspaceId = (await db.prisma.workspace.create({ data: { slug: 'w', name: 'W' } })).id;
  await seedSuite(db.prisma, workspaceId, { id: 's', promptId: 'missing-prompt', cases });
  await seedRun(db.prisma, workspaceId, {
    id: 'run-1',
    suiteId: 's',
    promptId: 'missing-prompt',
    results: cases.map((c, i) => caseResult(c.caseId, { judgePass: i !== 1 })),
  });
});
afterAll(() => db.close());

describe('GET /api/suites/runs/[runId]/cases', () => {
  it('answers a signed-in viewer with a page of cases, filtered', async () => {
    session.viewer = {
      userId: 'u',
      email: 'v@x.test',
      name: 'v',
      workspaceId,
      workspaceName: 'W',
      role: 'viewer',
    };
    const response = await list('filter=failed');
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toMatchObject({ total: 1, rows: [{ caseId: 'c 1', verdict: 'fail' }] });
  });

  it('names a bad parameter, hides other workspaces, and refuses without a session', async () => {
    expect((await list('filter=nope')).status).toBe(400);
    expect((await list('', 'someone-elses-run')).status).toBe(404);
    session.viewer = null;
    expect((await list('')).status).toBe(401);
    expect((await one('c 0')).status).toBe(401);
  });

  it('answers one case, saying why its messages could not be rendered', async () => {
    session.viewer = {
      userId: 'u',
      email: 'v@x.test',
      name: 'v',
      workspaceId,
      workspaceName: 'W',
      role: 'viewer',
    };
    const response = await one('c 0');
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      caseId: 'c 0',
      messages: null,
      messagesError: expect.stringMatching(/could not be rendered/),
      evaluations: [{ name: 'mentions-answer' }, { name: 'helpfulness', isJudge: true }],
    });
    expect((await one('nope')).status).toBe(404);
  });
});
