// The Runs tab's actions and the progress route against a real PostgreSQL database; only the
// session is faked, and the job queue is a recording fake registered like the worker registers its own.
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPrismaRegistry } from '@/lib/adapters/prisma/registry';
import type { Viewer } from '@/lib/server/auth/session';
import { createTestDatabase, type TestDatabase } from '@/test/db';

const session = vi.hoisted(() => ({ viewer: null as Viewer | null, prisma: undefined as unknown }));
vi.mock('@/lib/server/auth/session', () => ({ getViewer: async () => session.viewer }));
vi.mock('@/lib/server/db', () => ({ getPrisma: async () => session.prisma }));

const { startRunsAction, cancelRunAction } = await import('./actions');
const { provideRunQueue } = await import('@/lib/server/suites/runs');
const progressRoute = await import('@/app/api/suites/runs/[runId]/progress/route');

let db: TestDatabase;
const workspaces: Record<'a' | 'b', string> = { a: '', b: '' };
const sent: string[] = [];

beforeAll(async () => {
  db = await createTestDatabase({ kind: 'postgres' });
  session.prisma = db.prisma;
  workspaces.a = (await db.prisma.workspace.create({ data: { slug: 'a', name: 'A' } })).id;
  workspaces.b = (await db.prisma.workspace.create({ data: { slug: 'b', name: 'B' } })).id;
  const workspaceId = workspaces.a;
  await db.prisma.providerConfig.create({
    data: { workspaceId, name: 'simulator', kind: 'openai', isSimulator: true, baseUrl: 'http://stale:1/v1' },
  });
  process.env.LOOM_SIMULATOR_URL ??= 'http://127.0.0.1:9'; // never called: no job runs here
  await createPrismaRegistry(db.prisma, workspaceId).save(
    {
      id: 'greet',
      version: 0,
      name: 'Greet',
      user: 'Hello {{ who }}',
      variables: [{ name: 'who', type: 'string', required: true }],
      model: { provider: 'simulator', model: 'gpt-4o-mini' },
    },
    { author: 'ed@x.test' },
  );
  await db.prisma.suite.create({
    data: { workspaceId, id: 's1', name: 'S', promptId: 'greet', revision: 1, updatedAt: new Date() },
  });
  await db.prisma.suiteRevision.create({
    data: { workspaceId, suiteId: 's1', revision: 1, evaluators: [{ kind: 'contains' }], caseCount: 2 },
  });
  await db.prisma.suiteCase.createMany({
    data: [
      {
        workspaceId,
        suiteId: 's1',
        revision: 1,
        caseId: 'c1',
        position: 0,
        input: { who: 'Ada' },
        expected: 'Ada',
        tags: [],
      },
      {
        workspaceId,
        suiteId: 's1',
        revision: 1,
        caseId: 'c2',
        position: 1,
        input: { whom: 'Bob' },
        expected: 'Bob',
        tags: [],
      },
    ],
  });
  provideRunQueue({
    async send(_name, data) {
      sent.push(data.runId);
      return null;
    },
  });
});
afterAll(() => db.close());

function as(role: Viewer['role'], workspace: 'a' | 'b' = 'a') {
  session.viewer = {
    userId: 'u',
    email: 'ed@x.test',
    name: 'Ed',
    workspaceId: workspaces[workspace],
    workspaceName: workspace,
    role,
  };
}
beforeEach(() => as('editor'));

const progress = (runId: string) =>
  progressRoute.GET(new Request(`http://127.0.0.1/api/suites/runs/${runId}/progress`), {
    params: Promise.resolve({ runId }),
  });

describe('startRunsAction / cancelRunAction', () => {
  it('refuses a start whose cases do not fit, with the cases listed under "cases"', async () => {
    const result = await startRunsAction({ suiteId: 's1', versions: ['production', 1] });
    // No production label yet: the version is named in the refusal.
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND', message: 'Prompt "greet" has no production version.' },
    });
    const refused = await startRunsAction({ suiteId: 's1', versions: [1] });
    expect(refused).toMatchObject({
      ok: false,
      error: {
        code: 'INVALID_INPUT',
        message: expect.stringMatching(/^1 case does not fit/),
        fieldErrors: { cases: [expect.stringContaining('Case "c2" (row 2) does not fit version 1')] },
      },
    });
    expect(sent).toEqual([]);
  });

  it('starts, reports progress, cancels; a viewer can neither start nor cancel (forged calls too)', async () => {
    await db.prisma.suiteCase.update({
      where: {
        workspaceId_suiteId_revision_caseId: {
          workspaceId: workspaces.a,
          suiteId: 's1',
          revision: 1,
          caseId: 'c2',
        },
      },
      data: { input: { who: 'Bob' } },
    });
    const started = await startRunsAction({ suiteId: 's1', versions: [1], concurrency: 2 });
    expect(started.ok).toBe(true);
    const runId = started.ok ? started.data.runs[0]!.id : '';
    expect(sent).toEqual([runId]);

    const response = await progress(runId);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toMatchObject({
      status: 'queued',
      done: 0,
      total: 2,
      costMicros: 0,
      etaMs: null,
    });

    as('viewer');
    expect(await startRunsAction({ suiteId: 's1', versions: [1] })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    expect(await cancelRunAction({ runId })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    // Viewers may read progress.
    expect((await progress(runId)).status).toBe(200);
    // Another workspace does not see the run.
    as('admin', 'b');
    expect((await progress(runId)).status).toBe(404);
    expect(await cancelRunAction({ runId })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });

    as('editor');
    expect(await cancelRunAction({ runId })).toEqual({ ok: true, data: { status: 'cancelled' } });
    expect(await (await progress(runId)).json()).toMatchObject({ status: 'cancelled' });
  });

  it('answers 401 without a session', async () => {
    session.viewer = null;
    expect((await progress('x')).status).toBe(401);
    expect(await startRunsAction({ suiteId: 's1', versions: [1] })).toMatchObject({
      ok: false,
      error: { code: 'UNAUTHENTICATED' },
    });
  });
});
