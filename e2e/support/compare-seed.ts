import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { withSeededWorkspace } from './database';

export interface SeedCaseResult {
  pass: boolean;
  output: string;
  judge: number;
  latencyMs: number;
  costMicros: number;
}

export interface SeededComparison {
  suiteId: string;
  suiteName: string;
  baselineId: string;
  candidateId: string;
  cases: number;
}

async function insertRun(
  client: pg.Client,
  workspaceId: string,
  suiteId: string,
  run: { id: string; version: number; model: string; createdAt: Date },
  results: SeedCaseResult[],
) {
  await client.query(
    `INSERT INTO "SuiteRun" ("workspaceId", id, "suiteId", status, "startedAt", "finishedAt")
     VALUES ($1, $2, $3, 'completed', $4, $4)`,
    [workspaceId, run.id, suiteId, run.createdAt],
  );
  await client.query(
    `INSERT INTO "EvalRun" ("workspaceId", id, "suiteId", "suiteRevision", "promptId", "promptVersion", "batchId",
       provider, model, concurrency, status, total, "createdAt", "startedAt", "finishedAt")
     VALUES ($1, $2, $3, 1, 'classify-intent', $4, $2, 'simulator', $5, 4, 'completed', $6, $7, $7, $7)`,
    [workspaceId, run.id, suiteId, run.version, run.model, results.length, run.createdAt],
  );
  for (const [i, r] of results.entries()) {
    const caseId = `case-${String(i + 1).padStart(2, '0')}`;
    const result = {
      caseId,
      tags: [],
      output: r.output,
      evaluations: [
        {
          name: 'label matches',
          kind: 'exact',
          score: r.pass ? 1 : 0,
          pass: r.pass,
          reason: r.pass ? 'equal' : 'differs',
        },
        {
          name: 'judge',
          kind: 'llmJudge',
          score: r.judge,
          pass: r.judge >= 0.5,
          reason: r.judge >= 0.5 ? 'Names the right intent.' : 'Picks the wrong intent.',
          costMicros: 40,
        },
      ],
      score: (r.judge + (r.pass ? 1 : 0)) / 2,
      pass: r.pass,
      latencyMs: r.latencyMs,
      usage: { inputTokens: 120, outputTokens: 12 },
      costMicros: r.costMicros,
      judgeUsage: { inputTokens: 300, outputTokens: 40 },
      judgeCostMicros: 40,
    };
    await client.query(
      `INSERT INTO "SuiteCaseResult" ("workspaceId", "runId", "caseId", result, pass, errored, tags)
       VALUES ($1, $2, $3, $4, $5, false, '{}')`,
      [workspaceId, run.id, caseId, JSON.stringify(result), r.pass],
    );
  }
}

const INTENTS = ['billing', 'refund', 'shipping', 'account', 'cancel'];

/**
 * A suite of 30 cases with two finished runs in the seeded workspace: the baseline passes 28; the
 * candidate loses 12 of those and gains 1, with different outputs on the flipped cases.
 */
export async function seedComparison(): Promise<SeededComparison> {
  const suffix = randomBytes(4).toString('hex');
  const suiteId = `suite-${suffix}`;
  const suiteName = `Intent classification regression suite ${suffix}`;
  const cases = 30;
  const baselineId = `run-base-${suffix}`;
  const candidateId = `run-cand-${suffix}`;
  await withSeededWorkspace(async (client, workspaceId) => {
    await client.query(
      `INSERT INTO "Suite" ("workspaceId", id, name, "promptId", revision, "updatedAt") VALUES ($1, $2, $3, 'classify-intent', 1, now())`,
      [workspaceId, suiteId, suiteName],
    );
    await client.query(
      `INSERT INTO "SuiteRevision" ("workspaceId", "suiteId", revision, evaluators, "caseCount") VALUES ($1, $2, 1, '[]', $3)`,
      [workspaceId, suiteId, cases],
    );
    for (let i = 0; i < cases; i++) {
      const intent = INTENTS[i % INTENTS.length] ?? 'billing';
      await client.query(
        `INSERT INTO "SuiteCase" ("workspaceId", "suiteId", revision, "caseId", position, input, expected, tags)
         VALUES ($1, $2, 1, $3, $4, $5, $6, '{}')`,
        [
          workspaceId,
          suiteId,
          `case-${String(i + 1).padStart(2, '0')}`,
          i,
          JSON.stringify({ message: `Customer message ${i + 1} about ${intent}` }),
          intent,
        ],
      );
    }
    const baseline: SeedCaseResult[] = Array.from({ length: cases }, (_, i) => {
      const intent = INTENTS[i % INTENTS.length] ?? 'billing';
      const pass = i !== 20 && i !== 25;
      return {
        pass,
        output: pass ? `The intent is ${intent}. Confidence high.` : `The intent is unknown.`,
        judge: pass ? 0.9 : 0.2,
        latencyMs: 200 + (i % 7) * 10,
        costMicros: 120,
      };
    });
    const candidate: SeedCaseResult[] = baseline.map((b, i) => {
      const intent = INTENTS[i % INTENTS.length] ?? 'billing';
      if (i >= 2 && i < 14) {
        return {
          pass: false,
          output: `The intent is other. Confidence low.`,
          judge: 0.3,
          latencyMs: 380,
          costMicros: 180,
        };
      }
      if (i === 20)
        return {
          pass: true,
          output: `The intent is ${intent}. Confidence high.`,
          judge: 0.8,
          latencyMs: 260,
          costMicros: 170,
        };
      return { ...b, latencyMs: b.latencyMs + 40, costMicros: 170 };
    });
    const now = Date.now();
    await insertRun(
      client,
      workspaceId,
      suiteId,
      { id: baselineId, version: 1, model: 'gpt-4o-mini', createdAt: new Date(now - 3_600_000) },
      baseline,
    );
    await insertRun(
      client,
      workspaceId,
      suiteId,
      {
        id: candidateId,
        version: 2,
        model: 'gpt-4o-mini-2024-07-18-long-model-name',
        createdAt: new Date(now),
      },
      candidate,
    );
  });
  return { suiteId, suiteName, baselineId, candidateId, cases };
}
