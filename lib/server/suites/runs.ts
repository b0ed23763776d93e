import 'server-only';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Prisma, PrismaClient } from '@/lib/generated/prisma/client';
import {
  compileInputValidator,
  isLoomError,
  LoomError,
  type LoomIssue,
  type PromptData,
} from '@/lib/loom/core';
import {
  compileEvaluators,
  evaluatorNameOf,
  type EvaluatorConfigInput,
  type LLMJudge,
  parseSuite,
  type Suite,
  type SuiteInput,
} from '@/lib/loom/evaluator';
import type { PromptRegistry } from '@/lib/loom/registry';
import { writeAudit } from '../audit';
import { auditSuiteRun, suiteSubject } from './run-audit';
import { can } from '../auth/permissions';
import type { Viewer } from '../auth/session';
import { getPrisma } from '../db';
import { getJobQueue } from '../jobs';
import type { JobPayloads } from '../jobs/types';
import { logger } from '../logger';
import { getRegistry } from '../loom';
import { getProvider, providerNameSchema } from '../providers';
import {
  suiteEvaluatorsSchema,
  type JudgeEvaluatorConfig,
  type SuiteEvaluatorConfig,
} from './evaluator-config';
import { missingRubricVariables } from './rubric';

// Starting and cancelling evaluation runs. A start checks everything a run needs (every case fits
// every chosen version, judges resolve, providers exist) and refuses the whole batch otherwise; then
// it writes the runs in one transaction and hands each to the job queue. The job (run-job.ts) does
// the paid work.

/** Cases in flight at once for one run; more mostly buys rate-limit errors from a provider. */
export const MAX_RUN_CONCURRENCY = 32;
/** Versions one start may target: each is a full paid run. */
export const MAX_VERSIONS_PER_START = 10;
/** Problems listed when a start is refused; the count says how many more there are. */
export const MAX_LISTED_PROBLEMS = 20;

/** What a start needs of the job queue (lib/server/jobs' queue satisfies it). */
export interface RunJobSender {
  send(name: 'eval-run', data: JobPayloads['eval-run'], options: { singletonKey: string }): Promise<unknown>;
}

const globalForRuns = globalThis as unknown as { __loomRunQueue?: RunJobSender };

/** Replaces the job queue started runs go to (tests that only record what was sent). */
export function provideRunQueue(queue: RunJobSender): void {
  globalForRuns.__loomRunQueue = queue;
}

/** Where started runs go: the studio's job queue (lib/server/jobs). */
export async function getRunQueue(): Promise<RunJobSender> {
  return globalForRuns.__loomRunQueue ?? getJobQueue();
}

export const startRunsSchema = z.object({
  suiteId: z.string().trim().min(1).max(100),
  versions: z
    .array(z.union([z.number().int().positive(), z.literal('production')]))
    .min(1, 'Choose at least one version.')
    .max(MAX_VERSIONS_PER_START, `Choose at most ${MAX_VERSIONS_PER_START} versions.`),
  /** Replaces each version's own provider. */
  provider: providerNameSchema.optional(),
  model: z.string().trim().min(1).max(200).optional(),
  concurrency: z.number().int().min(1).max(MAX_RUN_CONCURRENCY).default(4),
});
export type StartRunsInput = z.input<typeof startRunsSchema>;

export const cancelRunSchema = z.object({ runId: z.string().trim().min(1).max(200) });

/** One judge of a run as resolved at start; kept on EvalRun.judge so a resumed run judges alike. */
export interface JudgeSnapshot {
  /** The evaluator's result name (loom's evaluatorNameOf). */
  evaluator: string;
  promptId: string;
  version: number;
  provider: string;
  model: string;
  threshold: number;
  samples: number;
}

/**
 * EvalRun.judge: the first judge's fields at the top (the schema's `{ promptId, version, provider,
 * model }`), and every judge of the suite in `judges`.
 */
export type EvalRunJudge = JudgeSnapshot & { judges: JudgeSnapshot[] };

export interface StartedRuns {
  batchId: string;
  runs: { id: string; version: number }[];
}

type Actor = Pick<Viewer, 'workspaceId' | 'userId' | 'email' | 'role'>;

function assertMay(actor: Actor, what: string): void {
  if (!can(actor.role, 'write')) {
    throw new LoomError('FORBIDDEN', `Your role (${actor.role}) may not ${what}.`);
  }
}

export interface LoadedSuite {
  suiteId: string;
  name: string;
  promptId: string;
  revision: number;
  archived: boolean;
  evaluators: SuiteEvaluatorConfig[];
  cases: {
    id: string;
    position: number;
    input: Record<string, unknown>;
    expected?: string;
    tags: string[];
  }[];
}

