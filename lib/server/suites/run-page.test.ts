// Reading a run: totals with reviews, the case table's pages, a case in full, reviews and judge
// agreement, on the real PostgreSQL server and on the embedded PGlite. Only the session is faked.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createPrismaRegistry } from '@/lib/adapters/prisma/registry';
import type { Viewer } from '@/lib/server/auth/session';
import { createTestDatabase, type TestDatabase, type TestDatabaseKind } from '@/test/db';
import { caseResult, seedRun, seedSuite, type SeedCase } from '@/test/seed-runs';

const session = vi.hoisted(() => ({ viewer: null as Viewer | null, prisma: undefined as unknown }));
vi.mock('@/lib/server/auth/session', () => ({ getViewer: async () => session.viewer }));
vi.mock('@/lib/server/db', () => ({ getPrisma: async () => session.prisma }));

const { computeRunSummary, loadRunInfo, loadRunPage } = await import('./run-page');
const { listRunCases, loadCaseDetail, parseCaseQuery } = await import('./run-cases');
const { loadJudgeAgreement } = await import('./agreement');
const { reviewCaseAction } = await import('@/app/(studio)/suites/[id]/runs/[runId]/actions');

const CASES: SeedCase[] = Array.from({ length: 120 }, (_, i) => ({
  caseId: `case-${String(i).padStart(3, '0')}`,
  input: { question: i === 7 ? 'Where is the red umbrella?' : `Question number ${i}` },
  expected: i === 9 ? 'the blue parrot' : `answer ${i}`,
  tags: i % 3 === 0 ? ['billing'] : ['shipping'],
}));

/** 120 cases: every 4th fails the judge, case 5 and 6 error, case 11's output mentions a kiwi. */
function results(runIndex = 0) {
  return CASES.map((c, i) => {
    if (i === 5 || i === 6)
      return caseResult(c.caseId, {
        error: { code: 'PROVIDER_ERROR', message: 'HTTP 500 from the provider' },
        tags: c.tags,
        latencyMs: 900,
      });
    return caseResult(c.caseId, {
      judgePass: (i + runIndex) % 4 !== 0,
      output: i === 11 ? 'a ripe kiwi' : undefined,
      latencyMs: 100 + i,
      tags: c.tags,
      reason: i === 8 ? 'The answer ignores the refund policy.' : undefined,
    });
  });
}

