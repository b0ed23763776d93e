// Starting, executing, cancelling and resuming evaluation runs against a real database (PostgreSQL
// and PGlite) and the loopback fake LLM server as the workspace's simulator. Only the database
// handle is injected; the job queue is a recording fake (the real one calls the same handler).
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { startFakeLlmServer, type FakeLlmServer } from '@/lib/adapters/fake-llm';
import { createPrismaRegistry } from '@/lib/adapters/prisma/registry';
import type { PrismaClient } from '@/lib/generated/prisma/client';
import type { Viewer } from '@/lib/server/auth/session';
import { createTestDatabase, type TestDatabase, type TestDatabaseKind } from '@/test/db';
import type { SuiteEvaluatorConfigInput } from './evaluator-config';

const session = vi.hoisted(() => ({ prisma: undefined as unknown }));
vi.mock('@/lib/server/db', () => ({ getPrisma: async () => session.prisma }));

const { startRuns, cancelRun } = await import('./runs');
const { createEvalRunHandler } = await import('./run-job');
const { recoverStaleRuns } = await import('./run-recovery');
const { getRunProgress } = await import('./run-progress');
const { getRunRecorder } = await import('../analytics/recorder');
const { saveModelPrice } = await import('../analytics/prices');

const handler = createEvalRunHandler({ cancelPollMs: 40, heartbeatMs: 100 });

let fake: FakeLlmServer;
beforeAll(async () => {
  fake = await startFakeLlmServer();
  process.env.LOOM_SIMULATOR_URL = fake.url; // read once, on the first provider lookup
});
afterAll(async () => {
  await fake.close();
});

function recordingQueue() {
  const sent: { name: string; data: { workspaceId: string; runId: string }; singletonKey: string }[] = [];
  return {
    sent,
    async send(
      name: 'eval-run',
      data: { workspaceId: string; runId: string },
      options: { singletonKey: string },
    ) {
      sent.push({ name, data, singletonKey: options.singletonKey });
      return 'job-id';
    },
  };
}

/** Chat requests the fake server answered whose last user message contains `text`. */
function requestsFor(text: string, model?: string): number {
  return fake.requests.filter((r) => {
    const body = r.body as { model?: string; messages?: { role: string; content: string }[] };
    if (!r.path.endsWith('/chat/completions') || (model && body.model !== model)) return false;
    return (body.messages ?? []).some((m) => m.role === 'user' && m.content.includes(text));
  }).length;
}

const CLASSIFY_V1 = {
  id: 'classify',
  version: 0,
  name: 'Classify',
  user: 'Classify: {{ text }}',
  variables: [{ name: 'text', type: 'string' as const, required: true }],
  model: { provider: 'simulator', model: 'gpt-4o-mini' },
};
const CLASSIFY_V2 = {
  ...CLASSIFY_V1,
  user: 'Classify in {{ lang }}: {{ text }}',
  variables: [...CLASSIFY_V1.variables, { name: 'lang', type: 'string' as const, required: true }],
};
const RUBRIC = {
  id: 'rubric',
  version: 0,
  name: 'Rubric',
  system: 'Judge it. Reply SCORE and PASS or FAIL.',
  user: 'Input: {{ input }}\nExpected: {{ expected }}\nAnswer: {{ actual }}',
  variables: [
    { name: 'input', type: 'string' as const, required: true },
    { name: 'actual', type: 'string' as const, required: true },
    { name: 'expected', type: 'string' as const, required: false },
  ],
  model: { provider: 'simulator', model: 'gpt-4o' },
};
const BAD_RUBRIC = {
  ...RUBRIC,
  id: 'bad-rubric',
  user: 'Answer: {{ answer }}',
  variables: [RUBRIC.variables[0]!],
};