/** A suite revision's evaluators and cases, in table order. */
export async function loadSuiteRevision(
  db: PrismaClient | Prisma.TransactionClient,
  workspaceId: string,
  suiteId: string,
  revision?: number,
): Promise<LoadedSuite> {
  const suite = await db.suite.findUnique({ where: { workspaceId_id: { workspaceId, id: suiteId } } });
  if (!suite) throw new LoomError('NOT_FOUND', `Suite "${suiteId}" not found.`, { suiteId });
  const rev = revision ?? suite.revision;
  const [row, cases] = await Promise.all([
    db.suiteRevision.findUnique({
      where: { workspaceId_suiteId_revision: { workspaceId, suiteId, revision: rev } },
    }),
    db.suiteCase.findMany({
      where: { workspaceId, suiteId, revision: rev },
      orderBy: { position: 'asc' },
      select: { caseId: true, position: true, input: true, expected: true, tags: true },
    }),
  ]);
  if (!row) throw new LoomError('NOT_FOUND', `Revision ${rev} of suite "${suite.name}" not found.`);
  const evaluators = suiteEvaluatorsSchema.safeParse(row.evaluators);
  if (!evaluators.success) {
    throw new LoomError('INVALID_INPUT', `The evaluators of suite "${suite.name}" are invalid.`, {
      issues: evaluators.error.issues.map((i) => ({
        path: ['evaluators', ...i.path].join('.'),
        message: i.message,
      })),
    });
  }
  return {
    suiteId,
    name: suite.name,
    promptId: suite.promptId,
    revision: rev,
    archived: suite.archivedAt !== null,
    evaluators: evaluators.data,
    cases: cases.map((c) => ({
      id: c.caseId,
      position: c.position,
      input: (c.input ?? {}) as Record<string, unknown>,
      ...(c.expected === null ? {} : { expected: c.expected }),
      tags: c.tags,
    })),
  };
}

/** Loom's evaluator configs for the studio's: the judge's rubric lives in its own prompt. */
export function toLoomEvaluators(evaluators: readonly SuiteEvaluatorConfig[]): EvaluatorConfigInput[] {
  return evaluators.map((e) =>
    e.kind === 'llmJudge'
      ? { kind: 'llmJudge', ...(e.name ? { name: e.name } : {}), threshold: e.threshold, samples: e.samples }
      : e,
  );
}

/** The loom suite a run executes. */
export function toLoomSuite(loaded: LoadedSuite): SuiteInput {
  return {
    id: loaded.suiteId,
    name: loaded.name.slice(0, 200) || loaded.suiteId,
    cases: loaded.cases.map((c) => ({
      id: c.id,
      input: c.input,
      ...(c.expected === undefined ? {} : { expected: c.expected }),
      tags: c.tags,
    })),
    evaluators: toLoomEvaluators(loaded.evaluators),
  };
}

/** The result names of the suite's judge evaluators, with their studio configs. */
export function judgeEvaluators(
  suite: Suite,
  loaded: LoadedSuite,
): { name: string; config: JudgeEvaluatorConfig }[] {
  return suite.evaluators.flatMap((config, index) => {
    const studio = loaded.evaluators[index];
    return config.kind === 'llmJudge' && studio?.kind === 'llmJudge'
      ? [{ name: evaluatorNameOf(config, index, suite.evaluators), config: studio }]
      : [];
  });
}

async function resolveVersion(
  registry: PromptRegistry,
  promptId: string,
  version: number | 'production',
  what: string,
): Promise<PromptData> {
  try {
    return version === 'production'
      ? await registry.getByLabel(promptId, 'production')
      : await registry.get(promptId, version);
  } catch (error) {
    if (!isLoomError(error, 'NOT_FOUND')) throw error;
    const message =
      version === 'production'
        ? `${what} "${promptId}" has no production version.`
        : `${what} "${promptId}" has no version ${version}.`;
    throw new LoomError('NOT_FOUND', message, { promptId, version });
  }
}

function refuse(message: string, issues: LoomIssue[], extra: Record<string, unknown> = {}): LoomError {
  const listed = issues.slice(0, MAX_LISTED_PROBLEMS);
  const more = issues.length - listed.length;
  return new LoomError('INVALID_INPUT', more > 0 ? `${message} (first ${listed.length} listed)` : message, {
    issues: listed,
    count: issues.length,
    ...extra,
  });
}

