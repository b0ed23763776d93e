// The demo's evaluation data on fresh databases (PostgreSQL and the embedded PGlite): the
// "Intent routing" suite, classify-intent v1 (production) and v2, the intent-judge rubric; seeding
// twice adds nothing; an older demo workspace gets the additions; and the suite, run through loom
// against the simulator with its demo rules, scores v1 at 60% and v2 at 90%.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeLlmServer, type FakeLlmServer } from '@/lib/adapters/fake-llm/server';
import { demoSimulatorRules } from '@/lib/adapters/fake-llm/demo-rules';
import { createOpenAIProvider } from '@/lib/adapters/openai';
import { createPrismaRegistry } from '@/lib/adapters/prisma/registry';
import { attach, validateInput } from '@/lib/loom/core';
import { compileEvaluators, createLLMJudge, parseSuite } from '@/lib/loom/evaluator';
import { execute } from '@/lib/loom/executor';
import { createTemplateEngine } from '@/lib/loom/template';
import { createTestDatabase, type TestDatabase, type TestDatabaseKind } from '@/test/db';
import { JUDGE_REQUIRED_VARIABLES, suiteEvaluatorsSchema } from '../suites/evaluator-config';
import { seedDemoWorkspace } from './demo';
import { DEMO_SUITE_CASES, DEMO_SUITE_NAME } from './demo-suite';
import { ensureSeed } from './seed';

const env = {
  LOOM_ADMIN_EMAIL: 'admin@loom.local',
  LOOM_ADMIN_PASSWORD: 'first-start-password',
  LOOM_SIMULATOR_URL: 'http://127.0.0.1:45678',
};

const counts = async (db: TestDatabase) => ({
  versions: await db.prisma.promptVersion.count(),
  suites: await db.prisma.suite.count(),
  revisions: await db.prisma.suiteRevision.count(),
  cases: await db.prisma.suiteCase.count(),
  providers: await db.prisma.providerConfig.count(),
});

describe.each<TestDatabaseKind>(['postgres', 'pglite'])('demo evaluation data on %s', (kind) => {
  let db: TestDatabase;
  let workspaceId: string;
  beforeAll(async () => {
    db = await createTestDatabase({ kind });
    await ensureSeed(db.prisma, env);
    workspaceId = (await db.prisma.workspace.findFirstOrThrow()).id;
  });
  afterAll(() => db.close());

  it('gives a new workspace the suite with 20 cases and 3 evaluators, classify-intent v1 and v2, and the judge', async () => {
    const suite = await db.prisma.suite.findFirstOrThrow({ where: { workspaceId, name: DEMO_SUITE_NAME } });
    expect(suite).toMatchObject({ promptId: 'classify-intent', revision: 1, archivedAt: null });
    const revision = await db.prisma.suiteRevision.findUniqueOrThrow({
      where: { workspaceId_suiteId_revision: { workspaceId, suiteId: suite.id, revision: 1 } },
    });
    expect(revision.caseCount).toBe(20);
    const evaluators = suiteEvaluatorsSchema.parse(revision.evaluators);
    expect(evaluators.map((e) => [e.kind, e.name])).toEqual([
      ['exactMatch', 'exact label'],
      ['regex', 'label format'],
      ['llmJudge', 'intent judge'],
    ]);
    expect(evaluators[2]).toMatchObject({
      rubricPromptId: 'intent-judge',
      rubricVersion: 'production',
      threshold: 0.7,
      samples: 1,
    });
    const cases = await db.prisma.suiteCase.findMany({
      where: { workspaceId, suiteId: suite.id },
      orderBy: { position: 'asc' },
    });
    expect(cases).toHaveLength(20);
    expect(new Set(cases.map((c) => c.expected))).toEqual(
      new Set(['billing', 'bug', 'feature-request', 'other']),
    );
    expect(cases.filter((c) => c.tags.includes('tricky')).length).toBeGreaterThanOrEqual(3);
    expect(cases[0]).toMatchObject({
      caseId: 'double-charge',
      position: 0,
      revision: 1,
      input: { text: expect.any(String) },
    });

    const registry = createPrismaRegistry(db.prisma, workspaceId);
    const summaries = await registry.list();
    expect(summaries.find((s) => s.id === 'classify-intent')).toMatchObject({
      latestVersion: 2,
      labels: { production: 1 },
    });
    const judge = await registry.getByLabel('intent-judge', 'production');
    expect(judge).toMatchObject({ name: 'Intent judge', version: 1, model: { provider: 'simulator' } });
    expect(judge.tags).toContain('judge');
    const judgeVariables = judge.variables.map((v) => v.name);
    expect(judgeVariables).toEqual(expect.arrayContaining([...JUDGE_REQUIRED_VARIABLES, 'expected']));
  });

  it('has every case fit the variables of both classify-intent versions', async () => {
    const registry = createPrismaRegistry(db.prisma, workspaceId);
    const cases = await db.prisma.suiteCase.findMany({ where: { workspaceId } });
    for (const version of [1, 2]) {
      const { variables } = await registry.get('classify-intent', version);
      for (const c of cases) {
        expect(
          () => validateInput(variables, c.input as Record<string, unknown>),
          `${c.caseId} on v${version}`,
        ).not.toThrow();
      }
    }
  });

  it('adds nothing when seeding runs again', async () => {
    const before = await counts(db);
    expect(before).toMatchObject({ suites: 1, revisions: 1, cases: 20, providers: 1 });
    await seedDemoWorkspace(db.prisma, workspaceId, env, 'again@loom.local');
    expect(await counts(db)).toEqual(before);
  });

  it("adds the new pieces to an older demo workspace, and leaves an admin's own prompt of the same id alone", async () => {
    const registry = createPrismaRegistry(db.prisma, workspaceId);
    const older = (await db.prisma.workspace.create({ data: { slug: `older-${kind}`, name: 'Older demo' } }))
      .id;
    const olderRegistry = createPrismaRegistry(db.prisma, older);
    await olderRegistry.save(await registry.get('classify-intent', 1), {
      author: 'x',
      message: 'First version',
    });
    await olderRegistry.setLabel('classify-intent', 'production', 1, { actor: 'x' });
    await seedDemoWorkspace(db.prisma, older, env, 'admin@loom.local');
    expect((await olderRegistry.list()).find((s) => s.id === 'classify-intent')).toMatchObject({
      latestVersion: 2,
      labels: { production: 1 },
    });
    expect(await olderRegistry.find('intent-judge', 1)).toBeDefined();
    expect(await db.prisma.suite.count({ where: { workspaceId: older, name: DEMO_SUITE_NAME } })).toBe(1);

    const own = (await db.prisma.workspace.create({ data: { slug: `own-${kind}`, name: 'Own' } })).id;
    const ownRegistry = createPrismaRegistry(db.prisma, own);
    await ownRegistry.save(
      { ...(await registry.get('classify-intent', 1)), system: 'My own classifier.' },
      { author: 'x' },
    );
    await seedDemoWorkspace(db.prisma, own, env, 'admin@loom.local');
    expect((await ownRegistry.getLatest('classify-intent')).version).toBe(1);
  });
});

