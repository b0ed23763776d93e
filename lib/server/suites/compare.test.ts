// Run comparison against real databases (PostgreSQL and PGlite): paired verdicts with reviews
// applied, revision mismatch, refusals and the case table's paging.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PrismaClient } from '@/lib/generated/prisma/client';
import { createTestDatabase, type TestDatabase, type TestDatabaseKind } from '@/test/db';
import { compareRuns, getCompareCase, listComparableRuns, listCompareCases, MAX_CANDIDATES } from './compare';

interface SeedCase {
  caseId: string;
  pass: boolean;
  score?: number;
  judge?: number;
  output?: string;
  latencyMs?: number;
  costMicros?: number;
  unpriced?: boolean;
  errored?: boolean;
}

async function seedSuite(
  prisma: PrismaClient,
  workspaceId: string,
  suiteId: string,
  revisions: number[],
  cases: number,
) {
  await prisma.suite.create({
    data: {
      workspaceId,
      id: suiteId,
      name: `Suite ${suiteId}`,
      promptId: 'p',
      revision: Math.max(...revisions),
      updatedAt: new Date(),
    },
  });
  for (const revision of revisions) {
    await prisma.suiteRevision.create({
      data: { workspaceId, suiteId, revision, evaluators: [], caseCount: cases },
    });
    await prisma.suiteCase.createMany({
      data: Array.from({ length: cases }, (_, i) => ({
        workspaceId,
        suiteId,
        revision,
        caseId: `c${String(i).padStart(3, '0')}`,
        // A later revision reverses the order, so the baseline's revision decides positions.
        position: revision === revisions[0] ? i : cases - 1 - i,
        input: { question: `question ${i}` },
        expected: `answer ${i}`,
      })),
    });
  }
}

async function seedRun(
  prisma: PrismaClient,
  workspaceId: string,
  run: { id: string; suiteId: string; revision?: number; version?: number; status?: string },
  cases: SeedCase[],
) {
  const status = run.status ?? 'completed';
  await prisma.suiteRun.create({
    data: {
      workspaceId,
      id: run.id,
      suiteId: run.suiteId,
      status: status === 'running' ? 'running' : 'completed',
      startedAt: new Date(),
    },
  });
  await prisma.evalRun.create({
    data: {
      workspaceId,
      id: run.id,
      suiteId: run.suiteId,
      suiteRevision: run.revision ?? 1,
      promptId: 'p',
      promptVersion: run.version ?? 1,
      batchId: 'b',
      provider: 'fake',
      model: 'm',
      concurrency: 4,
      status,
      total: cases.length,
      finishedAt: status === 'running' ? null : new Date(),
    },
  });
  await prisma.suiteCaseResult.createMany({
    data: cases.map((c) => ({
      workspaceId,
      runId: run.id,
      caseId: c.caseId,
      pass: c.pass,
      errored: c.errored ?? false,
      result: {
        caseId: c.caseId,
        tags: [],
        output: c.output ?? `output of ${c.caseId}`,
        evaluations: [
          { name: 'exact', kind: 'exact', score: c.pass ? 1 : 0, pass: c.pass, reason: 'compared' },
          ...(c.judge === undefined
            ? []
            : [
                {
                  name: 'judge',
                  kind: 'llmJudge',
                  score: c.judge,
                  pass: c.judge >= 0.5,
                  reason: 'rubric',
                  costMicros: 10,
                },
              ]),
        ],
        score: c.score ?? (c.pass ? 1 : 0),
        pass: c.pass,
        latencyMs: c.latencyMs ?? 100,
        usage: { inputTokens: 1, outputTokens: 1 },
        costMicros: c.costMicros ?? 50,
        ...(c.unpriced ? { unpriced: true } : {}),
        judgeUsage: { inputTokens: 1, outputTokens: 1 },
        judgeCostMicros: c.judge === undefined ? 0 : 10,
        ...(c.errored ? { error: { code: 'PROVIDER_ERROR', message: 'down', details: {} } } : {}),
      },
    })),
  });
}