/** Every case against every version's variables; refuses with the first problems and their count. */
function checkCasesFit(loaded: LoadedSuite, versions: PromptData[]): void {
  const problems: LoomIssue[] = [];
  const cases = new Set<string>();
  for (const data of versions) {
    const validate = compileInputValidator(data.variables);
    for (const testCase of loaded.cases) {
      try {
        validate(testCase.input);
      } catch (error) {
        if (!isLoomError(error)) throw error;
        const why = (error.details.issues ?? []).map((i) => i.message).join('; ') || error.message;
        cases.add(testCase.id);
        problems.push({
          path: 'cases',
          message: `Case "${testCase.id}" (row ${testCase.position + 1}) does not fit version ${data.version}: ${why}`,
        });
      }
    }
  }
  if (problems.length > 0) {
    const n = cases.size;
    throw refuse(
      `${n} case${n === 1 ? '' : 's'} do${n === 1 ? 'es' : ''} not fit the variables of the chosen version${versions.length === 1 ? '' : 's'}; nothing was started.`,
      problems,
    );
  }
}

/** Deterministic checks loom will make when the job runs (expected answers, regexes, schemas). */
function checkSuiteRuns(loaded: LoadedSuite): Suite {
  let suite: Suite;
  try {
    suite = parseSuite(toLoomSuite(loaded));
    const anyJudge: LLMJudge = { judge: () => Promise.reject(new Error('not for running')) };
    compileEvaluators(suite, { judge: anyJudge });
  } catch (error) {
    if (!isLoomError(error, 'INVALID_INPUT')) throw error;
    const issues = (error.details.issues ?? []).map((issue) => {
      const match = /^cases\.(\d+)/.exec(issue.path ?? '');
      const testCase = match ? loaded.cases[Number(match[1])] : undefined;
      return testCase
        ? { path: 'cases', message: `Case "${testCase.id}" (row ${testCase.position + 1}): ${issue.message}` }
        : { path: issue.path ?? 'evaluators', message: issue.message };
    });
    throw refuse(`The suite cannot run as it is: ${error.message}; nothing was started.`, issues);
  }
  return suite;
}

async function resolveJudges(
  registry: PromptRegistry,
  judges: { name: string; config: JudgeEvaluatorConfig }[],
  checkProvider: (name: string) => Promise<void>,
): Promise<JudgeSnapshot[]> {
  const snapshots: JudgeSnapshot[] = [];
  for (const { name, config } of judges) {
    const rubric = await resolveVersion(
      registry,
      config.rubricPromptId,
      config.rubricVersion,
      'Rubric prompt',
    );
    const missing = missingRubricVariables(rubric.variables.map((v) => v.name));
    if (missing.length > 0) {
      throw new LoomError(
        'INVALID_INPUT',
        `The rubric of judge "${name}" (prompt "${rubric.id}" v${rubric.version}) does not declare ${missing.map((m) => `"${m}"`).join(' and ')}; a rubric needs the variables input and actual.`,
        {
          issues: missing.map((m) => ({
            path: `evaluators.${name}`,
            message: `rubric lacks variable "${m}"`,
          })),
        },
      );
    }
    const provider = config.provider ?? rubric.model.provider;
    await checkProvider(provider);
    snapshots.push({
      evaluator: name,
      promptId: rubric.id,
      version: rubric.version,
      provider,
      model: config.model ?? rubric.model.model,
      threshold: config.threshold,
      samples: config.samples,
    });
  }
  return snapshots;
}

/**
 * Starts one run per chosen version of a suite's latest revision, or refuses the whole start
 * (INVALID_INPUT listing what is wrong, NOT_FOUND for a missing version, rubric or provider).
 * The runs are written in one transaction, then each is enqueued as an 'eval-run' job; a run whose
 * enqueue fails stays queued and is picked up by stale-run recovery.
 */
