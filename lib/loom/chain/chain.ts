import {
  type Input,
  LoomError,
  type LoomErrorCode,
  type LoomErrorDetails,
  type LoomIssue,
  type MicroDollars,
  type Usage,
} from '../core';
import { cancelledError, forEachBounded, runWithDeadline, sleep, toLoomError } from './async';
import type { Clock, Renderable, Sleep } from '../executor';
import { callExecutor, type ExecutorBinding, isExecutorBinding, isRenderable } from './types';

/** Outputs of finished steps (and groups) by name; a skipped step has none. */
export type Outputs = Readonly<Record<string, unknown>>;

export interface StepContext {
  /** Outputs of the steps finished before this one. */
  outputs: Outputs;
  /** The input the chain was run with. */
  chainInput: Input;
  /** Fires on chain cancellation or this attempt's timeout. */
  signal: AbortSignal;
  /** 1-based. */
  attempt: number;
}

export type StepFn = (input: Input, context: StepContext) => unknown;

/**
 * A step's input: a function of prior outputs, or a mapping `{ variable: 'ref' }` where ref is a
 * prior step (or group) name, `$input` for the chain input, and may go deeper with `.field`.
 */
export type InputSpec = ((outputs: Outputs, chainInput: Input) => Input) | Readonly<Record<string, string>>;

/** A step runs only when its condition holds over the outputs so far; otherwise it is 'skipped'. */
export type Condition = (outputs: Outputs, chainInput: Input) => boolean;

export interface RetryPolicy {
  /** Total attempts, first included. */
  attempts: number;
  backoffMs: number;
  factor: number;
  maxBackoffMs: number;
  retryIf: (error: LoomError) => boolean;
}

type Fallback = { kind: 'step'; step: Step } | { kind: 'value'; value: unknown };

interface StepConfig {
  input?: InputSpec;
  retry: RetryPolicy;
  timeoutMs?: number;
  fallback?: Fallback;
  condition?: Condition;
}

export type StepOption = (config: StepConfig) => void;

export type StepAction = { type: 'function'; fn: StepFn } | { type: 'prompt'; prompt: Renderable };

export interface Step {
  readonly kind: 'step';
  readonly name: string;
  readonly action: StepAction;
  readonly config: Readonly<StepConfig>;
}

export interface ParallelGroup {
  readonly kind: 'parallel';
  readonly name?: string;
  readonly steps: readonly Step[];
  readonly concurrency: number;
}

export type ChainNode = Step | ParallelGroup;

export type StepStatus = 'ok' | 'skipped' | 'failed' | 'fallback' | 'cancelled';

export interface StepError {
  code: LoomErrorCode;
  message: string;
  details: LoomErrorDetails;
}

export interface TraceEntry {
  name: string;
  /** The parallel group the step ran in. */
  group?: string;
  status: StepStatus;
  startedAt: number;
  endedAt: number;
  /** Attempts made, fallback step's included; 0 when skipped or never started. */
  attempts: number;
  output?: unknown;
  /** Why the step failed, or why its fallback was used. */
  error?: StepError;
  /** Why the fallback step failed too. */
  fallbackError?: StepError;
  usage?: Usage;
  costMicros?: MicroDollars;
}

export interface ChainResult {
  status: 'ok' | 'failed' | 'cancelled';
  /** The last node's output: a step's output, or a group's `{ step: output }`. */
  output: unknown;
  outputs: Record<string, unknown>;
  /** Every step that was considered, in order (a group's steps in declaration order). */
  trace: TraceEntry[];
  /** Every failure, all of a parallel group's included. */
  errors: Array<StepError & { step: string }>;
  usage: Usage;
  costMicros: MicroDollars;
}

export interface RunChainOptions {
  signal?: AbortSignal;
  /** Called as each step settles, for live progress. */
  onStep?: (entry: TraceEntry) => void;
}

export interface Chain {
  readonly nodes: readonly ChainNode[];
  run(input?: Input, options?: RunChainOptions): Promise<ChainResult>;
}

export interface ChainDeps {
  /** Needed only when a step (or fallback) calls a prompt. */
  executor?: ExecutorBinding;
  /** Stamps the trace; epoch milliseconds by default. */
  clock?: Clock;
  sleep?: Sleep;
}

