import 'server-only';
import type { EvalRun, Prisma, PrismaClient } from '@/lib/generated/prisma/client';
import { attach, type Input, isLoomError, LoomError } from '@/lib/loom/core';
import {
  createLLMJudge,
  type LLMJudge,
  parseSuite,
  runSuite,
  summarizeRun,
  type RunSummary,
} from '@/lib/loom/evaluator';
import type { Renderable } from '@/lib/loom/executor';
import { getPrisma } from '../db';
import type { JobHandler } from '../jobs/types';
import { logger } from '../logger';
import { createStudioRegistry, createSuiteRunStore, getTemplateEngine } from '../loom';
import { getProvider } from '../providers';
import { emitSuiteRunCompleted, type FinishedRunStatus } from '../webhooks/events';
import { flushWebhookBatch } from '../webhooks/nudge';
import { type EvalRunJudge, type JudgeSnapshot, loadSuiteRevision, toLoomSuite } from './runs';

// The 'eval-run' job: executes (or resumes) one EvalRun with loom's runSuite and the PostgreSQL
// RunStore, so finished cases are never paid for twice. The run is claimed first; while it runs
// the worker touches its heartbeat and watches for a cancel request.

/** How often a running run proves its worker is alive. */
export const HEARTBEAT_MS = 5_000;
/** How often a running run looks for a cancel request (the issue allows 500 ms). */
export const CANCEL_POLL_MS = 250;
/** A running run whose heartbeat is older than this lost its worker; another may resume it. */
export const STALE_AFTER_MS = 30_000;

export interface EvalRunJobOptions {
  heartbeatMs?: number;
  cancelPollMs?: number;
  staleAfterMs?: number;
}

type StopReason = 'cancel' | 'shutdown' | 'lost';

/** Takes the run for this worker, in one statement: queued, or running with a stale heartbeat. */
async function claim(
  prisma: PrismaClient,
  workspaceId: string,
  runId: string,
  staleAfterMs: number,
): Promise<EvalRun | undefined> {
  const now = new Date();
  const cutoff = new Date(now.getTime() - staleAfterMs);
  const rows = await prisma.$queryRaw<EvalRun[]>`
    UPDATE "EvalRun" SET "status" = 'running', "heartbeatAt" = ${now}, "error" = NULL,
      "startedAt" = COALESCE("startedAt", ${now})
    WHERE "workspaceId" = ${workspaceId} AND "id" = ${runId}
      AND ("status" = 'queued'
        OR ("status" = 'running' AND ("heartbeatAt" IS NULL OR "heartbeatAt" < ${cutoff})))
    RETURNING *`;
  return rows[0];
}

function judgesOf(run: EvalRun): JudgeSnapshot[] {
  const judge = run.judge as EvalRunJudge | null;
  if (!judge) return [];
  return Array.isArray(judge.judges) ? judge.judges : [judge];
}

/** A rubric declares input and actual (and maybe expected): the judge's other variables are left out. */
function declaredOnly(prompt: Renderable): Renderable {
  const declared = new Set(prompt.data.variables.map((v) => v.name));
  return {
    data: prompt.data,
    render: (input: Input, options) =>
      prompt.render(Object.fromEntries(Object.entries(input).filter(([k]) => declared.has(k))), options),
  };
}

async function prepare(prisma: PrismaClient, run: EvalRun) {
  const { workspaceId } = run;
  const registry = createStudioRegistry(prisma, workspaceId);
  const gone = (what: string) => (error: unknown) => {
    if (isLoomError(error, 'NOT_FOUND')) throw new LoomError('NOT_FOUND', `${what} no longer exists.`);
    throw error;
  };
  // Background work is not a request: the engine's own render limit applies, not a request budget.
  const engine = getTemplateEngine();
  const [loaded, data, provider, judgeList] = await Promise.all([
    loadSuiteRevision(prisma, workspaceId, run.suiteId, run.suiteRevision),
    registry
      .get(run.promptId, run.promptVersion)
      .catch(gone(`Version ${run.promptVersion} of prompt "${run.promptId}"`)),
    getProvider({ workspaceId }, run.provider),
    Promise.all(
      judgesOf(run).map(async (snapshot) => {
        const [rubric, judgeProvider] = await Promise.all([
          registry
            .get(snapshot.promptId, snapshot.version)
            .catch(gone(`Version ${snapshot.version} of rubric prompt "${snapshot.promptId}"`)),
          getProvider({ workspaceId }, snapshot.provider),
        ]);
        const judge: LLMJudge = createLLMJudge({
          executor: { provider: judgeProvider, settings: { overrides: { model: snapshot.model } } },
          prompt: declaredOnly(attach(rubric, engine)),
          threshold: snapshot.threshold,
          samples: snapshot.samples,
        });
        return [snapshot.evaluator, judge] as const;
      }),
    ),
  ]);
  const suite = parseSuite(toLoomSuite(loaded));
  const judges = new Map(judgeList);
  return {
    suite,
    target: {
      prompt: attach(data, engine),
      executor: { provider, settings: { overrides: { model: run.model } } },
    },
    judge: (name: string) => judges.get(name),
  };
}

