// The comparison's case routes against a real PostgreSQL database; only the session is faked.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Viewer } from '@/lib/server/auth/session';
import { createTestDatabase, type TestDatabase } from '@/test/db';

const session = vi.hoisted(() => ({ viewer: null as Viewer | null, prisma: undefined as unknown }));
vi.mock('@/lib/server/auth/session', () => ({ getViewer: async () => session.viewer }));
vi.mock('@/lib/server/db', () => ({ getPrisma: async () => session.prisma }));

const { GET: getCases } = await import('./route');
const { GET: getCase } = await import('../case/route');

let db: TestDatabase;
let workspaceId: string;

beforeAll(async () => {
  db = await createTestDatabase({ kind: 'postgres' });
  session.prisma = db.prisma;
  workspaceId = (await db.prisma.workspace.create({ data: { slug: 'w', name: 'W' } })).id;
  await db.prisma.suite.create({
    data: { workspaceId, id: 's', name: 'S', promptId: 'p', revision: 1, updatedAt: new Date() },
  });
  for (const [id, passes] of [
    ['a', [true, true]],
    ['b', [false, true]],
  ] as const) {
    await db.prisma.suiteRun.create({
      data: { workspaceId, id, suiteId: 's', status: 'completed', startedAt: new Date() },
    });
    await db.prisma.evalRun.create({
      data: {
        workspaceId,
        id,
        suiteId: 's',
        suiteRevision: 1,
        promptId: 'p',
        promptVersion: id === 'a' ? 1 : 2,
        batchId: 'x',
        provider: 'fake',
        model: 'm',
        concurrency: 1,
        status: 'completed',
        total: 2,
      },
    });
    await db.prisma.suiteCaseResult.createMany({
      data: passes.map((pass, i) => ({
        workspaceId,
        runId: id,
        caseId: `c${i}`,
        pass,
        result: {
          caseId: `c${i}`,
          output: `${id} says ${i}`,
          evaluations: [],
          score: pass ? 1 : 0,
          pass,
          latencyMs: 1,
          costMicros: 1,
          judgeCostMicros: 0,
        },
      })),
    });
  }
});
afterAll(() => db.close());

const viewer = (): Viewer => ({
  userId: 'u',
  email: 'v@x.test',
  name: 'V',
  workspaceId,
  workspaceName: 'W',
  role: 'viewer',
});

describe('GET /api/suites/compare/cases', () => {
  it('asks for a session', async () => {
    session.viewer = null;
    const response = await getCases(
      new Request('http://x/api/suites/compare/cases?suite=s&baseline=a&runs=b'),
    );
    expect(response.status).toBe(401);
  });

  it('answers a page of cases, regressions first, to a viewer', async () => {
    session.viewer = viewer();
    const response = await getCases(
      new Request('http://x/api/suites/compare/cases?suite=s&baseline=a&runs=b&changed=1'),
    );
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      rows: Array<{ caseId: string; flags: string[] }>;
      total: number;
    };
    expect(body.total).toBe(1);
    expect(body.rows[0]).toMatchObject({ caseId: 'c0', flags: ['regression'] });
  });

  it('names a bad parameter and refuses a comparison of fewer than 2 runs', async () => {
    session.viewer = viewer();
    const bad = await getCases(
      new Request('http://x/api/suites/compare/cases?suite=s&baseline=a&runs=b&page=0'),
    );
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { message: string }).message).toContain('"page"');
    const one = await getCases(new Request('http://x/api/suites/compare/cases?suite=s&baseline=a&runs=a'));
    expect(one.status).toBe(400);
    expect(await one.json()).toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('answers one case with both outputs, and 404 for another workspace', async () => {
    session.viewer = viewer();
    const response = await getCase(
      new Request('http://x/api/suites/compare/case?suite=s&baseline=a&runs=b&case=c0'),
    );
    expect(response.status).toBe(200);
    const body = (await response.json()) as { sides: Array<{ output: string }> };
    expect(body.sides.map((s) => s.output)).toEqual(['a says 0', 'b says 0']);
    session.viewer = { ...viewer(), workspaceId: 'elsewhere' };
    const foreign = await getCase(
      new Request('http://x/api/suites/compare/case?suite=s&baseline=a&runs=b&case=c0'),
    );
    expect(foreign.status).toBe(404);
  });
});