export interface ChainBuilder {
  readonly nodes: readonly ChainNode[];
  then(...nodes: ChainNode[]): ChainBuilder;
  parallel(steps: Step[], options?: ParallelOptions): ChainBuilder;
  build(deps?: ChainDeps): Chain;
}

export interface ParallelOptions {
  name?: string;
  /** Steps in flight at once; all by default. */
  concurrency?: number;
}

const NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const INPUT_REF = '$input';

function invalid(message: string, issues: LoomIssue[]): LoomError {
  return new LoomError('INVALID_INPUT', message, { issues });
}

function checkName(name: unknown, what: string): asserts name is string {
  if (typeof name !== 'string' || !NAME_PATTERN.test(name)) {
    throw invalid(`Invalid ${what} name ${JSON.stringify(name)}`, [
      { path: 'name', message: 'use letters, digits, "_" and "-", starting with a letter or "_"' },
    ]);
  }
}

function checkFunction(value: unknown, path: string): void {
  if (typeof value !== 'function')
    throw invalid(`${path} must be a function`, [{ path, message: 'not a function' }]);
}

const DEFAULT_RETRY: RetryPolicy = {
  attempts: 1,
  backoffMs: 200,
  factor: 2,
  maxBackoffMs: 10_000,
  // Plain errors from user functions (INTERNAL) may be transient; typed permanent loom errors are not.
  retryIf: (error) => error.code === 'INTERNAL' || error.isRetryable,
};

function makeStep(name: string, action: StepAction, options: StepOption[]): Step {
  checkName(name, 'step');
  const config: StepConfig = { retry: DEFAULT_RETRY };
  for (const option of options) {
    checkFunction(option, `step "${name}" option`);
    option(config);
  }
  return Object.freeze({ kind: 'step', name, action, config: Object.freeze(config) });
}

/** A step that runs a plain (sync or async) function. */
export function step(name: string, fn: StepFn, ...options: StepOption[]): Step {
  checkFunction(fn, `step "${name}"`);
  return makeStep(name, { type: 'function', fn }, options);
}

/** A step that runs a prompt through the chain's executor; its output is the completion text. */
export function promptStep(name: string, prompt: Renderable, ...options: StepOption[]): Step {
  if (!isRenderable(prompt)) {
    throw invalid(`Step "${name}" needs a prompt with a renderer`, [
      { path: 'prompt', message: 'not a Prompt' },
    ]);
  }
  return makeStep(name, { type: 'prompt', prompt }, options);
}

/** Steps that run side by side; every one settles and every error is collected. */
export function parallel(steps: Step[], options: ParallelOptions = {}): ParallelGroup {
  if (!Array.isArray(steps) || steps.length === 0) {
    throw invalid('A parallel group needs at least one step', [{ path: 'steps', message: 'empty' }]);
  }
  if (options.name !== undefined) checkName(options.name, 'group');
  const concurrency = options.concurrency ?? steps.length;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw invalid('Concurrency must be a positive integer', [
      { path: 'concurrency', message: String(concurrency) },
    ]);
  }
  return Object.freeze({
    kind: 'parallel',
    name: options.name,
    steps: Object.freeze([...steps]),
    concurrency,
  });
}

export function withInput(spec: InputSpec): StepOption {
  if (typeof spec !== 'function') {
    const entries = spec && typeof spec === 'object' ? Object.entries(spec) : undefined;
    if (!entries || entries.some(([, ref]) => typeof ref !== 'string' || ref === '')) {
      throw invalid('An input mapping is { variable: "stepName" }', [
        { path: 'input', message: 'invalid mapping' },
      ]);
    }
  }
  return (config) => {
    config.input = spec;
  };
}

export function withRetry(policy: Partial<RetryPolicy> & { attempts: number }): StepOption {
  const merged: RetryPolicy = { ...DEFAULT_RETRY, ...policy };
  const issues: LoomIssue[] = [];
  if (!Number.isInteger(merged.attempts) || merged.attempts < 1)
    issues.push({ path: 'attempts', message: '>= 1' });
  if (!(merged.backoffMs >= 0)) issues.push({ path: 'backoffMs', message: '>= 0' });
  if (!(merged.factor >= 1)) issues.push({ path: 'factor', message: '>= 1' });
  if (!(merged.maxBackoffMs >= 0)) issues.push({ path: 'maxBackoffMs', message: '>= 0' });
  if (issues.length > 0) throw invalid('Invalid retry policy', issues);
  checkFunction(merged.retryIf, 'retryIf');
  return (config) => {
    config.retry = merged;
  };
}