describe('the demo suite run through loom against the simulator', () => {
  let db: TestDatabase;
  let server: FakeLlmServer;
  beforeAll(async () => {
    [db, server] = await Promise.all([
      createTestDatabase({ kind: 'pglite' }),
      startFakeLlmServer({ script: { rules: demoSimulatorRules() } }),
    ]);
    await ensureSeed(db.prisma, env);
  });
  afterAll(async () => {
    await Promise.all([db.close(), server.close()]);
  });

  it('passes 12 of 20 cases on v1 and 18 on v2, the judge agreeing with the exact match', async () => {
    const workspaceId = (await db.prisma.workspace.findFirstOrThrow()).id;
    const registry = createPrismaRegistry(db.prisma, workspaceId);
    const engine = createTemplateEngine();
    const provider = createOpenAIProvider({
      apiKey: 'sk-demo',
      baseURL: `${server.url}/v1`,
      name: 'simulator',
    });
    const suite = await db.prisma.suite.findFirstOrThrow({ where: { workspaceId, name: DEMO_SUITE_NAME } });
    const revision = await db.prisma.suiteRevision.findFirstOrThrow({
      where: { workspaceId, suiteId: suite.id },
    });
    const [exact, regex, judgeConfig] = suiteEvaluatorsSchema.parse(revision.evaluators);
    if (
      judgeConfig?.kind !== 'llmJudge' ||
      !exact ||
      !regex ||
      exact.kind === 'llmJudge' ||
      regex.kind === 'llmJudge'
    ) {
      throw new Error('unexpected evaluators');
    }
    const judge = createLLMJudge({
      executor: { provider },
      prompt: attach(await registry.getByLabel(judgeConfig.rubricPromptId, 'production'), engine),
    });
    const loomSuite = parseSuite({
      id: suite.id,
      name: suite.name,
      cases: DEMO_SUITE_CASES.map((c) => ({ id: c.id, input: c.input, expected: c.expected })),
      evaluators: [
        exact,
        regex,
        {
          kind: 'llmJudge',
          name: judgeConfig.name,
          threshold: judgeConfig.threshold,
          samples: judgeConfig.samples,
        },
      ],
    });
    const evaluators = compileEvaluators(loomSuite, { judge });

    const passRate = async (version: number) => {
      const prompt = attach(await registry.get('classify-intent', version), engine);
      const verdicts = await Promise.all(
        loomSuite.cases.map(async (testCase) => {
          const { output } = await execute({ prompt, input: testCase.input, provider });
          const outcomes = await Promise.all(evaluators.map((e) => e.evaluate({ output, testCase })));
          expect(outcomes[2]?.pass, `${testCase.id}: judge vs exact match`).toBe(outcomes[0]?.pass);
          expect(outcomes[1]?.pass, `${testCase.id}: label format`).toBe(true);
          return outcomes.every((o) => o.pass);
        }),
      );
      return verdicts.filter(Boolean).length / verdicts.length;
    };
    expect(await passRate(1)).toBe(0.6);
    expect(await passRate(2)).toBe(0.9);
  });
});
