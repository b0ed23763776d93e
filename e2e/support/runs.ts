import { randomBytes } from 'node:crypto';
import type { Page } from '@playwright/test';
import { withSeededWorkspace } from './database';

/** The demo prompt every e2e database has; the seeded run ran its version 1. */
const PROMPT = 'support-reply';

export interface SeededRun {
  suiteId: string;
  suiteName: string;
  runId: string;
  /** Cases the judge failed, in suite order. */
  failedCaseIds: string[];
  total: number;
}

/**
 * A finished run (completed with errors) of a fresh 60-case suite, written straight into the e2e
 * database as the run job writes it: every 5th case fails the judge, case 7 errored at the provider.
 */
export async function seedFinishedRun(): Promise<SeededRun> {
  const id = randomBytes(4).toString('hex');
  const suiteId = `suite-${id}`;
  const suiteName = `Refund replies ${id}`;
  const runId = `run-${id}`;
  const total = 60;
  const failedCaseIds: string[] = [];
  await withSeededWorkspace(async (client, workspaceId) => {
    await client.query('BEGIN');
    await client.query(
      `INSERT INTO "Suite" ("workspaceId", id, name, "promptId", revision, "updatedAt") VALUES ($1, $2, $3, $4, 1, now())`,
      [workspaceId, suiteId, suiteName, PROMPT],
    );
    const evaluators = [
      { kind: 'contains', name: 'mentions-refund', allOf: ['refund'], ignoreCase: true },
      {
        kind: 'llmJudge',
        name: 'helpfulness',
        rubricPromptId: 'helpfulness-rubric',
        rubricVersion: 'production',
        threshold: 0.7,
        samples: 1,
      },
    ];
    await client.query(
      `INSERT INTO "SuiteRevision" ("workspaceId", "suiteId", revision, evaluators, "caseCount") VALUES ($1, $2, 1, $3, $4)`,
      [workspaceId, suiteId, JSON.stringify(evaluators), total],
    );
    const started = new Date(Date.now() - 5 * 60_000);
    const finished = new Date(started.getTime() + 134_000);
    await client.query(
      `INSERT INTO "EvalRun" ("workspaceId", id, "suiteId", "suiteRevision", "promptId", "promptVersion", "batchId",
         provider, model, concurrency, judge, status, total, "startedAt", "finishedAt", "createdAt")
       VALUES ($1, $2, $3, 1, $4, 1, $2, 'openai', 'gpt-4o-mini', 4, $5, 'completed_with_errors', $6, $7, $8, $7)`,
      [
        workspaceId,
        runId,
        suiteId,
        PROMPT,
        JSON.stringify({
          promptId: 'helpfulness-rubric',
          version: 2,
          provider: 'openai',
          model: 'gpt-4o-mini',
        }),
        total,
        started,
        finished,
      ],
    );
    await client.query(
      `INSERT INTO "SuiteRun" ("workspaceId", id, "suiteId", status, "startedAt", "finishedAt") VALUES ($1, $2, $3, 'completed', $4, $5)`,
      [workspaceId, runId, suiteId, started, finished],
    );
    for (let i = 0; i < total; i++) {
      const caseId = `refund-${String(i + 1).padStart(2, '0')}`;
      const tags = i % 3 === 0 ? ['billing'] : ['shipping'];
      const input = {
        customer_name: `Customer ${i + 1}`,
        message: `My order ${1000 + i} arrived broken. Can I get a refund?`,
      };
      await client.query(
        `INSERT INTO "SuiteCase" ("workspaceId", "suiteId", revision, "caseId", position, input, expected, tags)
         VALUES ($1, $2, 1, $3, $4, $5, $6, $7)`,
        [
          workspaceId,
          suiteId,
          caseId,
          i,
          JSON.stringify(input),
          'Apologise and offer a refund or a replacement.',
          tags,
        ],
      );
      const errored = i === 6;
      const judgePass = i % 5 !== 2;
      if (!judgePass && !errored) failedCaseIds.push(caseId);
      const judgeScore = judgePass ? 0.8 + (i % 3) * 0.05 : 0.3;
      const output = `Dear Customer ${i + 1}, we are sorry about order ${1000 + i}. ${judgePass ? 'A full refund is on its way.' : 'Please contact the courier.'}`;
      const result = errored
        ? {
            caseId,
            tags,
            evaluations: [],
            score: 0,
            pass: false,
            latencyMs: 30_000,
            usage: { inputTokens: 0, outputTokens: 0 },
            costMicros: 0,
            judgeUsage: { inputTokens: 0, outputTokens: 0 },
            judgeCostMicros: 0,
            error: {
              code: 'PROVIDER_ERROR',
              message: 'The provider answered HTTP 503 three times.',
              details: {},
            },
          }
        : {
            caseId,
            tags,
            output,
            evaluations: [
              {
                name: 'mentions-refund',
                kind: 'contains',
                score: judgePass ? 1 : 0,
                pass: judgePass,
                reason: judgePass ? 'contains "refund"' : '"refund" is missing',
              },
              {
                name: 'helpfulness',
                kind: 'llmJudge',
                score: judgePass ? judgeScore : 0.3,
                pass: judgePass,
                reason: judgePass
                  ? 'Apologises and offers the refund the policy allows.'
                  : `The reply sends customer ${i + 1} to the courier instead of offering the refund.`,
                scores: [judgePass ? judgeScore : 0.3],
                stddev: 0,
                usage: { inputTokens: 310, outputTokens: 42 },
                costMicros: 72,
              },
            ],
            score: judgePass ? (1 + judgeScore) / 2 : 0.15,
            pass: judgePass,
            latencyMs: 600 + ((i * 137) % 1400),
            usage: { inputTokens: 120, outputTokens: 48 },
            costMicros: 47,
            judgeUsage: { inputTokens: 310, outputTokens: 42 },
            judgeCostMicros: 72,
          };
      await client.query(
        `INSERT INTO "SuiteCaseResult" ("workspaceId", "runId", "caseId", result, pass, errored, tags, "finishedAt")
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [workspaceId, runId, caseId, JSON.stringify(result), result.pass, errored, tags, finished],
      );
    }
    await client.query('COMMIT');
  });
  return { suiteId, suiteName, runId, failedCaseIds, total };
}

/** The run page and its case drawer, as a user finds them. */
export class RunPage {
  constructor(readonly page: Page) {}

  goto(run: SeededRun, caseId?: string) {
    return this.page.goto(
      `/suites/${run.suiteId}/runs/${run.runId}${caseId ? `?case=${encodeURIComponent(caseId)}` : ''}`,
    );
  }

  stat(name: 'pass-rate' | 'judge-score' | 'cost' | 'latency' | 'duration' | 'overridden') {
    return this.page.getByTestId(`stat-${name}`);
  }

  filter(name: string) {
    return this.page.getByRole('group', { name: 'Show cases' }).getByRole('button', { name });
  }

  rows() {
    return this.page.getByTestId('case-row');
  }

  openCase(caseId: string) {
    return this.page.getByRole('button', { name: `Open case ${caseId}` }).click();
  }

  drawer() {
    return this.page.getByRole('dialog');
  }
}