/** Bounds each attempt; a timed-out attempt fails with TIMEOUT (retryable). */
export function withTimeout(ms: number): StepOption {
  if (!(Number.isFinite(ms) && ms > 0))
    throw invalid('Timeout must be > 0 ms', [{ path: 'timeoutMs', message: String(ms) }]);
  return (config) => {
    config.timeoutMs = ms;
  };
}

/** When the step fails after its retries, run `fallback` with the same input instead. */
export function withFallback(fallback: Step): StepOption {
  if (fallback?.kind !== 'step')
    throw invalid('A fallback is a step', [{ path: 'fallback', message: 'not a step' }]);
  return (config) => {
    config.fallback = { kind: 'step', step: fallback };
  };
}

/** When the step fails after its retries, use this constant as its output. */
export function withFallbackValue(value: unknown): StepOption {
  return (config) => {
    config.fallback = { kind: 'value', value };
  };
}

export function when(condition: Condition): StepOption {
  checkFunction(condition, 'condition');
  return (config) => {
    config.condition = condition;
  };
}

/** Starts a chain: `chain(a, b).parallel([c, d]).then(e).build({ executor })`. */
export function chain(...nodes: ChainNode[]): ChainBuilder {
  return builder(Object.freeze([...nodes]));
}

function builder(nodes: readonly ChainNode[]): ChainBuilder {
  return {
    nodes,
    then: (...more) => builder(Object.freeze([...nodes, ...more])),
    parallel: (steps, options) => builder(Object.freeze([...nodes, parallel(steps, options)])),
    build: (deps = {}) => buildChain(nodes, deps),
  };
}

function groupName(node: ParallelGroup, index: number): string {
  return node.name ?? `parallel-${index}`;
}

/** Checks the whole flow once so a run never fails on a wiring mistake half-way through. */
function validate(nodes: readonly ChainNode[], deps: ChainDeps): void {
  const issues: LoomIssue[] = [];
  if (deps.executor !== undefined && !isExecutorBinding(deps.executor)) {
    issues.push({ path: 'executor', message: 'expected { provider, settings?, execute? }' });
  }
  if (nodes.length === 0) issues.push({ path: 'steps', message: 'a chain needs at least one step' });
  const known = new Set<string>();
  const claim = (name: string, path: string): void => {
    if (known.has(name) || name === INPUT_REF) issues.push({ path, message: `duplicate name "${name}"` });
  };
  const checkStep = (s: Step, path: string, visible: ReadonlySet<string>): void => {
    if (s?.kind !== 'step') {
      issues.push({ path, message: 'not a step' });
      return;
    }
    if (s.action.type === 'prompt' && !deps.executor) {
      issues.push({
        path: `${path}.executor`,
        message: `prompt step "${s.name}" needs an executor in build()`,
      });
    }
    const spec = s.config.input;
    if (spec && typeof spec !== 'function') {
      for (const [variable, ref] of Object.entries(spec)) {
        const head = ref.split('.')[0] ?? '';
        if (head !== INPUT_REF && !visible.has(head)) {
          issues.push({ path: `${path}.input.${variable}`, message: `"${ref}" is not an earlier step` });
        }
      }
    }
    const fallback = s.config.fallback;
    if (fallback?.kind === 'step') checkStep(fallback.step, `${path}.fallback`, visible);
  };
  nodes.forEach((node, i) => {
    const path = `steps.${i}`;
    if (node?.kind === 'parallel') {
      const visible = new Set(known);
      const name = groupName(node, i);
      claim(name, `${path}.name`);
      node.steps.forEach((s, j) => {
        checkStep(s, `${path}.steps.${j}`, visible);
        if (s?.kind === 'step') {
          claim(s.name, `${path}.steps.${j}.name`);
          known.add(s.name);
        }
      });
      known.add(name);
    } else {
      checkStep(node, path, known);
      if (node?.kind === 'step') {
        claim(node.name, `${path}.name`);
        known.add(node.name);
      }
    }
  });
  if (issues.length > 0) throw invalid('Invalid chain', issues);
}

