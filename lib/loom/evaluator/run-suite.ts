import { type Input, LoomError, type LoomIssue, type Usage } from '../core';
import {
  callExecutor,
  type ExecutorBinding,
  forEachBounded,
  isExecutorBinding,
  isRenderable,
  runWithDeadline,
  sleep as realSleep,
  toLoomError,
} from '../chain';
import type { Clock, Renderable, Sleep } from '../executor';
import { type CompiledEvaluator, compileEvaluators, type JudgeSource } from './evaluators';
import {
  type CaseResult,
  errorInfo,
  type EvaluatorResult,
  type SuiteRunRecord,
  type RunResult,
  summarizeRun,
} from './results';
import { createMemoryRunStore, type RunStore } from './run-store';
import { parseSuite, type SuiteInput, type TestCase } from './suite';

/** A plain function under test: variables in, text out. */
export type TargetFn = (input: Input, options: { signal: AbortSignal }) => Promise<string>;

/** A prompt version run through the executor and its provider. */
export interface PromptTarget {
  prompt: Renderable;
  executor: ExecutorBinding;
}

export type SuiteTarget = TargetFn | PromptTarget;

export interface RunProgress {
  /** Cases finished, those resumed from the store included. */
  done: number;
  total: number;
  case: CaseResult;
}

export interface RunSuiteOptions {
  /** Validated here; raw YAML/JSON may be passed through `parseSuite` first for typed errors early. */
  suite: SuiteInput;
  target: SuiteTarget;
  /**
   * Required when the suite has an llmJudge evaluator: one judge for all of them, or a function
   * giving each llmJudge evaluator (by its result name) its own judge.
   */
  judge?: JudgeSource;
  /** Defaults to a fresh memory store (no resuming across calls). */
  store?: RunStore;
  /** Pass the id of an earlier run to resume it. */
  runId?: string;
  /** Cases in flight at once. */
  concurrency?: number;
  /** Per case: producing the output and scoring it. */
  timeoutMs?: number;
  /** For the pass-rate and mean-score intervals. */
  confidence?: number;
  signal?: AbortSignal;
  onProgress?: (progress: RunProgress) => void;
  /** Stamps the run and times function targets; epoch milliseconds by default. */
  clock?: Clock;
  sleep?: Sleep;
  newId?: () => string;
}

/** More parallel calls than this mostly buys rate-limit errors from a provider. */
export const MAX_CONCURRENCY = 64;
const DEFAULT_CONCURRENCY = 4;

function checkOptions(options: RunSuiteOptions): void {
  const issues: LoomIssue[] = [];
  const { target, concurrency, timeoutMs, runId } = options;
  const isPromptTarget =
    typeof target === 'object' &&
    target !== null &&
    isExecutorBinding(target.executor) &&
    isRenderable(target.prompt);
  if (typeof target !== 'function' && !isPromptTarget) {
    issues.push({
      path: 'target',
      message: 'a function (input, { signal }) => string, or { prompt, executor }',
    });
  }
  if (
    concurrency !== undefined &&
    !(Number.isInteger(concurrency) && concurrency >= 1 && concurrency <= MAX_CONCURRENCY)
  ) {
    issues.push({ path: 'concurrency', message: `an integer from 1 to ${MAX_CONCURRENCY}` });
  }
  // Checked now, not when the summary is computed after every case has been paid for.
  if (options.confidence !== undefined && !(options.confidence > 0 && options.confidence < 1)) {
    issues.push({ path: 'confidence', message: 'strictly between 0 and 1' });
  }
  if (timeoutMs !== undefined && !(Number.isFinite(timeoutMs) && timeoutMs > 0)) {
    issues.push({ path: 'timeoutMs', message: 'a positive number of milliseconds' });
  }
  if (runId !== undefined && (typeof runId !== 'string' || runId.length === 0 || runId.length > 200)) {
    issues.push({ path: 'runId', message: '1 to 200 characters' });
  }
  if (issues.length > 0) throw new LoomError('INVALID_INPUT', 'Invalid run options', { issues });
}

const zeroUsage = (): Usage => ({ inputTokens: 0, outputTokens: 0 });

