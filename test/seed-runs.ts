// Evaluation runs written straight into the database, as the run job and the Prisma RunStore write
// them (EvalRun + SuiteRun + SuiteCaseResult with its copied columns), for tests and benchmarks of
// the pages that read runs.
import type { PrismaClient } from '@/lib/generated/prisma/client';
import type { CaseResult } from '@/lib/loom/evaluator';

export interface SeedCase {
  caseId: string;
  input: Record<string, unknown>;
  expected?: string;
  tags?: string[];
}

export const JUDGE_EVALUATORS = [
  { kind: 'contains', name: 'mentions-answer', ignoreCase: true },
  {
    kind: 'llmJudge',
    name: 'helpfulness',
    rubricPromptId: 'helpfulness-rubric',
    rubricVersion: 'production',
    threshold: 0.7,
    samples: 1,
  },
];

/** A suite with one revision holding `cases` in order. */
export async function seedSuite(
  prisma: PrismaClient,
  workspaceId: string,
  suite: {
    id: string;
    name?: string;
    promptId: string;
    revision?: number;
    cases: SeedCase[];
    evaluators?: unknown[];
  },
): Promise<void> {
  const revision = suite.revision ?? 1;
  await prisma.suite.upsert({
    where: { workspaceId_id: { workspaceId, id: suite.id } },
    create: {
      workspaceId,
      id: suite.id,
      name: suite.name ?? suite.id,
      promptId: suite.promptId,
      revision,
      updatedAt: new Date(),
    },
    update: { revision },
  });
  await prisma.suiteRevision.create({
    data: {
      workspaceId,
      suiteId: suite.id,
      revision,
      evaluators: (suite.evaluators ?? JUDGE_EVALUATORS) as object[],
      caseCount: suite.cases.length,
    },
  });
  for (let i = 0; i < suite.cases.length; i += 2000) {
    await prisma.suiteCase.createMany({
      data: suite.cases.slice(i, i + 2000).map((c, j) => ({
        workspaceId,
        suiteId: suite.id,
        revision,
        caseId: c.caseId,
        position: i + j,
        input: c.input as object,
        expected: c.expected ?? null,
        tags: c.tags ?? [],
      })),
    });
  }
}

/** A loom CaseResult with a contains check and a judge, shaped as runSuite saves it. */
export function caseResult(
  caseId: string,
  options: {
    output?: string;
    judgePass?: boolean;
    judgeScore?: number;
    containsPass?: boolean;
    reason?: string;
    latencyMs?: number;
    costMicros?: number | null;
    judgeCostMicros?: number;
    tags?: string[];
    error?: { code: string; message: string };
  } = {},
): CaseResult {
  const judgePass = options.judgePass ?? true;
  const containsPass = options.containsPass ?? true;
  const judgeScore = options.judgeScore ?? (judgePass ? 0.9 : 0.3);
  const evaluations = options.error
    ? []
    : [
        {
          name: 'mentions-answer',
          kind: 'contains',
          score: containsPass ? 1 : 0,
          pass: containsPass,
          reason: containsPass ? 'contains the expected text' : 'the expected text is missing',
        },
        {
          name: 'helpfulness',
          kind: 'llmJudge',
          score: judgeScore,
          pass: judgePass,
          reason: options.reason ?? (judgePass ? 'Answers the question.' : 'Misses the point.'),
          scores: [judgeScore],
          stddev: 0,
          usage: { inputTokens: 200, outputTokens: 30 },
          costMicros: options.judgeCostMicros ?? 50,
        },
      ];
  const result = {
    caseId,
    tags: options.tags ?? [],
    ...(options.error ? {} : { output: options.output ?? `answer for ${caseId}` }),
    evaluations,
    score: evaluations.length ? evaluations.reduce((s, e) => s + e.score, 0) / evaluations.length : 0,
    pass: !options.error && judgePass && containsPass,
    latencyMs: options.latencyMs ?? 100,
    usage: { inputTokens: 100, outputTokens: 20 },
    costMicros: options.costMicros === null ? undefined : (options.costMicros ?? 120),
    judgeUsage: options.error ? { inputTokens: 0, outputTokens: 0 } : { inputTokens: 200, outputTokens: 30 },
    judgeCostMicros: options.error ? 0 : (options.judgeCostMicros ?? 50),
    ...(options.error ? { error: { ...options.error, details: {} } } : {}),
  };
  // costMicros: null stands for a result a newer run store marks unpriced (no number stored).
  return result as CaseResult;
}

/** An EvalRun with its SuiteRun and case results. */
export async function seedRun(
  prisma: PrismaClient,
  workspaceId: string,
  run: {
    id: string;
    suiteId: string;
    suiteRevision?: number;
    promptId: string;
    promptVersion?: number;
    status?: string;
    results: CaseResult[];
    createdBy?: string;
    startedAt?: Date;
    finishedAt?: Date;
  },
): Promise<void> {
  const startedAt = run.startedAt ?? new Date(Date.now() - 90_000);
  const finishedAt = run.finishedAt ?? new Date(startedAt.getTime() + 75_000);
  const status = run.status ?? 'completed';
  const isFinished = !['queued', 'running'].includes(status);
  await prisma.evalRun.create({
    data: {
      workspaceId,
      id: run.id,
      suiteId: run.suiteId,
      suiteRevision: run.suiteRevision ?? 1,
      promptId: run.promptId,
      promptVersion: run.promptVersion ?? 1,
      batchId: `batch-${run.id}`,
      provider: 'openai',
      model: 'gpt-4o-mini',
      concurrency: 4,
      judge: { promptId: 'helpfulness-rubric', version: 1, provider: 'openai', model: 'gpt-4o-mini' },
      status,
      total: run.results.length,
      createdBy: run.createdBy ?? null,
      startedAt,
      finishedAt: isFinished ? finishedAt : null,
    },
  });
  await prisma.suiteRun.create({
    data: {
      workspaceId,
      id: run.id,
      suiteId: run.suiteId,
      status: isFinished ? 'completed' : 'running',
      startedAt,
      finishedAt: isFinished ? finishedAt : null,
    },
  });
  for (let i = 0; i < run.results.length; i += 2000) {
    await prisma.suiteCaseResult.createMany({
      data: run.results.slice(i, i + 2000).map((result) => ({
        workspaceId,
        runId: run.id,
        caseId: result.caseId,
        result: result as object,
        pass: result.pass,
        errored: result.error !== undefined,
        tags: result.tags,
        finishedAt,
      })),
    });
  }
}