function buildChain(nodes: readonly ChainNode[], deps: ChainDeps): Chain {
  validate(nodes, deps);
  const runtime: Runtime = {
    executor: deps.executor,
    now: () => (deps.clock ?? Date).now(),
    sleep: deps.sleep ?? sleep,
  };
  return {
    nodes,
    run: (input = {}, options = {}) => runChain(nodes, runtime, input, options),
  };
}

interface Runtime {
  executor?: ExecutorBinding;
  now: () => number;
  sleep: Sleep;
}

interface RunState extends Runtime {
  chainInput: Input;
  signal: AbortSignal;
}

async function runChain(
  nodes: readonly ChainNode[],
  runtime: Runtime,
  chainInput: Input,
  { signal = new AbortController().signal, onStep }: RunChainOptions,
): Promise<ChainResult> {
  if (chainInput === null || typeof chainInput !== 'object' || Array.isArray(chainInput)) {
    throw invalid('Chain input must be an object of variables', [
      { path: 'input', message: 'not an object' },
    ]);
  }
  const state: RunState = { ...runtime, chainInput, signal };
  const outputs: Record<string, unknown> = {};
  const trace: TraceEntry[] = [];
  let output: unknown;
  const record = (entry: TraceEntry): void => {
    trace.push(entry);
    onStep?.(entry);
  };

  for (const [index, node] of nodes.entries()) {
    if (signal.aborted) break;
    const visible = Object.freeze({ ...outputs });
    if (node.kind === 'step') {
      const entry = await runStep(node, undefined, visible, state);
      record(entry);
      if (entry.status === 'ok' || entry.status === 'fallback') outputs[node.name] = entry.output;
      output = entry.output;
    } else {
      const name = groupName(node, index);
      const entries: TraceEntry[] = new Array<TraceEntry>(node.steps.length);
      await forEachBounded(node.steps, node.concurrency, async (s, j) => {
        const entry = await runStep(s, name, visible, state);
        entries[j] = entry;
        onStep?.(entry);
      });
      const groupOutput: Record<string, unknown> = {};
      // The trace keeps declaration order; onStep above reported completion order.
      for (const entry of entries) {
        trace.push(entry);
        if (entry.status === 'ok' || entry.status === 'fallback') {
          outputs[entry.name] = entry.output;
          groupOutput[entry.name] = entry.output;
        }
      }
      outputs[name] = groupOutput;
      output = groupOutput;
    }
    if (trace.some((e) => e.status === 'failed' || e.status === 'cancelled')) break;
  }

  const errors = trace.flatMap((e) =>
    e.status === 'failed' && e.error ? [{ step: e.name, ...e.error }] : [],
  );
  const status =
    signal.aborted || trace.some((e) => e.status === 'cancelled')
      ? 'cancelled'
      : errors.length
        ? 'failed'
        : 'ok';
  return {
    status,
    output: status === 'ok' ? output : undefined,
    outputs,
    trace,
    errors,
    usage: trace.reduce<Usage>(
      (sum, e) => ({
        inputTokens: sum.inputTokens + (e.usage?.inputTokens ?? 0),
        outputTokens: sum.outputTokens + (e.usage?.outputTokens ?? 0),
      }),
      { inputTokens: 0, outputTokens: 0 },
    ),
    costMicros: trace.reduce((sum, e) => sum + (e.costMicros ?? 0), 0),
  };
}

function errorInfo(error: LoomError): StepError {
  return { code: error.code, message: error.message, details: error.details };
}

