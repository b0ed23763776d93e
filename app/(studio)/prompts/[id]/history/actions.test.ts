// Promotion, rollback and labels through the actions a browser calls; only the session is faked.
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPrismaRegistry } from '@/lib/adapters/prisma/registry';
import type { Viewer } from '@/lib/server/auth/session';
import { createTestDatabase, type TestDatabase } from '@/test/db';

const session = vi.hoisted(() => ({ viewer: null as Viewer | null, prisma: undefined as unknown }));
vi.mock('@/lib/server/auth/session', () => ({ getViewer: async () => session.viewer }));
vi.mock('@/lib/server/db', () => ({ getPrisma: async () => session.prisma }));

const { promoteVersionAction, removeLabelAction, saveGateAction, setLabelAction } = await import('./actions');

let db: TestDatabase;
let workspaceId: string;
const registry = () => createPrismaRegistry(db.prisma, workspaceId);
const as = (role: Viewer['role']) => {
  session.viewer = {
    userId: 'u1',
    email: `${role}@x.test`,
    name: role,
    workspaceId,
    workspaceName: 'W',
    role,
  };
};

beforeAll(async () => {
  db = await createTestDatabase({ kind: 'postgres' });
  session.prisma = db.prisma;
  workspaceId = (await db.prisma.workspace.create({ data: { slug: 'w', name: 'W' } })).id;
  await registry().save({ id: 'faq', version: 0, name: 'FAQ', user: 'one' });
  await registry().save({ id: 'faq', version: 0, name: 'FAQ', user: 'two' });
});
afterAll(() => db.close());
beforeEach(() => as('editor'));

const audit = () =>
  db.prisma.auditEvent.findMany({ where: { subject: 'prompt:faq' }, orderBy: { createdAt: 'asc' } });