const ids = (n: number) => Array.from({ length: n }, (_, i) => `c${String(i).padStart(3, '0')}`);

describe.each<TestDatabaseKind>(['postgres', 'pglite'])('compare on %s', (kind) => {
  let db: TestDatabase;
  let workspaceId: string;
  let otherWorkspace: string;
  const viewer = () => ({ workspaceId, role: 'viewer' as const });

  beforeAll(async () => {
    db = await createTestDatabase({ kind });
    const prisma = db.prisma;
    workspaceId = (await prisma.workspace.create({ data: { slug: 'w', name: 'W' } })).id;
    otherWorkspace = (await prisma.workspace.create({ data: { slug: 'o', name: 'O' } })).id;
    await seedSuite(prisma, workspaceId, 's1', [1, 2], 40);
    await seedSuite(prisma, workspaceId, 's2', [1], 3);
    await seedSuite(prisma, otherWorkspace, 's1', [1], 3);
    // Baseline: all 40 pass, judge 0.9. Candidate: first 12 fail (judge 0.3), c012 errored, the rest pass.
    await seedRun(
      prisma,
      workspaceId,
      { id: 'base', suiteId: 's1' },
      ids(40).map((caseId) => ({ caseId, pass: true, judge: 0.9, latencyMs: 100, costMicros: 50 })),
    );
    await seedRun(
      prisma,
      workspaceId,
      { id: 'cand', suiteId: 's1', version: 2 },
      ids(40).map((caseId, i) =>
        i < 12
          ? { caseId, pass: false, judge: 0.3, latencyMs: 300, costMicros: 80, output: `wrong ${caseId}` }
          : i === 12
            ? { caseId, pass: false, errored: true, latencyMs: 5, costMicros: 0, unpriced: true }
            : { caseId, pass: true, judge: 0.9, latencyMs: 110, costMicros: 80 },
      ),
    );
    // The reviewer says c000 is fine after all in the candidate, and c001's baseline pass was wrong.
    await prisma.caseReview.createMany({
      data: [
        {
          workspaceId,
          runId: 'cand',
          caseId: 'c000',
          pass: true,
          reason: 'acceptable',
          reviewerEmail: 'r@x.test',
        },
        {
          workspaceId,
          runId: 'base',
          caseId: 'c001',
          pass: false,
          reason: 'wrong',
          reviewerEmail: 'r@x.test',
        },
        // Agrees with the automated verdict: reviewed, not overridden.
        { workspaceId, runId: 'base', caseId: 'c030', pass: true, reason: 'ok', reviewerEmail: 'r@x.test' },
      ],
    });
    // Same cases as the baseline, another revision, one case fewer, one extra.
    await seedRun(
      prisma,
      workspaceId,
      { id: 'rev2', suiteId: 's1', revision: 2 },
      [...ids(39), 'c999'].map((caseId) => ({ caseId, pass: true, judge: 0.9 })),
    );
    await seedRun(prisma, workspaceId, { id: 'running', suiteId: 's1', status: 'running' }, []);
    await seedRun(prisma, workspaceId, { id: 'queued', suiteId: 's1', status: 'queued' }, []);
    await seedRun(prisma, workspaceId, { id: 'other-suite', suiteId: 's2' }, [
      { caseId: 'c000', pass: true },
    ]);
    await seedRun(prisma, otherWorkspace, { id: 'foreign', suiteId: 's1' }, [{ caseId: 'c000', pass: true }]);
  });
  afterAll(() => db.close());

  it('flags a significant regression with McNemar on the reviewed verdicts and says how many were overridden', async () => {
    const result = await compareRuns(db.prisma, viewer(), {
      suiteId: 's1',
      baselineRunId: 'base',
      runIds: ['cand'],
    });
    expect(result.revisionMismatch).toBeNull();
    expect(result.baseline.overridden).toBe(1); // c001; c030's review agrees
    const [cand] = result.candidates;
    expect(cand?.sharedCases).toBe(40);
    expect(cand?.overriddenShared).toEqual({ baseline: 1, candidate: 1 });
    const pass = cand?.metrics.find((m) => m.key === 'passRate');
    // Baseline passes 39 (c001 reviewed to fail). Candidate fails c001..c012 (c000 reviewed to pass).
    // Lost: c002..c012 = 11 (c001 both fail); gained: none.
    expect(pass).toMatchObject({ n: 40, verdict: 'regression', test: 'McNemar exact test' });
    expect(cand?.lost).toBe(11);
    expect(cand?.gained).toBe(0);
    expect(pass?.baseline).toBeCloseTo(39 / 40);
    expect(pass?.candidate).toBeCloseTo(28 / 40);
    expect(pass?.pValue).toBeCloseTo(2 * 0.5 ** 11, 8);
    expect(pass?.evidence).toBe('McNemar exact test, 40 shared cases: 11 lost, 0 gained, p < 0.001');
    expect(pass?.notes.join(' ')).toContain('1 in the baseline, 1 in the candidate');
    expect(pass?.interval?.high).toBeLessThan(0);
  });

  it('compares the judge score on cases scored in both runs, and leaves unpriced cases out of the cost', async () => {
    const result = await compareRuns(db.prisma, viewer(), {
      suiteId: 's1',
      baselineRunId: 'base',
      runIds: ['cand'],
    });
    const metrics = new Map(result.candidates[0]?.metrics.map((m) => [m.key, m]));
    const score = metrics.get('score');
    expect(score).toMatchObject({
      label: 'Mean judge score',
      n: 39,
      verdict: 'regression',
      test: 'Paired t-test',
    });
    expect(score?.delta).toBeCloseTo((12 * -0.6) / 39);
    const cost = metrics.get('costTarget');
    expect(cost).toMatchObject({ n: 39, verdict: 'regression', baseline: 50, candidate: 80 });
    expect(cost?.notes[0]).toContain('1 shared case left out');
    expect(cost?.notes[0]).toContain('unpriced');
    const latency = metrics.get('latencyMean');
    expect(latency?.verdict).toBe('regression');
    expect(metrics.get('latencyP95')).toMatchObject({ baseline: 100, candidate: 300, verdict: 'not-tested' });
    expect(metrics.get('latencyP50')).toMatchObject({ baseline: 100, candidate: 110 });
  });

  it('says "no detectable change" for identical runs and warns about a different suite revision', async () => {
    const result = await compareRuns(db.prisma, viewer(), {
      suiteId: 's1',
      baselineRunId: 'base',
      runIds: ['rev2'],
    });
    expect(result.revisionMismatch).toEqual({ revisions: [1, 2] });
    const [rev2] = result.candidates;
    expect(rev2).toMatchObject({
      sharedCases: 39,
      onlyInBaseline: 1,
      onlyInCandidate: 1,
      revisionMismatch: true,
    });
    // c001 gained only because its baseline pass was overridden to fail: one flip is no evidence.
    const pass = rev2?.metrics.find((m) => m.key === 'passRate');
    expect(pass).toMatchObject({ verdict: 'no-detectable-change', pValue: 1 });
    expect(rev2?.metrics.find((m) => m.key === 'score')?.verdict).toBe('no-detectable-change');
  });

  it('refuses unfinished runs, runs of another suite or workspace, too few or too many runs', async () => {
    const compare = (baselineRunId: string, runIds: string[], suiteId = 's1') =>
      compareRuns(db.prisma, viewer(), { suiteId, baselineRunId, runIds });
    await expect(compare('base', ['running'])).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining('still running'),
    });
    await expect(compare('queued', ['base'])).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining('still queued'),
    });
    await expect(compare('base', ['other-suite'])).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining('another suite'),
    });
    await expect(compare('base', ['foreign'])).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(compare('base', [])).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining('at least 2 runs'),
    });
    await expect(compare('base', ['base'])).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    const many = Array.from({ length: MAX_CANDIDATES + 1 }, (_, i) => `r${i}`);
    await expect(compare('base', many)).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining(`at most ${MAX_CANDIDATES}`),
    });
    await expect(compare('base', ['cand'], 'nope')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    // Another workspace's viewer cannot see these runs.
    await expect(
      compareRuns(
        db.prisma,
        { workspaceId: otherWorkspace, role: 'admin' },
        { suiteId: 's1', baselineRunId: 'base', runIds: ['cand'] },
      ),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('pages the cases regressions first, filters changed only and searches outputs', async () => {
    const query = { suiteId: 's1', baselineRunId: 'base', runIds: ['cand', 'rev2'] };
    const first = await listCompareCases(db.prisma, viewer(), { ...query, pageSize: 5 });
    expect(first.counts).toEqual({ all: 41, regressions: 11, improvements: 1, changed: 12 });
    expect(first.total).toBe(41);
    expect(first.rows.map((r) => r.caseId)).toEqual(['c002', 'c003', 'c004', 'c005', 'c006']);
    expect(first.rows[0]?.flags).toEqual(['regression', 'same']);
    expect(first.rows[0]?.position).toBe(3);
    expect(first.rows[0]?.inputPreview).toBe('question: question 2');
    expect(first.rows[0]?.cells[1]).toMatchObject({ pass: false, outputPreview: 'wrong c002', score: 0.3 });

    const changed = await listCompareCases(db.prisma, viewer(), {
      ...query,
      changedOnly: true,
      pageSize: 5,
      page: 3,
    });
    expect(changed.total).toBe(12);
    // Page 3 of 5: c012 (the last regression), then c001 (the improvement: its baseline was overridden to fail).
    expect(changed.rows.map((r) => [r.caseId, r.flags])).toEqual([
      ['c012', ['regression', 'same']],
      ['c001', ['same', 'improvement']],
    ]);
    expect(changed.rows[1]?.cells[0]).toMatchObject({ pass: false, overridden: true });

    const search = await listCompareCases(db.prisma, viewer(), { ...query, search: 'WRONG c01' });
    expect(search.rows.map((r) => r.caseId)).toEqual(['c010', 'c011']);
    const missing = await listCompareCases(db.prisma, viewer(), { ...query, search: 'c999' });
    expect(missing.rows[0]).toMatchObject({ caseId: 'c999', position: null, flags: ['missing', 'missing'] });
    const none = await listCompareCases(db.prisma, viewer(), { ...query, search: '100%_' });
    expect(none.rows).toEqual([]);
  });

  it('loads one case in full with every side, reviews and evaluator verdicts', async () => {
    const detail = await getCompareCase(db.prisma, viewer(), {
      suiteId: 's1',
      baselineRunId: 'base',
      runIds: ['cand'],
      caseId: 'c000',
    });
    expect(detail).toMatchObject({
      caseId: 'c000',
      position: 1,
      expected: 'answer 0',
      input: { question: 'question 0' },
    });
    expect(detail.sides[1]).toMatchObject({
      runId: 'cand',
      output: 'wrong c000',
      pass: true,
      automatedPass: false,
      review: { pass: true, reason: 'acceptable' },
    });
    expect(detail.sides[1]?.evaluations.map((e) => e.kind)).toEqual(['exact', 'llmJudge']);
    const errored = await getCompareCase(db.prisma, viewer(), {
      suiteId: 's1',
      baselineRunId: 'base',
      runIds: ['cand'],
      caseId: 'c012',
    });
    expect(errored.sides[1]).toMatchObject({
      error: 'PROVIDER_ERROR: down',
      costMicros: null,
      unpriced: true,
    });
    await expect(
      getCompareCase(db.prisma, viewer(), {
        suiteId: 's1',
        baselineRunId: 'base',
        runIds: ['cand'],
        caseId: 'zzz',
      }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('offers the finished runs with their reviewed pass rate for the picker', async () => {
    const { runs } = await listComparableRuns(db.prisma, viewer(), 's1');
    expect(runs.map((r) => r.id).sort()).toEqual(['base', 'cand', 'rev2']);
    expect(runs.find((r) => r.id === 'base')).toMatchObject({ total: 40, passed: 39 });
  });
});