describe.each<TestDatabaseKind>(['postgres', 'pglite'])('run page on %s', (kind) => {
  let db: TestDatabase;
  let workspaceId: string;
  let otherWorkspaceId: string;
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
    db = await createTestDatabase({ kind });
    session.prisma = db.prisma;
    workspaceId = (await db.prisma.workspace.create({ data: { slug: 'w', name: 'W' } })).id;
    otherWorkspaceId = (await db.prisma.workspace.create({ data: { slug: 'o', name: 'O' } })).id;
    await createPrismaRegistry(db.prisma, workspaceId).save({
      id: 'faq',
      version: 0,
      name: 'FAQ bot',
      system: 'Answer briefly.',
      user: 'Q: {{ question }}',
      variables: [{ name: 'question', type: 'string', required: true }],
    });
    await seedSuite(db.prisma, workspaceId, { id: 's1', name: 'FAQ suite', promptId: 'faq', cases: CASES });
    await seedRun(db.prisma, workspaceId, { id: 'r1', suiteId: 's1', promptId: 'faq', results: results(0) });
    await seedRun(db.prisma, workspaceId, { id: 'r2', suiteId: 's1', promptId: 'faq', results: results(1) });
    await seedRun(db.prisma, workspaceId, {
      id: 'r-live',
      suiteId: 's1',
      promptId: 'faq',
      status: 'running',
      results: results(0).slice(0, 3),
    });
  });
  afterAll(() => db.close());

  it('loads the run with its suite, prompt, model and judge, and hides it from other workspaces', async () => {
    const info = await loadRunInfo(db.prisma, workspaceId, 'r1', { suiteId: 's1' });
    expect(info).toMatchObject({
      suiteName: 'FAQ suite',
      suiteRevision: 1,
      promptName: 'FAQ bot',
      promptVersion: 1,
      provider: 'openai',
      model: 'gpt-4o-mini',
      judges: [{ promptId: 'helpfulness-rubric', version: 1 }],
      status: 'completed',
      durationMs: 75_000,
    });
    await expect(loadRunInfo(db.prisma, otherWorkspaceId, 'r1')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(loadRunInfo(db.prisma, workspaceId, 'r1', { suiteId: 'other' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(listRunCases(db.prisma, otherWorkspaceId, 'r1')).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it("reads every judge of the runs branch's snapshot (first judge on top, all in `judges`)", async () => {
    const judge = {
      evaluator: 'helpfulness',
      promptId: 'helpfulness-rubric',
      version: 3,
      provider: 'openai',
      model: 'm',
    };
    const second = { ...judge, evaluator: 'tone', promptId: 'tone-rubric', version: 1 };
    await db.prisma.evalRun.update({
      where: { workspaceId_id: { workspaceId, id: 'r-live' } },
      data: { judge: { ...judge, judges: [judge, second] } },
    });
    const info = await loadRunInfo(db.prisma, workspaceId, 'r-live');
    expect(info.judges.map((j) => [j.evaluator, j.promptId, j.version])).toEqual([
      ['helpfulness', 'helpfulness-rubric', 3],
      ['tone', 'tone-rubric', 1],
    ]);
    expect(info.durationMs).toBeGreaterThan(0);
  });

  it('summarises the run: Wilson pass rate, judge score interval, costs, latency percentiles', async () => {
    const summary = await computeRunSummary(db.prisma, workspaceId, 'r1');
    // Judge fails i % 4 == 0 (30 cases); 2 errored; 88 pass.
    expect(summary).toMatchObject({
      total: 120,
      passed: 88,
      failed: 30,
      errored: 2,
      reviewed: 0,
      overridden: 0,
    });
    expect(summary.passRate.value).toBeCloseTo(88 / 120, 10);
    expect(summary.passRate.low).toBeLessThan(88 / 120);
    expect(summary.passRate.high).toBeGreaterThan(88 / 120);
    // Judge scores of the 118 cases without error: 30 × 0.3 and 88 × 0.9.
    expect(summary.judgeScore?.n).toBe(118);
    expect(summary.judgeScore?.value).toBeCloseTo((30 * 0.3 + 88 * 0.9) / 118, 10);
    expect(summary.cost).toEqual({
      targetMicros: 120 * 120,
      targetUnpriced: 0,
      judgeMicros: 118 * 50,
      judgeUnpriced: 0,
    });
    // Latencies 100..219 without cases 5, 6 (900 ms each): nearest rank like loom's summarizeRun.
    const latencies = [...results(0).map((r) => r.latencyMs)].sort((a, b) => a - b);
    expect(summary.latencyMs.p50).toBe(latencies[Math.ceil(0.5 * 120) - 1]);
    expect(summary.latencyMs.p95).toBe(latencies[Math.ceil(0.95 * 120) - 1]);
  });

  it('counts unpriced cases apart instead of as free', async () => {
    await seedSuite(db.prisma, workspaceId, { id: 's-price', promptId: 'faq', cases: CASES.slice(0, 3) });
    await seedRun(db.prisma, workspaceId, {
      id: 'r-price',
      suiteId: 's-price',
      promptId: 'faq',
      results: [
        caseResult('case-000', { costMicros: null }),
        caseResult('case-001', { costMicros: 500 }),
        { ...caseResult('case-002'), unpriced: true } as ReturnType<typeof caseResult>,
      ],
    });
    const summary = await computeRunSummary(db.prisma, workspaceId, 'r-price');
    expect(summary.cost.targetMicros).toBe(500 + 120);
    expect(summary.cost.targetUnpriced).toBe(2);
    const page = await listRunCases(db.prisma, workspaceId, 'r-price');
    expect(page.rows.map((r) => r.costMicros)).toEqual([null, 500, null]);
  });

  it('pages the table in suite order, 50 rows a page, with a total', async () => {
    const first = await listRunCases(db.prisma, workspaceId, 'r1');
    expect(first).toMatchObject({ total: 120, page: 1, pageSize: 50, pageCount: 3 });
    expect(first.rows.map((r) => r.caseId).slice(0, 3)).toEqual(['case-000', 'case-001', 'case-002']);
    const last = await listRunCases(db.prisma, workspaceId, 'r1', { page: 3 });
    expect(last.rows.map((r) => r.caseId)).toEqual(CASES.slice(100).map((c) => c.caseId));
    const beyond = await listRunCases(db.prisma, workspaceId, 'r1', { page: 9 });
    expect(beyond).toMatchObject({ rows: [], total: 120, pageCount: 3 });
    const row = first.rows[1]!;
    expect(row).toMatchObject({
      inputPreview: 'question: Question number 1',
      outputPreview: 'answer for case-001',
      expectedPreview: 'answer 1',
      automated: 'pass',
      reviewed: null,
      verdict: 'pass',
      judgeScore: 0.9,
      costMicros: 120,
      judgeCostMicros: 50,
      latencyMs: 101,
      tags: ['shipping'],
    });
    expect(first.rows[5]).toMatchObject({
      automated: 'error',
      errorCode: 'PROVIDER_ERROR',
      outputPreview: null,
    });
  });

  it('filters failed, errored, passed and by tag, and searches id, input, output and expected', async () => {
    const failed = await listRunCases(db.prisma, workspaceId, 'r1', { filter: 'failed' });
    expect(failed.total).toBe(30);
    expect(failed.rows.every((r) => r.verdict === 'fail')).toBe(true);
    expect(
      (await listRunCases(db.prisma, workspaceId, 'r1', { filter: 'errored' })).rows.map((r) => r.caseId),
    ).toEqual(['case-005', 'case-006']);
    expect((await listRunCases(db.prisma, workspaceId, 'r1', { filter: 'passed' })).total).toBe(88);
    const billing = await listRunCases(db.prisma, workspaceId, 'r1', { tag: 'billing' });
    expect(billing.total).toBe(40);
    expect(billing.rows.every((r) => r.tags.includes('billing'))).toBe(true);
    const search = async (q: string) =>
      (await listRunCases(db.prisma, workspaceId, 'r1', { q })).rows.map((r) => r.caseId);
    expect(await search('case-11')).toEqual([
      'case-110',
      'case-111',
      'case-112',
      'case-113',
      'case-114',
      'case-115',
      'case-116',
      'case-117',
      'case-118',
      'case-119',
    ]);
    expect(await search('red umbrella')).toEqual(['case-007']);
    // A variable's name is not its text.
    expect(await search('"question"')).toEqual([]);
    // A run still going is searched in SQL (a finished one from its cached text): same answers.
    const live = async (q: string) =>
      (await listRunCases(db.prisma, workspaceId, 'r-live', { q })).rows.map((r) => r.caseId);
    expect(await live('CASE-001')).toEqual(['case-001']);
    expect(await live('"question"')).toEqual([]);
    expect(await live('question number 2')).toEqual(['case-002']);
    expect(await search('KIWI')).toEqual(['case-011']);
    expect(await search('blue parrot')).toEqual(['case-009']);
    expect(await search('100%_')).toEqual([]);
    expect(
      (await listRunCases(db.prisma, workspaceId, 'r1', { filter: 'failed', tag: 'billing', q: 'case-0' }))
        .rows.length,
    ).toBeGreaterThan(0);
  });

  it('parses the route query and names a bad parameter', () => {
    expect(parseCaseQuery(new URLSearchParams('page=2&filter=failed&tag=&q=x'))).toEqual({
      page: 2,
      filter: 'failed',
      q: 'x',
    });
    expect(() => parseCaseQuery(new URLSearchParams('filter=broken'))).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT' }),
    );
    expect(() => parseCaseQuery(new URLSearchParams('page=0'))).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT' }),
    );
  });

  it('opens one case: rendered messages, output, expected, every verdict with the judge rationale', async () => {
    const detail = await loadCaseDetail(db.prisma, workspaceId, 'r1', 'case-008', { suiteId: 's1' });
    expect(detail.messages).toEqual([
      { role: 'system', content: 'Answer briefly.' },
      { role: 'user', content: 'Q: Question number 8' },
    ]);
    expect(detail).toMatchObject({
      output: 'answer for case-008',
      expected: 'answer 8',
      automated: 'fail',
      costMicros: 120,
      judgeCostMicros: 50,
      latencyMs: 108,
      review: null,
      rawReplyStored: false,
    });
    expect(detail.evaluations.map((e) => [e.name, e.pass, e.isJudge])).toEqual([
      ['mentions-answer', true, false],
      ['helpfulness', false, true],
    ]);
    expect(detail.evaluations[1]?.reason).toBe('The answer ignores the refund policy.');
    const errored = await loadCaseDetail(db.prisma, workspaceId, 'r1', 'case-005');
    expect(errored).toMatchObject({
      automated: 'error',
      output: null,
      error: { code: 'PROVIDER_ERROR', message: 'HTTP 500 from the provider' },
    });
    await expect(loadCaseDetail(db.prisma, workspaceId, 'r1', 'nope')).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(loadCaseDetail(db.prisma, otherWorkspaceId, 'r1', 'case-008')).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it('lets an editor override a verdict with a reason, recomputing totals; a viewer is refused', async () => {
    as('editor');
    expect(
      await reviewCaseAction({ runId: 'r1', caseId: 'case-008', verdict: 'pass', reason: '' }),
    ).toMatchObject({
      ok: false,
      error: {
        code: 'INVALID_INPUT',
        fieldErrors: { reason: [expect.stringMatching(/reason is required/)] },
      },
    });
    const saved = await reviewCaseAction({
      runId: 'r1',
      caseId: 'case-008',
      verdict: 'pass',
      reason: 'The policy does not apply here.',
    });
    expect(saved).toMatchObject({
      ok: true,
      data: {
        review: { pass: true, reviewerEmail: 'editor@x.test' },
        summary: { passed: 89, failed: 29, overridden: 1, reviewed: 1 },
      },
    });
    // Agreeing with the automated verdict needs no reason and is not an override.
    expect(
      await reviewCaseAction({ runId: 'r1', caseId: 'case-001', verdict: 'pass', reason: '' }),
    ).toMatchObject({ ok: true, data: { summary: { overridden: 1, reviewed: 2 } } });
    // An errored case reviewed as a fail stays counted once, as errored.
    expect(
      await reviewCaseAction({ runId: 'r1', caseId: 'case-005', verdict: 'fail', reason: '' }),
    ).toMatchObject({ ok: true, data: { summary: { passed: 89, errored: 2, failed: 29 } } });
    const stored = await db.prisma.evalRun.findUniqueOrThrow({
      where: { workspaceId_id: { workspaceId, id: 'r1' } },
    });
    expect(stored.summary).toMatchObject({ passed: 89, overridden: 1, passRate: { value: 89 / 120 } });

    const overridden = await listRunCases(db.prisma, workspaceId, 'r1', { filter: 'overridden' });
    expect(overridden.rows).toEqual([
      expect.objectContaining({ caseId: 'case-008', automated: 'fail', reviewed: 'pass', verdict: 'pass' }),
    ]);
    expect((await listRunCases(db.prisma, workspaceId, 'r1', { filter: 'failed' })).total).toBe(29);
    expect((await loadCaseDetail(db.prisma, workspaceId, 'r1', 'case-008')).review).toMatchObject({
      pass: true,
      reason: 'The policy does not apply here.',
    });

    // Each saved review is audited: the case, the verdict it replaced and why.
    const reviews = async () =>
      (
        await db.prisma.auditEvent.findMany({
          where: { workspaceId, action: 'suite_run.review' },
          orderBy: { createdAt: 'asc' },
        })
      ).map((a) => ({ subject: a.subject, actorEmail: a.actorEmail, details: a.details }));
    const audited = {
      subject: 'suite:s1',
      actorEmail: 'editor@x.test',
      details: {
        suiteId: 's1',
        suiteName: 'FAQ suite',
        runId: 'r1',
        promptId: 'faq',
        promptVersion: 1,
        caseId: 'case-008',
        automated: 'fail',
        from: null,
        to: 'pass',
        reason: 'The policy does not apply here.',
      },
    };
    expect(await reviews()).toEqual([
      audited,
      expect.objectContaining({ details: expect.objectContaining({ caseId: 'case-001', to: 'pass' }) }),
      expect.objectContaining({ details: expect.objectContaining({ caseId: 'case-005', to: 'fail' }) }),
    ]);

    as('viewer');
    expect(
      await reviewCaseAction({ runId: 'r1', caseId: 'case-012', verdict: 'fail', reason: 'forged' }),
    ).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await db.prisma.caseReview.count({ where: { runId: 'r1', caseId: 'case-012' } })).toBe(0);

    as('editor');
    expect(
      await reviewCaseAction({ runId: 'r1', caseId: 'case-001', verdict: null, reason: '' }),
    ).toMatchObject({ ok: true, data: { review: null, summary: { reviewed: 2 } } });
    expect((await reviews()).at(-1)?.details).toMatchObject({ caseId: 'case-001', from: 'pass', to: null });
    expect(
      await reviewCaseAction({ runId: 'r1', caseId: 'x'.repeat(10), verdict: 'pass', reason: 'r' }),
    ).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(
      await reviewCaseAction({ runId: 'r-live', caseId: 'case-000', verdict: 'pass', reason: 'r' }),
    ).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(
      await reviewCaseAction({ runId: 'r1', caseId: 'case-002', verdict: 'fail', reason: 'x'.repeat(2001) }),
    ).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT', fieldErrors: { reason: [expect.any(String)] } },
    });
    // Refused reviews, and clearing a review that does not exist, record nothing.
    expect(
      await reviewCaseAction({ runId: 'r1', caseId: 'case-003', verdict: null, reason: '' }),
    ).toMatchObject({ ok: true });
    expect(await reviews()).toHaveLength(4);
    session.viewer = { ...session.viewer!, workspaceId: otherWorkspaceId };
    expect(
      await reviewCaseAction({ runId: 'r1', caseId: 'case-002', verdict: 'fail', reason: 'x' }),
    ).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('pairs judge and reviewer verdicts across the suite runs into a kappa with counts', async () => {
    as('editor');
    // r1 so far: case-008 judge fail / reviewer pass (disagree); case-005 errored: no judge verdict.
    // Add agreeing reviews on r2 (judge fails (i+1) % 4 == 0) and one disagreement.
    for (const [caseId, verdict, reason] of [
      ['case-003', 'fail', ''], // judge fail
      ['case-007', 'fail', ''], // judge fail
      ['case-010', 'pass', ''], // judge pass
      ['case-012', 'pass', ''], // judge pass
      ['case-013', 'fail', 'Wrong tone.'], // judge pass, reviewer fail
    ] as const) {
      expect(await reviewCaseAction({ runId: 'r2', caseId, verdict, reason })).toMatchObject({ ok: true });
    }
    const [judge] = await loadJudgeAgreement(db.prisma, workspaceId, 's1');
    expect(judge).toMatchObject({
      rubricPromptId: 'helpfulness-rubric',
      evaluatorNames: ['helpfulness'],
      n: 6,
      agree: 4,
      disagree: 2,
      table: { passPass: 2, passFail: 1, failPass: 1, failFail: 2 },
      needsMoreReviews: true,
      runs: 2,
    });
    // po = 4/6, pe = 0.5 → κ = 1/3.
    expect(judge?.kappa).toBeCloseTo(1 / 3, 10);
    expect(judge?.reading).toBe('fair');
    expect(await loadJudgeAgreement(db.prisma, otherWorkspaceId, 's1')).toEqual([]);
    const page = await loadRunPage(db.prisma, workspaceId, 's1', 'r1');
    expect(page.tags).toEqual(['billing', 'shipping']);
    expect(page.agreement).toHaveLength(1);
    expect(page.summary.overridden).toBe(1);
  });
});