/**
 * Runs every case of a suite against a target and scores it. Each finished case is saved to the
 * store at once; running again with the same runId skips the cases already scored without error,
 * so an interrupted run resumes without paying for them twice. Cancellation stops new cases,
 * aborts running ones (which are not saved), marks the run cancelled and rejects with CANCELLED.
 */
export async function runSuite(options: RunSuiteOptions): Promise<RunResult> {
  const suite = parseSuite(options.suite);
  checkOptions(options);
  const evaluators = compileEvaluators(suite, { judge: options.judge });
  const clock = options.clock ?? Date;
  const now = (): number => clock.now();
  const store = options.store ?? createMemoryRunStore();
  const runId = options.runId ?? (options.newId ?? (() => globalThis.crypto.randomUUID()))();
  const { signal } = options;

  const existing = await store.findRun(runId);
  if (existing && existing.suiteId !== suite.id) {
    throw new LoomError(
      'CONFLICT',
      `Run "${runId}" belongs to suite "${existing.suiteId}", not "${suite.id}"`,
      {
        runId,
        suiteId: existing.suiteId,
      },
    );
  }
  const record: SuiteRunRecord = {
    id: runId,
    suiteId: suite.id,
    status: 'running',
    startedAt: existing?.startedAt ?? new Date(now()),
  };
  await store.saveRun(record);

  const caseIds = new Set(suite.cases.map((c) => c.id));
  const results = new Map<string, CaseResult>();
  for (const prior of await store.listCaseResults(runId)) {
    if (!prior.error && caseIds.has(prior.caseId)) results.set(prior.caseId, prior);
  }
  const pending = suite.cases.filter((c) => !results.has(c.id));
  const total = suite.cases.length;

  const context: CaseContext = {
    target: options.target,
    evaluators,
    now,
    sleep: options.sleep ?? realSleep,
    timeoutMs: options.timeoutMs,
    signal,
  };
  await forEachBounded(
    pending,
    options.concurrency ?? DEFAULT_CONCURRENCY,
    async (testCase) => {
      const result = await runCase(testCase, context);
      // A case cut short by cancellation was not scored; the resumed run will do it.
      if (signal?.aborted && result.error?.code === 'CANCELLED') return;
      await store.saveCaseResult(runId, result);
      results.set(testCase.id, result);
      options.onProgress?.({ done: results.size, total, case: result });
    },
    signal,
  );

  if (signal?.aborted) {
    await store.saveRun({ ...record, status: 'cancelled', finishedAt: new Date(now()) });
    throw new LoomError(
      'CANCELLED',
      `Run "${runId}" was cancelled`,
      { runId, done: results.size, total },
      { cause: signal.reason },
    );
  }
  const cases = suite.cases.flatMap((c) => results.get(c.id) ?? []);
  const summary = summarizeRun(cases, { confidence: options.confidence });
  const run = { ...record, status: 'completed' as const, finishedAt: new Date(now()), summary };
  await store.saveRun(run);
  return { run, cases };
}

interface CaseContext {
  target: SuiteTarget;
  evaluators: CompiledEvaluator[];
  now: () => number;
  sleep: Sleep;
  timeoutMs?: number;
  signal?: AbortSignal;
}

