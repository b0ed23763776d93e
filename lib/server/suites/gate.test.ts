// The release gate: what checkGate finds, and its enforcement on every path that moves production,
// on the real PostgreSQL server and on the embedded PGlite. Runs are written as rows (the schema is
// the contract with the run engine).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createPrismaRegistry } from '@/lib/adapters/prisma/registry';
import { isLoomError } from '@/lib/loom/core';
import { promote } from '@/lib/loom/optimizer';
import { createTestDatabase, type TestDatabase, type TestDatabaseKind } from '@/test/db';
import { createStudioRegistry } from '../loom';
import { inRegistryTransaction, moveLabel } from '../prompts/prompt-history';
import { checkGate, findGate, saveGate, type SaveGateInput } from './gate';

type Role = 'admin' | 'editor' | 'viewer';

describe.each<TestDatabaseKind>(['postgres', 'pglite'])('release gate on %s', (kind) => {
  let db: TestDatabase;
  let workspaceId: string;
  let suiteId: string;
  let otherSuiteId: string;
  const actor = (role: Role) => ({ workspaceId, userId: `u-${role}`, email: `${role}@x.test`, role });
  const raw = () => createPrismaRegistry(db.prisma, workspaceId);
  const production = async () => (await raw().findByLabel('faq', 'production'))?.version;

  async function seedRun(options: {
    version: number;
    cases: (boolean | 'error')[];
    status?: string;
    revision?: number;
    finishedAt?: Date;
    suite?: string;
  }): Promise<string> {
    const id = randomUUID();
    const suite = options.suite ?? suiteId;
    const status = options.status ?? 'completed';
    const finished = ['completed', 'completed_with_errors', 'cancelled', 'failed'].includes(status);
    await db.prisma.evalRun.create({
      data: {
        workspaceId,
        id,
        suiteId: suite,
        suiteRevision: options.revision ?? 1,
        promptId: 'faq',
        promptVersion: options.version,
        batchId: id,
        provider: 'fake',
        model: 'fake-1',
        concurrency: 4,
        status,
        total: options.cases.length,
        startedAt: new Date(),
        finishedAt: finished ? (options.finishedAt ?? new Date()) : null,
      },
    });
    await db.prisma.suiteRun.create({
      data: { workspaceId, id, suiteId: suite, status: 'done', startedAt: new Date() },
    });
    await db.prisma.suiteCaseResult.createMany({
      data: options.cases.map((c, i) => ({
        workspaceId,
        runId: id,
        caseId: `case-${i}`,
        result: {},
        pass: c === true,
        errored: c === 'error',
      })),
    });
    return id;
  }
  const cases = (passing: number, total: number) => Array.from({ length: total }, (_, i) => i < passing);
  const setGate = (minPassRate: number | null, requireNoRegression = false) =>
    saveGate(db.prisma, actor('admin'), { promptId: 'faq', suiteId, minPassRate, requireNoRegression });

  beforeAll(async () => {
    db = await createTestDatabase({ kind });
    workspaceId = (await db.prisma.workspace.create({ data: { slug: 'w', name: 'W' } })).id;
    for (const user of ['one', 'two', 'three', 'four']) {
      await raw().save({ id: 'faq', version: 0, name: 'FAQ', user });
    }
    await raw().save({ id: 'other', version: 0, name: 'Other', user: 'x' });
    const now = new Date();
    suiteId = (
      await db.prisma.suite.create({
        data: { workspaceId, name: 'FAQ cases', promptId: 'faq', revision: 2, updatedAt: now },
      })
    ).id;
    otherSuiteId = (
      await db.prisma.suite.create({
        data: { workspaceId, name: 'Other cases', promptId: 'other', revision: 1, updatedAt: now },
      })
    ).id;
  }, 120_000);
  afterAll(() => db.close());
  beforeEach(async () => {
    await db.prisma.promotionGate.deleteMany({});
    await db.prisma.evalRun.deleteMany({});
    await db.prisma.suiteRun.deleteMany({});
    await db.prisma.caseReview.deleteMany({});
    await db.prisma.auditEvent.deleteMany({});
    await raw().setLabel('faq', 'production', 1);
  });

  describe('checkGate', () => {
    it('checks nothing without a gate', async () => {
      expect(await checkGate(db.prisma, workspaceId, 'faq', 2)).toMatchObject({
        enabled: false,
        passed: true,
        checks: [],
        productionVersion: 1,
      });
    });

    it('fails without a finished run, says what to run, and ignores unfinished ones', async () => {
      await setGate(0.8);
      let result = await checkGate(db.prisma, workspaceId, 'faq', 2);
      expect(result).toMatchObject({ enabled: true, passed: false });
      expect(result.checks).toEqual([
        {
          kind: 'passRate',
          passed: false,
          message: 'No finished run of suite “FAQ cases” on v2. Run the suite on v2 first.',
        },
      ]);
      await seedRun({ version: 2, cases: cases(10, 10), status: 'running', revision: 2 });
      await seedRun({ version: 2, cases: cases(10, 10), status: 'cancelled', revision: 2 });
      await seedRun({ version: 2, cases: cases(10, 10), status: 'failed', revision: 2 });
      result = await checkGate(db.prisma, workspaceId, 'faq', 2);
      expect(result.passed).toBe(false);
      expect(result.checks[0]?.message).toContain('A run is still in progress; only finished runs count.');
      // Another version's run is no evidence for v2.
      await seedRun({ version: 3, cases: cases(10, 10), revision: 2 });
      expect((await checkGate(db.prisma, workspaceId, 'faq', 2)).passed).toBe(false);
    });

    it('compares the pass rate with the minimum, at the boundary too', async () => {
      await setGate(0.8);
      const below = await seedRun({
        version: 2,
        cases: cases(7, 10),
        revision: 2,
        finishedAt: new Date(1000),
      });
      let result = await checkGate(db.prisma, workspaceId, 'faq', 2);
      expect(result.passed).toBe(false);
      expect(result.checks[0]).toMatchObject({
        kind: 'passRate',
        passed: false,
        message: 'Pass rate 70% (7 of 10 cases) on suite “FAQ cases” is below the minimum of 80%.',
        evidence: { runId: below, suiteId, passRate: 0.7, n: 10, productionRunId: null },
      });
      // The most recent finished run is the evidence: 16 of 20 is exactly 80%.
      const exact = await seedRun({
        version: 2,
        cases: cases(16, 20),
        revision: 2,
        finishedAt: new Date(2000),
      });
      result = await checkGate(db.prisma, workspaceId, 'faq', 2);
      expect(result.passed).toBe(true);
      expect(result.checks[0]).toMatchObject({
        passed: true,
        evidence: { runId: exact, passRate: 0.8, n: 20 },
      });
    });

    it('prefers a run on the suite’s latest revision and says when only an older one exists', async () => {
      await setGate(0.5);
      const old = await seedRun({ version: 2, cases: cases(9, 10), revision: 1, finishedAt: new Date(5000) });
      let result = await checkGate(db.prisma, workspaceId, 'faq', 2);
      expect(result.checks[0]?.evidence?.runId).toBe(old);
      expect(result.checks[0]?.message).toContain(
        'This run used revision 1; the suite is now at revision 2.',
      );
      const latest = await seedRun({
        version: 2,
        cases: cases(6, 10),
        revision: 2,
        finishedAt: new Date(1000),
      });
      result = await checkGate(db.prisma, workspaceId, 'faq', 2);
      expect(result.checks[0]?.evidence?.runId).toBe(latest);
    });

    it('counts errors as failures and applies reviewers’ verdicts', async () => {
      await setGate(0.8);
      const runId = await seedRun({
        version: 2,
        cases: [true, true, true, true, true, true, 'error', false, false, false],
        status: 'completed_with_errors',
        revision: 2,
      });
      expect((await checkGate(db.prisma, workspaceId, 'faq', 2)).checks[0]?.evidence?.passRate).toBe(0.6);
      const review = (caseId: string, pass: boolean) =>
        db.prisma.caseReview.create({
          data: { workspaceId, runId, caseId, pass, reason: 'checked by hand', reviewerEmail: 'r@x.test' },
        });
      await review('case-7', true);
      await review('case-6', true);
      let result = await checkGate(db.prisma, workspaceId, 'faq', 2);
      expect(result).toMatchObject({ passed: true, checks: [{ evidence: { passRate: 0.8 } }] });
      await review('case-0', false);
      result = await checkGate(db.prisma, workspaceId, 'faq', 2);
      expect(result).toMatchObject({ passed: false, checks: [{ evidence: { passRate: 0.7 } }] });
    });

    it('detects a significant regression against production’s run, and passes a small change', async () => {
      await setGate(null, true);
      const prodRun = await seedRun({ version: 1, cases: cases(20, 20), revision: 2 });
      const worse = await seedRun({ version: 2, cases: cases(12, 20), revision: 2 });
      let result = await checkGate(db.prisma, workspaceId, 'faq', 2);
      expect(result.passed).toBe(false);
      expect(result.checks[0]).toMatchObject({
        kind: 'noRegression',
        passed: false,
        evidence: { runId: worse, productionRunId: prodRun, productionVersion: 1, lost: 8, gained: 0, n: 20 },
      });
      expect(result.checks[0]?.message).toMatch(
        /^Significant regression against production v1: 8 cases passing on v1 fail on v2, 0 the other way, of 20 paired cases; p = 0\.008\.$/,
      );
      await seedRun({ version: 3, cases: cases(19, 20), revision: 2 });
      result = await checkGate(db.prisma, workspaceId, 'faq', 3);
      expect(result.passed).toBe(true);
      expect(result.checks[0]?.message).toContain('No significant regression against production v1: 1 case');
    });

    it('fails without a production run, and says when the runs used different revisions', async () => {
      await setGate(null, true);
      await seedRun({ version: 2, cases: cases(10, 10), revision: 2 });
      let result = await checkGate(db.prisma, workspaceId, 'faq', 2);
      expect(result.checks[0]).toMatchObject({
        passed: false,
        message:
          'No finished run of suite “FAQ cases” on production v1 to compare with. Run the suite on v1 too.',
      });
      await seedRun({ version: 1, cases: cases(10, 10), revision: 1 });
      result = await checkGate(db.prisma, workspaceId, 'faq', 2);
      expect(result.passed).toBe(true);
      expect(result.checks[0]?.message).toContain(
        'The runs used different suite revisions (1 on v1, 2 on v2)',
      );
    });

    it('checks nothing for the production version itself, and nothing regresses from an empty production', async () => {
      await setGate(0.9, true);
      expect(await checkGate(db.prisma, workspaceId, 'faq', 1)).toMatchObject({
        enabled: true,
        passed: true,
        isProduction: true,
        checks: [],
      });
      await seedRun({ version: 2, cases: cases(10, 10), revision: 2 });
      expect(await checkGate(db.prisma, workspaceId, 'faq', 2, { productionVersion: null })).toMatchObject({
        passed: true,
        checks: [
          { kind: 'passRate', passed: true },
          {
            kind: 'noRegression',
            passed: true,
            message: 'Nothing is in production yet, so there is nothing to regress from.',
          },
        ],
      });
    });
  });

  describe('enforcement', () => {
    const gateFailed = (error: unknown) => isLoomError(error, 'GATE_FAILED');

    it('refuses a failing version on every path that moves production, and leaves no trace', async () => {
      await setGate(0.8);
      await seedRun({ version: 2, cases: cases(5, 10), revision: 2 });
      const auditBefore = await db.prisma.auditEvent.count();
      // The studio's action path.
      const error = await moveLabel(db.prisma, actor('editor'), {
        promptId: 'faq',
        label: 'production',
        version: 2,
      }).catch((e: unknown) => e);
      expect(gateFailed(error)).toBe(true);
      expect(isLoomError(error) && error.details.checks).toEqual([
        expect.objectContaining({ kind: 'passRate', passed: false }),
      ]);
      // Any registry the composition root hands out (getRegistry, and transactions joining it).
      await expect(
        createStudioRegistry(db.prisma, workspaceId).setLabel('faq', 'production', 2),
      ).rejects.toSatisfy(gateFailed);
      await expect(
        inRegistryTransaction(db.prisma, workspaceId, (registry) =>
          registry.setLabel('faq', 'production', 2),
        ),
      ).rejects.toSatisfy(gateFailed);
      // An experiment promoting its winner asks a promoter, which the studio backs with moveLabel.
      const experiment = {
        id: 'exp',
        promptId: 'faq',
        metric: { kind: 'binary' as const },
        variants: [
          { name: 'a', version: 1, weight: 1 },
          { name: 'b', version: 2, weight: 1 },
        ],
      };
      await expect(
        promote(experiment, { status: 'winner', winner: { name: 'b', version: 2 } } as never, {
          moveLabel: (request) =>
            moveLabel(db.prisma, actor('editor'), {
              promptId: request.promptId,
              label: request.label,
              version: request.winner.version,
            }),
        }),
      ).rejects.toSatisfy(gateFailed);
      expect(await production()).toBe(1);
      expect(await db.prisma.auditEvent.count()).toBe(auditBefore);
      // Other labels and a passing version move freely.
      await moveLabel(db.prisma, actor('editor'), { promptId: 'faq', label: 'staging', version: 2 });
      await seedRun({ version: 3, cases: cases(9, 10), revision: 2 });
      await moveLabel(db.prisma, actor('editor'), { promptId: 'faq', label: 'production', version: 3 });
      expect(await production()).toBe(3);
    });

    it('lets an admin override with a reason, and records it with the failed checks', async () => {
      await setGate(0.8);
      const runId = await seedRun({ version: 2, cases: cases(5, 10), revision: 2 });
      const reason = 'Hotfix for the outage; the suite is being updated.';
      expect(
        await moveLabel(db.prisma, actor('admin'), {
          promptId: 'faq',
          label: 'production',
          version: 2,
          overrideReason: reason,
        }),
      ).toEqual({ label: 'production', from: 1, to: 2 });
      expect(await production()).toBe(2);
      const events = await db.prisma.auditEvent.findMany({ where: { action: 'label.set' } });
      expect(events.map((e) => [e.actorEmail, e.details])).toEqual([
        [
          'admin@x.test',
          {
            label: 'production',
            from: 1,
            to: 2,
            gateOverride: {
              reason,
              failedChecks: [
                {
                  kind: 'passRate',
                  runId,
                  message: 'Pass rate 50% (5 of 10 cases) on suite “FAQ cases” is below the minimum of 80%.',
                },
              ],
            },
          },
        ],
      ]);
      // An override that was not needed is not recorded as one.
      await seedRun({ version: 3, cases: cases(10, 10), revision: 2 });
      await moveLabel(db.prisma, actor('admin'), {
        promptId: 'faq',
        label: 'production',
        version: 3,
        overrideReason: reason,
      });
      const last = await db.prisma.auditEvent.findFirst({
        where: { action: 'label.set' },
        orderBy: { createdAt: 'desc' },
      });
      expect(last?.details).toEqual({ label: 'production', from: 2, to: 3 });
    });

    it('refuses an override from an editor, a viewer’s promotion and a reason too short', async () => {
      await setGate(0.8);
      const reason = 'Ship it anyway, please.';
      const attempts = [
        moveLabel(db.prisma, actor('editor'), {
          promptId: 'faq',
          label: 'production',
          version: 2,
          overrideReason: reason,
        }),
        moveLabel(db.prisma, actor('viewer'), { promptId: 'faq', label: 'production', version: 2 }),
        moveLabel(db.prisma, actor('viewer'), {
          promptId: 'faq',
          label: 'production',
          version: 2,
          overrideReason: reason,
        }),
      ];
      for (const attempt of attempts) {
        await expect(attempt).rejects.toSatisfy((e) => isLoomError(e, 'FORBIDDEN'));
      }
      await expect(
        moveLabel(db.prisma, actor('admin'), {
          promptId: 'faq',
          label: 'production',
          version: 2,
          overrideReason: 'short',
        }),
      ).rejects.toSatisfy((e) => isLoomError(e, 'INVALID_INPUT'));
      expect(await production()).toBe(1);
      expect(await db.prisma.auditEvent.count({ where: { action: 'label.set' } })).toBe(0);
    });
  });

  describe('gate settings', () => {
    it('are saved by an admin only, validated, and audited', async () => {
      const input: SaveGateInput = { promptId: 'faq', suiteId, minPassRate: 0.75, requireNoRegression: true };
      await expect(saveGate(db.prisma, actor('editor'), input)).rejects.toSatisfy((e) =>
        isLoomError(e, 'FORBIDDEN'),
      );
      const invalid = async (patch: Partial<SaveGateInput>, path: string) => {
        const error = await saveGate(db.prisma, actor('admin'), { ...input, ...patch }).catch(
          (e: unknown) => e,
        );
        expect(isLoomError(error, 'INVALID_INPUT') && error.details.issues?.[0]?.path).toBe(path);
      };
      await invalid({ suiteId: otherSuiteId }, 'suiteId');
      await invalid({ suiteId: 'nope' }, 'suiteId');
      await invalid({ minPassRate: 1.5 }, 'minPassRate');
      await invalid({ minPassRate: null, requireNoRegression: false }, 'minPassRate');
      await invalid({ suiteId: null }, 'suiteId');
      expect((await findGate(db.prisma, workspaceId, 'faq')).suiteId).toBeNull();

      expect(await saveGate(db.prisma, actor('admin'), input)).toMatchObject({
        suiteId,
        suiteName: 'FAQ cases',
        minPassRate: 0.75,
        requireNoRegression: true,
        updatedBy: 'admin@x.test',
      });
      await saveGate(db.prisma, actor('admin'), {
        promptId: 'faq',
        suiteId: null,
        minPassRate: null,
        requireNoRegression: false,
      });
      expect((await checkGate(db.prisma, workspaceId, 'faq', 2)).enabled).toBe(false);
      const events = await db.prisma.auditEvent.findMany({
        where: { action: 'gate.update' },
        orderBy: { createdAt: 'asc' },
      });
      expect(events.map((e) => [e.subject, e.details])).toEqual([
        ['prompt:faq', { suiteId, suiteName: 'FAQ cases', minPassRate: 0.75, requireNoRegression: true }],
        ['prompt:faq', { removed: true }],
      ]);
    });
  });
});