async function runStep(
  s: Step,
  group: string | undefined,
  outputs: Outputs,
  state: RunState,
): Promise<TraceEntry> {
  const startedAt = state.now();
  const entry = (fields: Omit<TraceEntry, 'name' | 'group' | 'startedAt' | 'endedAt'>): TraceEntry => ({
    name: s.name,
    ...(group === undefined ? {} : { group }),
    startedAt,
    endedAt: state.now(),
    ...fields,
  });
  if (state.signal.aborted)
    return entry({ status: 'cancelled', attempts: 0, error: errorInfo(cancelledError(state.signal)) });

  let input: Input;
  try {
    if (s.config.condition && !s.config.condition(outputs, state.chainInput))
      return entry({ status: 'skipped', attempts: 0 });
    input = resolveInput(s, outputs, state.chainInput);
  } catch (error) {
    return entry({ status: 'failed', attempts: 0, error: errorInfo(toLoomError(error)) });
  }

  const primary = await attempt(s, input, outputs, state);
  if (primary.ok) return entry({ status: 'ok', ...primary.result, attempts: primary.attempts });
  if (state.signal.aborted)
    return entry({ status: 'cancelled', attempts: primary.attempts, error: errorInfo(primary.error) });
  const fallback = s.config.fallback;
  if (!fallback)
    return entry({ status: 'failed', attempts: primary.attempts, error: errorInfo(primary.error) });
  if (fallback.kind === 'value') {
    return entry({
      status: 'fallback',
      attempts: primary.attempts,
      output: fallback.value,
      error: errorInfo(primary.error),
    });
  }
  const second = await attempt(fallback.step, input, outputs, state);
  const attempts = primary.attempts + second.attempts;
  if (second.ok)
    return entry({ status: 'fallback', ...second.result, attempts, error: errorInfo(primary.error) });
  return entry({
    status: state.signal.aborted ? 'cancelled' : 'failed',
    attempts,
    error: errorInfo(primary.error),
    fallbackError: errorInfo(second.error),
  });
}

interface StepOutcome {
  output: unknown;
  usage?: Usage;
  costMicros?: MicroDollars;
}

type AttemptResult =
  { ok: true; result: StepOutcome; attempts: number } | { ok: false; error: LoomError; attempts: number };

async function attempt(s: Step, input: Input, outputs: Outputs, state: RunState): Promise<AttemptResult> {
  const { retry, timeoutMs } = s.config;
  for (let n = 1; ; n++) {
    try {
      const result = await runWithDeadline(
        (signal) => invoke(s, input, { outputs, chainInput: state.chainInput, signal, attempt: n }, state),
        {
          timeoutMs,
          signal: state.signal,
          sleep: state.sleep,
          what: `Step "${s.name}"`,
        },
      );
      return { ok: true, result, attempts: n };
    } catch (thrown) {
      const error = toLoomError(thrown);
      if (state.signal.aborted || n >= retry.attempts || !retry.retryIf(error))
        return { ok: false, error, attempts: n };
      const delay = Math.min(retry.maxBackoffMs, retry.backoffMs * retry.factor ** (n - 1));
      try {
        await state.sleep(delay, state.signal);
      } catch (interrupted) {
        return { ok: false, error: toLoomError(interrupted), attempts: n };
      }
    }
  }
}

async function invoke(s: Step, input: Input, context: StepContext, state: RunState): Promise<StepOutcome> {
  if (s.action.type === 'function') return { output: await s.action.fn(input, context) };
  // validate() guarantees an executor for prompt steps.
  const executor = state.executor as ExecutorBinding;
  const result = await callExecutor(executor, s.action.prompt, input, context.signal);
  return {
    output: result.output,
    usage: result.usage,
    ...(result.costMicros === undefined ? {} : { costMicros: result.costMicros }),
  };
}

function resolveInput(s: Step, outputs: Outputs, chainInput: Input): Input {
  const spec = s.config.input;
  if (spec === undefined) return { ...chainInput };
  if (typeof spec === 'function') {
    const input = spec(outputs, chainInput);
    if (input === null || typeof input !== 'object' || Array.isArray(input)) {
      throw invalid(`The input function of step "${s.name}" must return an object`, [
        { path: `${s.name}.input`, message: 'not an object' },
      ]);
    }
    return input;
  }
  return Object.fromEntries(
    Object.entries(spec).map(([variable, ref]) => [variable, lookup(ref, outputs, chainInput)]),
  );
}

function lookup(ref: string, outputs: Outputs, chainInput: Input): unknown {
  const [head = '', ...fields] = ref.split('.');
  let value: unknown = head === INPUT_REF ? chainInput : outputs[head];
  for (const field of fields) {
    value =
      value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[field] : undefined;
  }
  return value;
}