describe('promote and roll back', () => {
  it('moves production forward and back, writing who moved it from where to where', async () => {
    expect(await promoteVersionAction({ promptId: 'faq', version: 2 })).toEqual({
      ok: true,
      data: { label: 'production', to: 2 },
    });
    as('admin');
    expect(await promoteVersionAction({ promptId: 'faq', version: 1 })).toEqual({
      ok: true,
      data: { label: 'production', from: 2, to: 1 },
    });
    expect((await registry().getByLabel('faq', 'production')).version).toBe(1);
    expect((await audit()).map((e) => [e.actorEmail, e.action, e.details])).toEqual([
      ['editor@x.test', 'label.set', { label: 'production', from: null, to: 2 }],
      ['admin@x.test', 'label.set', { label: 'production', from: 2, to: 1 }],
    ]);
  });

  it('refuses a viewer, whatever it sends, and changes nothing', async () => {
    const before = (await audit()).length;
    as('viewer');
    for (const result of [
      await promoteVersionAction({ promptId: 'faq', version: 2 }),
      await setLabelAction({ promptId: 'faq', label: 'production', version: 2 }),
      await setLabelAction({ promptId: 'faq', label: 'staging', version: 2 }),
      await removeLabelAction({ promptId: 'faq', label: 'production' }),
    ]) {
      expect(result).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    }
    expect((await registry().getByLabel('faq', 'production')).version).toBe(1);
    expect(await audit()).toHaveLength(before);
  });

  it('refuses a version that does not exist', async () => {
    expect(await promoteVersionAction({ promptId: 'faq', version: 7 })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
  });
});

describe('protected labels', () => {
  it('refuses production through "Set label" and remove, pointing at Promote, and moves nothing', async () => {
    as('admin');
    const before = (await audit()).length;
    const serving = (await registry().getByLabel('faq', 'production')).version;
    for (const label of ['production', ' Production ']) {
      expect(await setLabelAction({ promptId: 'faq', label, version: 2 })).toMatchObject({
        ok: false,
        error: {
          code: 'INVALID_INPUT',
          fieldErrors: { label: [expect.stringContaining('only through Promote or Roll back')] },
        },
      });
    }
    expect(await removeLabelAction({ promptId: 'faq', label: 'production' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT', message: expect.stringContaining('cannot be removed') },
    });
    expect((await registry().getByLabel('faq', 'production')).version).toBe(serving);
    expect(await audit()).toHaveLength(before);
  });
});

describe('other labels', () => {
  it('sets, moves and removes a custom label, normalising its case', async () => {
    expect(await setLabelAction({ promptId: 'faq', label: ' Canary ', version: 1 })).toMatchObject({
      ok: true,
      data: { label: 'canary', to: 1 },
    });
    expect(await setLabelAction({ promptId: 'faq', label: 'canary', version: 2 })).toMatchObject({
      ok: true,
      data: { from: 1, to: 2 },
    });
    expect(await removeLabelAction({ promptId: 'faq', label: 'canary' })).toEqual({
      ok: true,
      data: { label: 'canary', from: 2 },
    });
    expect(await registry().findByLabel('faq', 'canary')).toBeUndefined();
    expect((await audit()).slice(-3).map((e) => e.action)).toEqual([
      'label.set',
      'label.set',
      'label.remove',
    ]);
  });

  it('gives a field error for a label that is not a slug and NOT_FOUND for one that is not set', async () => {
    expect(await setLabelAction({ promptId: 'faq', label: 'no spaces!', version: 1 })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT', fieldErrors: { label: [expect.stringContaining('lowercase')] } },
    });
    expect(await removeLabelAction({ promptId: 'faq', label: 'never-set' })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
  });
});

describe('release gate', () => {
  let suiteId: string;
  const seedRun = async (version: number, passing: number, total: number) => {
    const id = `run-${version}-${passing}-${Date.now()}`;
    await db.prisma.evalRun.create({
      data: {
        workspaceId,
        id,
        suiteId,
        suiteRevision: 1,
        promptId: 'faq',
        promptVersion: version,
        batchId: id,
        provider: 'fake',
        model: 'fake-1',
        concurrency: 1,
        status: 'completed',
        total,
        finishedAt: new Date(),
      },
    });
    await db.prisma.suiteRun.create({
      data: { workspaceId, id, suiteId, status: 'done', startedAt: new Date() },
    });
    await db.prisma.suiteCaseResult.createMany({
      data: Array.from({ length: total }, (_, i) => ({
        workspaceId,
        runId: id,
        caseId: `c${i}`,
        result: {},
        pass: i < passing,
      })),
    });
  };

  beforeAll(async () => {
    suiteId = (
      await db.prisma.suite.create({
        data: { workspaceId, name: 'FAQ suite', promptId: 'faq', revision: 1, updatedAt: new Date() },
      })
    ).id;
    await registry().setLabel('faq', 'production', 1);
  });

  it('is set by admins only', async () => {
    const gate = { promptId: 'faq', suiteId, minPassRate: 0.9, requireNoRegression: false };
    for (const role of ['editor', 'viewer'] as const) {
      as(role);
      expect(await saveGateAction(gate)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    }
    as('admin');
    expect(await saveGateAction({ ...gate, minPassRate: 2 })).toMatchObject({
      ok: false,
      error: {
        code: 'INVALID_INPUT',
        fieldErrors: { minPassRate: [expect.stringContaining('between 0% and 100%')] },
      },
    });
    expect(await saveGateAction(gate)).toMatchObject({ ok: true, data: { suiteId, minPassRate: 0.9 } });
  });

  it('refuses a failing version, lets only an admin override it with a reason, and audits the reason', async () => {
    await seedRun(2, 6, 10);
    as('editor');
    const refused = await promoteVersionAction({ promptId: 'faq', version: 2 });
    expect(refused).toMatchObject({
      ok: false,
      error: { code: 'GATE_FAILED', message: expect.stringContaining('Pass rate 60% (6 of 10 cases)') },
    });
    const reason = 'Urgent fix approved by the product owner.';
    expect(await promoteVersionAction({ promptId: 'faq', version: 2, overrideReason: reason })).toMatchObject(
      {
        ok: false,
        error: { code: 'FORBIDDEN' },
      },
    );
    as('viewer');
    expect(await promoteVersionAction({ promptId: 'faq', version: 2, overrideReason: reason })).toMatchObject(
      {
        ok: false,
        error: { code: 'FORBIDDEN' },
      },
    );
    as('admin');
    expect(await promoteVersionAction({ promptId: 'faq', version: 2 })).toMatchObject({
      ok: false,
      error: { code: 'GATE_FAILED' },
    });
    expect(
      await promoteVersionAction({ promptId: 'faq', version: 2, overrideReason: 'too short' }),
    ).toMatchObject({
      ok: false,
      error: {
        code: 'INVALID_INPUT',
        fieldErrors: { overrideReason: [expect.stringContaining('at least 10')] },
      },
    });
    expect((await registry().getByLabel('faq', 'production')).version).toBe(1);
    expect(await promoteVersionAction({ promptId: 'faq', version: 2, overrideReason: reason })).toEqual({
      ok: true,
      data: { label: 'production', from: 1, to: 2 },
    });
    const last = (await audit()).at(-1);
    expect(last).toMatchObject({
      actorEmail: 'admin@x.test',
      action: 'label.set',
      details: {
        label: 'production',
        from: 1,
        to: 2,
        gateOverride: { reason, failedChecks: [{ kind: 'passRate' }] },
      },
    });
  });

  it('gates a roll back to an older version too', async () => {
    as('editor');
    // v1 has no run of the suite: production cannot go back to it without evidence.
    expect(await promoteVersionAction({ promptId: 'faq', version: 1 })).toMatchObject({
      ok: false,
      error: { code: 'GATE_FAILED', message: expect.stringContaining('Run the suite on v1 first') },
    });
    await seedRun(1, 10, 10);
    expect(await promoteVersionAction({ promptId: 'faq', version: 1 })).toMatchObject({ ok: true });
  });
});