/** Watches a running run: heartbeat every `heartbeatMs`, cancel request every `pollMs`. */
function watch(
  prisma: PrismaClient,
  run: EvalRun,
  options: { heartbeatMs: number; pollMs: number },
  stop: (reason: StopReason) => void,
): () => void {
  const where = { workspaceId: run.workspaceId, id: run.id };
  let lastBeat = Date.now();
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const tick = async () => {
    try {
      if (Date.now() - lastBeat >= options.heartbeatMs) {
        lastBeat = Date.now();
        const { count } = await prisma.evalRun.updateMany({
          where: { ...where, status: 'running' },
          data: { heartbeatAt: new Date() },
        });
        if (count === 0) return stop('lost');
      }
      const row = await prisma.evalRun.findUnique({
        where: { workspaceId_id: { workspaceId: run.workspaceId, id: run.id } },
        select: { cancelRequested: true },
      });
      if (!row) return stop('lost');
      if (row.cancelRequested) return stop('cancel');
    } catch (error) {
      logger.warn({ error, runId: run.id }, 'eval run watch failed; trying again');
    }
    if (!stopped) timer = setTimeout(() => void tick(), options.pollMs);
  };
  timer = setTimeout(() => void tick(), options.pollMs);
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

const asJson = (summary: RunSummary) => summary as unknown as Prisma.InputJsonValue;

/** The 'eval-run' handler with its timings (tests shorten them). */
export function createEvalRunHandler(options: EvalRunJobOptions = {}): JobHandler<'eval-run'> {
  const heartbeatMs = options.heartbeatMs ?? HEARTBEAT_MS;
  const pollMs = options.cancelPollMs ?? CANCEL_POLL_MS;
  const staleAfterMs = options.staleAfterMs ?? STALE_AFTER_MS;

  return async ({ workspaceId, runId }, { jobId, signal }) => {
    if (signal.aborted) return;
    const prisma = await getPrisma();
    const run = await claim(prisma, workspaceId, runId, staleAfterMs);
    if (!run) return; // finished, cancelled, or another worker's (fresh heartbeat)
    const where = { workspaceId, id: runId };
    const store = createSuiteRunStore(prisma, workspaceId);
    const finish = async (data: Prisma.EvalRunUpdateManyMutationInput) => {
      await prisma.evalRun.updateMany({ where: { ...where, status: 'running' }, data });
    };
    /** Ends the run and, in the same transaction, announces it (suite_run.completed) once. */
    const end = async (
      status: FinishedRunStatus,
      fields: { summary?: RunSummary; error?: string | null } = {},
    ) => {
      const finishedAt = new Date();
      const queued = await prisma.$transaction(async (tx) => {
        const { count } = await tx.evalRun.updateMany({
          where: { ...where, status: 'running' },
          data: {
            status,
            finishedAt,
            heartbeatAt: null,
            ...(fields.summary ? { summary: asJson(fields.summary) } : {}),
            ...(fields.error !== undefined ? { error: fields.error } : {}),
          },
        });
        return count === 0 ? 0 : emitSuiteRunCompleted(tx, run, { status, finishedAt, ...fields });
      });
      flushWebhookBatch({ queued });
    };
    const partialSummary = async () => summarizeRun(await store.listCaseResults(runId));

    if (run.cancelRequested) {
      await end('cancelled', { summary: await partialSummary() });
      return;
    }
    const controller = new AbortController();
    let reason: StopReason | undefined;
    const stop = (why: StopReason) => {
      if (reason) return;
      reason = why;
      controller.abort(new LoomError('CANCELLED', `Run ${why === 'cancel' ? 'cancelled' : 'interrupted'}`));
    };
    const onShutdown = () => stop('shutdown');
    signal.addEventListener('abort', onShutdown, { once: true });
    const unwatch = watch(prisma, run, { heartbeatMs, pollMs }, stop);
    logger.info({ runId, jobId, workspaceId }, 'eval run started');
    try {
      const prepared = await prepare(prisma, run);
      const result = await runSuite({
        ...prepared,
        store,
        runId,
        concurrency: run.concurrency,
        signal: controller.signal,
      });
      const { summary } = result.run;
      await end(summary.errored > 0 ? 'completed_with_errors' : 'completed', { summary, error: null });
      logger.info({ runId, passed: summary.passed, total: summary.total }, 'eval run finished');
    } catch (error) {
      if (reason === 'cancel') {
        await end('cancelled', { summary: await partialSummary() });
      } else if (reason === 'shutdown') {
        // Resumable: back in the queue with no heartbeat, so recovery (or the next worker) takes it.
        await finish({ status: 'queued', heartbeatAt: null });
        // runSuite marked its record cancelled; the run is only paused.
        await prisma.suiteRun.updateMany({ where, data: { status: 'running', finishedAt: null } });
      } else if (reason !== 'lost') {
        const message = isLoomError(error)
          ? error.message
          : 'The run failed on the server; the error has been logged.';
        if (!isLoomError(error)) logger.error({ error, runId }, 'eval run failed');
        await end('failed', { error: message.slice(0, 2000) });
      }
    } finally {
      unwatch();
      signal.removeEventListener('abort', onShutdown);
    }
  };
}

/** Executes or resumes one evaluation run; the worker registers it for 'eval-run' jobs. */
export const runEvalJob: JobHandler<'eval-run'> = createEvalRunHandler();