function runOn(kind: TestDatabaseKind) {
  describe(kind, () => {
    let db: TestDatabase;
    let prisma: PrismaClient;
    let workspaceId: string;
    let suiteCounter = 0;
    const as = (role: Viewer['role']): Viewer => ({
      userId: 'u1',
      email: 'eve@x.test',
      name: 'Eve',
      workspaceId,
      workspaceName: 'W',
      role,
    });

    beforeAll(async () => {
      db = await createTestDatabase({ kind });
      prisma = db.prisma;
      session.prisma = prisma;
      workspaceId = (await prisma.workspace.create({ data: { slug: `w-${kind}`, name: 'W' } })).id;
      await prisma.providerConfig.create({
        data: {
          workspaceId,
          name: 'simulator',
          kind: 'openai',
          isSimulator: true,
          baseUrl: 'http://stale:1/v1',
        },
      });
      const registry = createPrismaRegistry(prisma, workspaceId);
      await registry.save(CLASSIFY_V1, { author: 'eve@x.test' });
      await registry.save(CLASSIFY_V2, { author: 'eve@x.test' });
      await registry.setLabel('classify', 'production', 1);
      await registry.save(RUBRIC, { author: 'eve@x.test' });
      await registry.setLabel('rubric', 'production', 1);
      await registry.save(BAD_RUBRIC, { author: 'eve@x.test' });
    });
    afterAll(async () => {
      await db?.close();
    });
    beforeEach(() => {
      session.prisma = prisma;
      fake.setScript({});
    });

    /** A suite (revision 1) over the classify prompt; `expected` is contained in a passing reply. */
    async function seedSuite(
      cases: { text: string; expected?: string; lang?: string }[],
      evaluators: SuiteEvaluatorConfigInput[] = [{ kind: 'contains' }],
    ): Promise<string> {
      const id = `suite-${kind}-${++suiteCounter}`;
      await prisma.suite.create({
        data: {
          workspaceId,
          id,
          name: `Suite ${suiteCounter}`,
          promptId: 'classify',
          revision: 1,
          updatedAt: new Date(),
        },
      });
      await prisma.suiteRevision.create({
        data: {
          workspaceId,
          suiteId: id,
          revision: 1,
          evaluators: evaluators as object[],
          caseCount: cases.length,
        },
      });
      await prisma.suiteCase.createMany({
        data: cases.map((c, position) => ({
          workspaceId,
          suiteId: id,
          revision: 1,
          caseId: `case-${position + 1}`,
          position,
          input: c.lang ? { text: c.text, lang: c.lang } : { text: c.text },
          expected: c.expected ?? null,
          tags: position % 2 === 0 ? ['even'] : [],
        })),
      });
      return id;
    }

    let batch = 0;
    /** Cases whose texts no other test sends, so requests to the fake server can be counted per case. */
    const fruit = (n: number) => {
      const tag = `${kind}${++batch}`;
      return Array.from({ length: n }, (_, i) => ({
        text: `${tag}fruit${i + 1}x`,
        expected: `${tag}fruit${i + 1}x`,
      }));
    };
    const runRow = (id: string) =>
      prisma.evalRun.findUniqueOrThrow({ where: { workspaceId_id: { workspaceId, id } } });
    const job = (runId: string, signal = new AbortController().signal) =>
      handler({ workspaceId, runId }, { jobId: `job-${runId}`, signal });

    it('refuses a start whose cases do not fit a version, listing them, and writes nothing', async () => {
      const suiteId = await seedSuite([
        { text: 'a', expected: 'a', lang: 'en' },
        { text: 'b', expected: 'b' },
        { text: 'c', expected: 'c' },
      ]);
      const queue = recordingQueue();
      const error = await startRuns(as('editor'), { suiteId, versions: ['production', 2] }, queue).catch(
        (e) => e,
      );
      expect(error).toMatchObject({ code: 'INVALID_INPUT', details: { count: 3 } });
      expect(error.message).toMatch(/^3 cases do not fit/);
      const messages = error.details.issues.map((i: { message: string }) => i.message);
      // v1 declares only `text`: case 1's `lang` does not fit it; v2 needs `lang`, which 2 and 3 lack.
      expect(messages).toEqual([
        expect.stringMatching(
          /^Case "case-1" \(row 1\) does not fit version 1: "lang" is not a declared variable/,
        ),
        expect.stringMatching(/^Case "case-2" \(row 2\) does not fit version 2: "lang" is required/),
        expect.stringMatching(/^Case "case-3" \(row 3\) does not fit version 2: "lang" is required/),
      ]);
      expect(await prisma.evalRun.count({ where: { workspaceId, suiteId } })).toBe(0);
      expect(queue.sent).toEqual([]);
    });

    it('lists at most 20 problems with the total count', async () => {
      const suiteId = await seedSuite(
        Array.from({ length: 25 }, (_, i) => ({ text: `t${i}`, expected: 'x', lang: 'en' })),
      );
      const error = await startRuns(as('editor'), { suiteId, versions: [1] }, recordingQueue()).catch(
        (e) => e,
      );
      expect(error.details.count).toBe(25);
      expect(error.details.issues).toHaveLength(20);
      expect(error.message).toMatch(/first 20 listed/);
    });

    it('refuses a judge whose rubric lacks input/actual, and a provider that is not configured', async () => {
      const suiteId = await seedSuite(fruit(1), [
        { kind: 'llmJudge', rubricPromptId: 'bad-rubric', rubricVersion: 1 },
      ]);
      await expect(
        startRuns(as('editor'), { suiteId, versions: [1] }, recordingQueue()),
      ).rejects.toMatchObject({
        code: 'INVALID_INPUT',
        message: expect.stringContaining('does not declare "actual"'),
      });
      const plain = await seedSuite(fruit(1));
      await expect(
        startRuns(as('editor'), { suiteId: plain, versions: [1], provider: 'nowhere' }, recordingQueue()),
      ).rejects.toMatchObject({
        code: 'NOT_FOUND',
        message: expect.stringContaining('No provider named "nowhere"'),
      });
      expect(await prisma.evalRun.count({ where: { workspaceId, suiteId: { in: [suiteId, plain] } } })).toBe(
        0,
      );
    });

    it('announces a finished run to webhook endpoints (suite_run.completed) in the transaction that ends it', async () => {
      const endpoint = await prisma.webhookEndpoint.create({
        data: {
          workspaceId,
          url: 'https://hooks.example.test/',
          secretCipher: 'unused',
          events: ['suite_run.completed'],
        },
      });
      try {
        const suiteId = await seedSuite([...fruit(1), { text: 'kiwi', expected: 'banana' }]);
        const { runs } = await startRuns(as('editor'), { suiteId, versions: [1] }, recordingQueue());
        const runId = runs[0]!.id;
        await job(runId);
        const deliveries = await prisma.webhookDelivery.findMany({ where: { endpointId: endpoint.id } });
        expect(deliveries.map((d) => d.payload)).toEqual([
          {
            type: 'suite_run.completed',
            timestamp: expect.any(String),
            data: expect.objectContaining({
              runId,
              suiteId,
              promptId: 'classify',
              version: 1,
              status: 'completed',
              total: 2,
              passed: 1,
              passRate: 0.5,
              costMicros: expect.any(Number),
              link: `/suites/${suiteId}/runs/${runId}`,
            }),
          },
        ]);
        // A second handler call for the finished run announces nothing more.
        await job(runId);
        expect(await prisma.webhookDelivery.count({ where: { endpointId: endpoint.id } })).toBe(1);
      } finally {
        await prisma.webhookEndpoint.delete({ where: { id: endpoint.id } });
      }
    });

    it('refuses viewers: no start, no cancel', async () => {
      const suiteId = await seedSuite(fruit(1));
      await expect(
        startRuns(as('viewer'), { suiteId, versions: [1] }, recordingQueue()),
      ).rejects.toMatchObject({
        code: 'FORBIDDEN',
      });
      const { runs } = await startRuns(as('editor'), { suiteId, versions: [1] }, recordingQueue());
      await expect(cancelRun(as('viewer'), runs[0]!.id)).rejects.toMatchObject({ code: 'FORBIDDEN' });
      expect((await runRow(runs[0]!.id)).status).toBe('queued');
    });

    it('starts one run per version in a batch, enqueues each by its id, and completes with pass counts', async () => {
      const cases = [...fruit(3), { text: 'kiwi', expected: 'banana' }];
      const suiteId = await seedSuite(cases);
      const queue = recordingQueue();
      const started = await startRuns(
        as('editor'),
        { suiteId, versions: ['production', 1], concurrency: 3 },
        queue,
      );
      // "production" is version 1: one run, not two.
      expect(started.runs).toEqual([{ id: expect.any(String), version: 1 }]);
      const runId = started.runs[0]!.id;
      expect(queue.sent).toEqual([{ name: 'eval-run', data: { workspaceId, runId }, singletonKey: runId }]);
      expect(await runRow(runId)).toMatchObject({
        status: 'queued',
        total: 4,
        batchId: started.batchId,
        provider: 'simulator',
        model: 'gpt-4o-mini',
        concurrency: 3,
        suiteRevision: 1,
        promptVersion: 1,
        createdBy: 'eve@x.test',
      });

      await job(runId);
      const run = await runRow(runId);
      expect(run).toMatchObject({ status: 'completed', heartbeatAt: null, error: null });
      expect(run.startedAt).not.toBeNull();
      expect(run.finishedAt).not.toBeNull();
      expect(run.summary).toMatchObject({ total: 4, passed: 3, failed: 1, errored: 0 });
      const progress = await getRunProgress(workspaceId, runId);
      expect(progress).toMatchObject({
        status: 'completed',
        done: 4,
        total: 4,
        passed: 3,
        failed: 1,
        errored: 0,
        etaMs: null,
      });
      expect(progress.costMicros).toBeGreaterThan(0);
      expect(progress.unpricedCases).toBe(0);
      // Running the job again (a duplicate delivery) does nothing: the run is finished.
      expect(requestsFor(cases[0]!.text)).toBe(1);
      await job(runId);
      expect(requestsFor(cases[0]!.text)).toBe(1);
    });

    it('keeps the judge cost apart from the target cost, and says "unpriced" for an unknown price', async () => {
      fake.addRule({ model: /^gpt-4o$/, judge: { score: 0.9, verdict: 'PASS' } });
      const suiteId = await seedSuite(fruit(2), [
        { kind: 'contains' },
        { kind: 'llmJudge', name: 'quality', rubricPromptId: 'rubric' },
      ]);
      const { runs } = await startRuns(as('editor'), { suiteId, versions: [1] }, recordingQueue());
      await job(runs[0]!.id);
      const run = await runRow(runs[0]!.id);
      expect(run.judge).toMatchObject({
        promptId: 'rubric',
        version: 1,
        provider: 'simulator',
        model: 'gpt-4o',
        judges: [{ evaluator: 'quality', promptId: 'rubric', version: 1, threshold: 0.7, samples: 1 }],
      });
      const summary = run.summary as { costMicros: number; judgeCostMicros: number; passed: number };
      const judged = await prisma.suiteCaseResult.findMany({ where: { workspaceId, runId: runs[0]!.id } });
      expect(judged.map((r) => (r.result as { error?: unknown }).error)).toEqual([undefined, undefined]);
      expect(summary.passed).toBe(2);
      expect(summary.costMicros).toBeGreaterThan(0);
      expect(summary.judgeCostMicros).toBeGreaterThan(summary.costMicros); // gpt-4o costs more than mini
      expect(await getRunProgress(workspaceId, runs[0]!.id)).toMatchObject({
        costMicros: summary.costMicros,
        judgeCostMicros: summary.judgeCostMicros,
        unpricedCases: 0,
      });

      const unpriced = await startRuns(
        as('editor'),
        { suiteId, versions: [1], model: 'house-model-7' },
        recordingQueue(),
      );
      await job(unpriced.runs[0]!.id);
      expect(await getRunProgress(workspaceId, unpriced.runs[0]!.id)).toMatchObject({
        status: 'completed',
        costMicros: 0,
        unpricedCases: 2,
        judgeUnpricedCases: 0,
      });
      expect((await runRow(unpriced.runs[0]!.id)).summary).toMatchObject({ unpricedCases: 2 });
    });

    it("records each call for the dashboards, target as 'suite' and judge as 'judge', at the workspace's price", async () => {
      fake.addRule({ model: /^gpt-4o$/, judge: { score: 0.9, verdict: 'PASS' } });
      // $1,000 per million tokens from today on: 1,000 micro-dollars a token for the target's model.
      await saveModelPrice(prisma, as('admin'), {
        provider: 'simulator',
        model: 'gpt-4o-mini',
        inputPerMillionUsd: 1000,
        outputPerMillionUsd: 1000,
        effectiveFrom: new Date().toISOString().slice(0, 10),
      });
      const suiteId = await seedSuite(fruit(2), [
        { kind: 'contains' },
        { kind: 'llmJudge', name: 'quality', rubricPromptId: 'rubric' },
      ]);
      const { runs } = await startRuns(as('editor'), { suiteId, versions: [1] }, recordingQueue());
      // Earlier tests' calls are written first, so only this run's calls are after `started`.
      await (await getRunRecorder(workspaceId)).flush();
      const started = new Date();
      await job(runs[0]!.id);
      await (await getRunRecorder(workspaceId)).flush();
      const recorded = await prisma.analyticsRun.findMany({
        where: { workspaceId, at: { gte: started } },
      });
      const suite = recorded.filter((r) => r.source === 'suite');
      const judge = recorded.filter((r) => r.source === 'judge');
      expect(suite).toHaveLength(2);
      expect(judge).toHaveLength(2);
      expect(suite.every((r) => r.promptId === 'classify' && r.model === 'gpt-4o-mini')).toBe(true);
      expect(judge.every((r) => r.promptId === 'rubric' && r.model === 'gpt-4o')).toBe(true);
      for (const r of suite) expect(Number(r.costMicros)).toBe(1000 * (r.inputTokens + r.outputTokens));
      // The judge's model has no workspace price: the built-in one applies.
      for (const r of judge)
        expect(Number(r.costMicros)).toBeLessThan(1000 * (r.inputTokens + r.outputTokens));
      await prisma.analyticsModelPrice.deleteMany({ where: { workspaceId } });
    });

    it('records a provider failing mid-run as ERROR cases and ends "completed with errors"', async () => {
      const cases = fruit(3);
      fake.addRule({
        content: cases[1]!.text,
        fault: { kind: 'status', status: 500, message: 'upstream exploded' },
      });
      const suiteId = await seedSuite(cases);
      const { runs } = await startRuns(as('editor'), { suiteId, versions: [1] }, recordingQueue());
      await job(runs[0]!.id);
      const run = await runRow(runs[0]!.id);
      expect(run).toMatchObject({ status: 'completed_with_errors', error: null });
      expect(run.summary).toMatchObject({ total: 3, passed: 2, errored: 1 });
      const errored = await prisma.suiteCaseResult.findMany({
        where: { workspaceId, runId: runs[0]!.id, errored: true },
      });
      expect(errored.map((r) => r.caseId)).toEqual(['case-2']);
      expect((errored[0]!.result as { error: { message: string } }).error.message).toContain(
        'upstream exploded',
      );
    });

    it('cancels a queued run at once, and a running one keeping its finished cases', async () => {
      const cases = fruit(6);
      const suiteId = await seedSuite(cases);
      const queued = await startRuns(as('editor'), { suiteId, versions: [1] }, recordingQueue());
      expect(await cancelRun(as('editor'), queued.runs[0]!.id)).toEqual({ status: 'cancelled' });
      await job(queued.runs[0]!.id);
      expect(requestsFor(cases[0]!.text)).toBe(0);
      expect(await runRow(queued.runs[0]!.id)).toMatchObject({ status: 'cancelled' });

      fake.setScript({ latencyMs: 150 });
      const { runs } = await startRuns(
        as('editor'),
        { suiteId, versions: [1], concurrency: 1 },
        recordingQueue(),
      );
      const runId = runs[0]!.id;
      const running = job(runId);
      await vi.waitFor(
        async () => expect((await getRunProgress(workspaceId, runId)).done).toBeGreaterThanOrEqual(2),
        {
          timeout: 5_000,
          interval: 20,
        },
      );
      expect(await cancelRun(as('editor'), runId)).toEqual({ status: 'cancelling' });
      await running;
      const run = await runRow(runId);
      expect(run.status).toBe('cancelled');
      const kept = await prisma.suiteCaseResult.count({ where: { workspaceId, runId } });
      expect(kept).toBeGreaterThanOrEqual(2);
      expect(kept).toBeLessThan(6);
      expect(run.summary).toMatchObject({ total: kept });
      expect(await cancelRun(as('editor'), runId)).toEqual({ status: 'cancelled' });
      const cancels = await prisma.auditEvent.findMany({
        where: { workspaceId, action: 'suite_run.cancel', details: { path: ['runId'], equals: runId } },
      });
      expect(cancels.map((c) => c.details)).toEqual([expect.objectContaining({ wasRunning: true })]);
    });

    it('audits a start, and a cancel that changes the run, with the suite, run and prompt version', async () => {
      const suiteId = await seedSuite(fruit(1));
      const audits = async () =>
        (
          await prisma.auditEvent.findMany({
            where: { workspaceId, subject: `suite:${suiteId}` },
            orderBy: { createdAt: 'asc' },
          })
        ).map((a) => ({ action: a.action, actorEmail: a.actorEmail, details: a.details }));
      await expect(startRuns(as('viewer'), { suiteId, versions: [1] }, recordingQueue())).rejects.toThrow();
      expect(await audits()).toEqual([]);

      const { batchId, runs } = await startRuns(as('editor'), { suiteId, versions: [1] }, recordingQueue());
      const runId = runs[0]!.id;
      const started = {
        action: 'suite_run.start',
        actorEmail: 'eve@x.test',
        details: {
          suiteId,
          suiteName: expect.stringMatching(/^Suite \d+$/),
          revision: 1,
          promptId: 'classify',
          batchId,
          runs: [{ runId, promptVersion: 1, provider: 'simulator', model: 'gpt-4o-mini' }],
        },
      };
      expect(await audits()).toEqual([started]);

      expect(await cancelRun(as('editor'), runId)).toEqual({ status: 'cancelled' });
      // Cancelling it again changes nothing, and records nothing.
      expect(await cancelRun(as('editor'), runId)).toEqual({ status: 'cancelled' });
      expect(await audits()).toEqual([
        started,
        {
          action: 'suite_run.cancel',
          actorEmail: 'eve@x.test',
          details: {
            suiteId,
            suiteName: expect.stringMatching(/^Suite \d+$/),
            runId,
            promptId: 'classify',
            promptVersion: 1,
            wasRunning: false,
          },
        },
      ]);
    });

    it('leaves an interrupted run resumable, and resuming does not pay again for finished cases', async () => {
      fake.setScript({ latencyMs: 120 });
      const cases = fruit(6);
      const suiteId = await seedSuite(cases);
      const { runs } = await startRuns(
        as('editor'),
        { suiteId, versions: [1], concurrency: 2 },
        recordingQueue(),
      );
      const runId = runs[0]!.id;
      const worker = new AbortController();
      const first = job(runId, worker.signal);
      await vi.waitFor(
        async () => expect((await getRunProgress(workspaceId, runId)).done).toBeGreaterThanOrEqual(2),
        {
          timeout: 5_000,
          interval: 20,
        },
      );
      worker.abort(); // the worker shuts down
      await first;
      const interrupted = await runRow(runId);
      expect(interrupted).toMatchObject({ status: 'queued', heartbeatAt: null, finishedAt: null });
      expect(
        await prisma.suiteRun.findUnique({ where: { workspaceId_id: { workspaceId, id: runId } } }),
      ).toMatchObject({
        status: 'running',
        finishedAt: null,
      });
      const finished = (await prisma.suiteCaseResult.findMany({ where: { workspaceId, runId } })).map(
        (r) => r.caseId,
      );
      expect(finished.length).toBeGreaterThanOrEqual(2);
      expect(finished.length).toBeLessThan(6);

      await job(runId);
      expect(await runRow(runId)).toMatchObject({ status: 'completed', summary: { total: 6, passed: 6 } });
      // Each case finished before the interruption was sent to the provider exactly once.
      for (const caseId of finished) {
        const n = Number(caseId.replace('case-', ''));
        expect(requestsFor(cases[n - 1]!.text)).toBe(1);
      }
    });

    it('fails a run whose provider is gone, with a clear message', async () => {
      await prisma.providerConfig.create({
        data: { workspaceId, name: 'temp', kind: 'openai', isSimulator: true, baseUrl: 'http://stale:1/v1' },
      });
      const suiteId = await seedSuite(fruit(1));
      const { runs } = await startRuns(
        as('editor'),
        { suiteId, versions: [1], provider: 'temp' },
        recordingQueue(),
      );
      await prisma.providerConfig.delete({ where: { workspaceId_name: { workspaceId, name: 'temp' } } });
      await job(runs[0]!.id);
      expect(await runRow(runs[0]!.id)).toMatchObject({
        status: 'failed',
        error: expect.stringContaining('No provider named "temp"'),
      });
    });

    it('cancels, without calling anything, a run whose worker died after a cancel was asked', async () => {
      const cases = fruit(2);
      const suiteId = await seedSuite(cases);
      const { runs } = await startRuns(as('editor'), { suiteId, versions: [1] }, recordingQueue());
      const runId = runs[0]!.id;
      await prisma.evalRun.update({
        where: { workspaceId_id: { workspaceId, id: runId } },
        data: { status: 'running', startedAt: new Date(), heartbeatAt: new Date(Date.now() - 60_000) },
      });
      expect(await cancelRun(as('editor'), runId)).toEqual({ status: 'cancelling' });
      await job(runId);
      expect(await runRow(runId)).toMatchObject({
        status: 'cancelled',
        heartbeatAt: null,
        summary: { total: 0 },
      });
      expect(requestsFor(cases[0]!.text)).toBe(0);
    });

    it('re-enqueues stale runs; a run with a fresh heartbeat belongs to its worker', async () => {
      const cases = fruit(1);
      const suiteId = await seedSuite(cases);
      const { runs } = await startRuns(as('editor'), { suiteId, versions: [1] }, recordingQueue());
      const runId = runs[0]!.id;
      const queue = recordingQueue();
      // Just created: its job is still on its way.
      expect(await recoverStaleRuns(queue)).not.toContain(runId);
      // Created a minute ago and never picked up (an enqueue that failed).
      await prisma.evalRun.update({
        where: { workspaceId_id: { workspaceId, id: runId } },
        data: { createdAt: new Date(Date.now() - 60_000) },
      });
      expect(await recoverStaleRuns(queue)).toContain(runId);
      expect(queue.sent).toContainEqual({
        name: 'eval-run',
        data: { workspaceId, runId },
        singletonKey: runId,
      });

      // Running elsewhere with a fresh heartbeat: neither recovered nor taken over.
      await prisma.evalRun.update({
        where: { workspaceId_id: { workspaceId, id: runId } },
        data: { status: 'running', heartbeatAt: new Date() },
      });
      expect(await recoverStaleRuns(recordingQueue())).not.toContain(runId);
      await job(runId);
      expect(await runRow(runId)).toMatchObject({ status: 'running' });
      expect(requestsFor(cases[0]!.text)).toBe(0);

      // Its worker died: the heartbeat went stale, recovery re-enqueues it and the job resumes it.
      await prisma.evalRun.update({
        where: { workspaceId_id: { workspaceId, id: runId } },
        data: { heartbeatAt: new Date(Date.now() - 60_000) },
      });
      expect(await recoverStaleRuns(recordingQueue())).toContain(runId);
      await job(runId);
      expect(await runRow(runId)).toMatchObject({ status: 'completed' });
    });
  });
}

runOn('postgres');
runOn('pglite');