async function runCase(testCase: TestCase, context: CaseContext): Promise<CaseResult> {
  const started = context.now();
  // Filled as the case progresses so a later failure still reports what was produced and paid for.
  const partial: Pick<CaseResult, 'usage' | 'costMicros' | 'latencyMs' | 'unpriced'> & { output?: string } = {
    usage: zeroUsage(),
    costMicros: 0,
    latencyMs: 0,
  };
  const base = { caseId: testCase.id, tags: testCase.tags, judgeUsage: zeroUsage(), judgeCostMicros: 0 };
  try {
    return await runWithDeadline(
      async (signal) => {
        await produce(testCase, context, signal, partial);
        const output = partial.output ?? '';
        const evaluations = await Promise.all(
          context.evaluators.map((evaluator) => evaluate(evaluator, output, testCase, signal)),
        );
        const firstError = evaluations.find((e) => e.error)?.error;
        return {
          ...base,
          ...partial,
          output,
          evaluations,
          score: evaluations.reduce((sum, e) => sum + e.score, 0) / evaluations.length,
          pass: !firstError && evaluations.every((e) => e.pass),
          judgeUsage: evaluations.reduce(
            (sum, e) => ({
              inputTokens: sum.inputTokens + (e.usage?.inputTokens ?? 0),
              outputTokens: sum.outputTokens + (e.usage?.outputTokens ?? 0),
            }),
            zeroUsage(),
          ),
          judgeCostMicros: evaluations.reduce((sum, e) => sum + (e.costMicros ?? 0), 0),
          ...(evaluations.some((e) => e.unpriced) ? { judgeUnpriced: true } : {}),
          ...(firstError ? { error: firstError } : {}),
        };
      },
      {
        timeoutMs: context.timeoutMs,
        signal: context.signal,
        sleep: context.sleep,
        what: `Case "${testCase.id}"`,
      },
    );
  } catch (thrown) {
    return {
      ...base,
      ...partial,
      latencyMs: partial.latencyMs || context.now() - started,
      evaluations: [],
      score: 0,
      pass: false,
      error: errorInfo(toLoomError(thrown)),
    };
  }
}

async function produce(
  testCase: TestCase,
  context: CaseContext,
  signal: AbortSignal,
  partial: { output?: string; usage: Usage; costMicros: number; latencyMs: number; unpriced?: boolean },
): Promise<void> {
  const started = context.now();
  const { target } = context;
  if (typeof target === 'function') {
    const output: unknown = await target(testCase.input, { signal });
    if (typeof output !== 'string') {
      throw new LoomError('INTERNAL', `The target returned ${typeof output}, not text`, {
        caseId: testCase.id,
      });
    }
    partial.output = output;
    partial.latencyMs = context.now() - started;
    return;
  }
  const result = await callExecutor(target.executor, target.prompt, testCase.input, signal);
  partial.output = result.output;
  partial.usage = {
    inputTokens: result.usage?.inputTokens ?? 0,
    outputTokens: result.usage?.outputTokens ?? 0,
  };
  // No price for the model: the cost is unknown, which the case says rather than claiming 0.
  partial.costMicros = Math.round(result.costMicros ?? 0);
  if (result.costMicros === undefined) partial.unpriced = true;
  partial.latencyMs = result.latencyMs ?? context.now() - started;
}

async function evaluate(
  evaluator: CompiledEvaluator,
  output: string,
  testCase: TestCase,
  signal: AbortSignal,
): Promise<EvaluatorResult> {
  try {
    const outcome = await evaluator.evaluate({ output, testCase, signal });
    return {
      name: evaluator.name,
      kind: evaluator.kind,
      ...outcome,
      ...(outcome.costMicros === undefined ? {} : { costMicros: Math.round(outcome.costMicros) }),
      ...(outcome.unpriced ? { unpriced: true } : {}),
    };
  } catch (thrown) {
    const error = toLoomError(thrown);
    // Cancellation and timeouts end the whole case; other evaluator failures are recorded against it.
    if (signal.aborted) throw error;
    return {
      name: evaluator.name,
      kind: evaluator.kind,
      score: 0,
      pass: false,
      reason: error.message,
      error: errorInfo(error),
      ...spendOf(error),
    };
  }
}

/** The tokens and cost a failed judge still spent, when its error says so. */
function spendOf(error: LoomError): { usage?: Usage; costMicros?: number; unpriced?: boolean } {
  const { usage, costMicros, unpriced } = error.details;
  const isUsage = (u: unknown): u is Usage =>
    typeof u === 'object' &&
    u !== null &&
    typeof (u as Usage).inputTokens === 'number' &&
    typeof (u as Usage).outputTokens === 'number';
  return {
    ...(isUsage(usage)
      ? { usage: { inputTokens: usage.inputTokens, outputTokens: usage.outputTokens } }
      : {}),
    ...(typeof costMicros === 'number' ? { costMicros: Math.round(costMicros) } : {}),
    ...(unpriced === true ? { unpriced: true } : {}),
  };
}