export async function startRuns(
  viewer: Actor,
  input: StartRunsInput,
  queue: RunJobSender,
): Promise<StartedRuns> {
  assertMay(viewer, 'start runs');
  const request = startRunsSchema.parse(input);
  const prisma = await getPrisma();
  const loaded = await loadSuiteRevision(prisma, viewer.workspaceId, request.suiteId);
  if (loaded.archived) throw new LoomError('CONFLICT', 'This suite is archived; unarchive it to run it.');
  if (loaded.cases.length === 0) {
    throw new LoomError('INVALID_INPUT', 'This suite has no cases yet: add cases before starting a run.', {
      issues: [{ path: 'cases', message: 'no cases' }],
    });
  }
  const suite = checkSuiteRuns(loaded);

  const registry = await getRegistry(viewer);
  const resolved = new Map<number, PromptData>();
  for (const version of request.versions) {
    const data = await resolveVersion(registry, loaded.promptId, version, 'Prompt');
    resolved.set(data.version, data);
  }
  const versions = [...resolved.values()];
  checkCasesFit(loaded, versions);

  const checked = new Map<string, Promise<void>>();
  const checkProvider = (name: string) => {
    let check = checked.get(name);
    if (!check) {
      check = getProvider(viewer, name).then(() => undefined);
      checked.set(name, check);
    }
    return check;
  };
  const judges = await resolveJudges(registry, judgeEvaluators(suite, loaded), checkProvider);
  const targets = versions.map((data) => ({
    data,
    provider: request.provider ?? data.model.provider,
    model: request.model ?? data.model.model,
  }));
  for (const target of targets) await checkProvider(target.provider);

  const batchId = randomUUID();
  const judge: EvalRunJudge | null = judges[0] ? { ...judges[0], judges } : null;
  const now = new Date();
  const runs = targets.map((target) => ({ ...target, id: randomUUID() }));
  await prisma.$transaction(async (tx) => {
    for (const run of runs) {
      await tx.evalRun.create({
        data: {
          workspaceId: viewer.workspaceId,
          id: run.id,
          suiteId: loaded.suiteId,
          suiteRevision: loaded.revision,
          promptId: loaded.promptId,
          promptVersion: run.data.version,
          batchId,
          provider: run.provider,
          model: run.model,
          concurrency: request.concurrency,
          judge: judge === null ? undefined : (judge as unknown as Prisma.InputJsonValue),
          status: 'queued',
          total: loaded.cases.length,
          createdBy: viewer.email,
          createdAt: now,
        },
      });
      await tx.suiteRun.create({
        data: {
          workspaceId: viewer.workspaceId,
          id: run.id,
          suiteId: loaded.suiteId,
          status: 'running',
          startedAt: now,
        },
      });
    }
    await writeAudit(tx, viewer, 'suite_run.start', suiteSubject(loaded.suiteId), {
      suiteId: loaded.suiteId,
      suiteName: loaded.name,
      revision: loaded.revision,
      promptId: loaded.promptId,
      batchId,
      runs: runs.map((run) => ({
        runId: run.id,
        promptVersion: run.data.version,
        provider: run.provider,
        model: run.model,
      })),
    });
  });
  for (const run of runs) {
    try {
      await queue.send(
        'eval-run',
        { workspaceId: viewer.workspaceId, runId: run.id },
        { singletonKey: run.id },
      );
    } catch (error) {
      // The run is stored as queued: stale-run recovery enqueues it again shortly.
      logger.error({ error, runId: run.id }, 'eval run not enqueued; recovery will retry');
    }
  }
  return { batchId, runs: runs.map((r) => ({ id: r.id, version: r.data.version })) };
}

export type CancelOutcome = 'cancelled' | 'cancelling' | string;

/**
 * Asks a run to stop. A queued run is cancelled at once; a running one stops within about half a
 * second (its finished cases are kept). A finished run is left as it is; its status is returned.
 * The first request that changes the run is audited with it.
 */
export async function cancelRun(viewer: Actor, runId: string): Promise<{ status: CancelOutcome }> {
  assertMay(viewer, 'cancel runs');
  const prisma = await getPrisma();
  const { workspaceId } = viewer;
  const now = new Date();
  const outcome = await prisma.$transaction(async (tx): Promise<CancelOutcome | null> => {
    const queued = await tx.evalRun.updateMany({
      where: { workspaceId, id: runId, status: 'queued' },
      data: { status: 'cancelled', cancelRequested: true, finishedAt: now, heartbeatAt: null },
    });
    if (queued.count > 0) {
      await tx.suiteRun.updateMany({
        where: { workspaceId, id: runId },
        data: { status: 'cancelled', finishedAt: now },
      });
    } else {
      const running = await tx.evalRun.updateMany({
        where: { workspaceId, id: runId, status: 'running', cancelRequested: false },
        data: { cancelRequested: true },
      });
      if (running.count === 0) return null;
    }
    const run = await tx.evalRun.findUniqueOrThrow({
      where: { workspaceId_id: { workspaceId, id: runId } },
      select: { id: true, suiteId: true, promptId: true, promptVersion: true },
    });
    await auditSuiteRun(tx, viewer, 'suite_run.cancel', run, { wasRunning: queued.count === 0 });
    return queued.count > 0 ? 'cancelled' : 'cancelling';
  });
  if (outcome) return { status: outcome };
  const run = await prisma.evalRun.findUnique({
    where: { workspaceId_id: { workspaceId, id: runId } },
    select: { status: true },
  });
  if (!run) throw new LoomError('NOT_FOUND', 'This run no longer exists.', { runId });
  // Still running: a cancel was asked already (and audited) and the worker has yet to stop.
  return { status: run.status === 'running' ? 'cancelling' : run.status };
}
