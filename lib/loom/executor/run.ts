import { LoomError, type MicroDollars, type Rendered, type Usage } from '../core';
import { costOf } from '../cost';
import {
  normalizeProviderError,
  toLoomIssues,
  type CallOptions,
  type CompletionRequest,
  type FinishReason,
  type Provider,
} from '../provider';
import {
  ATTEMPT_TIMEOUT,
  CONSUMER_STOPPED,
  TOTAL_TIMEOUT,
  openAttempt,
  realSleep,
  type Attempt,
} from './signals';
import type { z } from 'zod';
import {
  callSettingsSchema,
  policiesSchema,
  type Policies,
  type Clock,
  type ExecuteCall,
  type ExecuteResult,
  type ExecutorConfig,
  type CallRecord,
} from './types';

const systemClock: Clock = { now: () => Date.now() };

type CallSettings = z.infer<typeof callSettingsSchema>;

// Most calls carry no overrides: skip zod for them (validation runs per call on the hot path).
const NO_CALL_SETTINGS: CallSettings = Object.freeze({ overrides: Object.freeze({}) });

function invalid(error: z.ZodError): LoomError {
  return new LoomError('INVALID_INPUT', 'Invalid execute options', { issues: toLoomIssues(error) });
}

export function parsePolicies(retry: unknown, timeout: unknown): Policies {
  const parsed = policiesSchema.safeParse({ retry, timeout });
  if (!parsed.success) throw invalid(parsed.error);
  return parsed.data;
}

function parseCallSettings(call: ExecuteCall): CallSettings {
  if (call.overrides === undefined && call.experiment === undefined) return NO_CALL_SETTINGS;
  const parsed = callSettingsSchema.safeParse({
    overrides: call.overrides,
    experiment: call.experiment,
  });
  if (!parsed.success) throw invalid(parsed.error);
  return parsed.data;
}

/**
 * The state of one execute/executeStream call: validated settings, budgets, attempt count, record.
 * The call and the executor's config are read in place, never merged into a new object: this
 * runs on every call.
 */
export class Run {
  readonly policies: Policies;
  readonly callSettings: CallSettings;
  readonly provider: Provider;
  attempts = 0;
  private readonly clock: Clock;
  private readonly startedAt: number;
  private readonly deadline: number;
  private readonly signal: AbortSignal | undefined;
  private readonly model: string;
  private settled = false;

  constructor(
    private readonly call: ExecuteCall,
    private readonly config: ExecutorConfig,
    private readonly isStream: boolean,
    policies?: Policies,
  ) {
    const provider = call.provider ?? config.provider;
    if (typeof call?.prompt?.render !== 'function' || typeof provider?.complete !== 'function') {
      throw new LoomError('INVALID_INPUT', 'execute needs a prompt with render() and a provider', {
        issues: [
          { path: typeof call?.prompt?.render !== 'function' ? 'prompt' : 'provider', message: 'missing' },
        ],
      });
    }
    this.policies = policies ?? parsePolicies(config.retry, config.timeout);
    this.callSettings = parseCallSettings(call);
    this.provider = provider;
    this.clock = config.clock ?? systemClock;
    this.startedAt = this.clock.now();
    this.deadline = this.startedAt + this.policies.timeout.totalMs;
    this.signal = call.signal;
    this.model = this.callSettings.overrides.model ?? call.prompt.data.model.model;
  }

  /** Renders the prompt and builds the provider request: prompt model settings, then overrides. */
  async prepare(): Promise<{ rendered: Rendered; request: CompletionRequest }> {
    const { prompt } = this.call;
    const rendered = await prompt.render(this.call.input, { signal: this.signal });
    if (this.signal?.aborted) throw this.signal.reason;
    if (this.clock.now() >= this.deadline) throw TOTAL_TIMEOUT;
    const settings = prompt.data.model;
    const request: CompletionRequest = { model: this.model, messages: rendered.messages };
    if (settings.temperature !== undefined) request.temperature = settings.temperature;
    if (settings.maxTokens !== undefined) request.maxTokens = settings.maxTokens;
    if (settings.topP !== undefined) request.topP = settings.topP;
    if (settings.stop !== undefined) request.stop = settings.stop;
    Object.assign(request, this.callSettings.overrides);
    return { rendered, request };
  }

  /** The attempt ends at its own budget or the overall deadline, whichever comes first. */
  openAttempt(): Attempt {
    this.attempts++;
    const { attemptMs } = this.policies.timeout;
    const remaining = this.deadline - this.clock.now();
    return remaining < attemptMs
      ? openAttempt(this.signal, Math.max(0, remaining), TOTAL_TIMEOUT)
      : openAttempt(this.signal, attemptMs, ATTEMPT_TIMEOUT);
  }

  /**
   * What a non-streaming call hands the provider: the caller's signal and the attempt's budget,
   * after which the provider aborts its own request. The attempt's signal stays unused (SDKs pay
   * for every signal they are given); `attempt.race` still ends the call on time.
   */
  completeOptions(attempt: Attempt): CallOptions {
    return this.signal ? { signal: this.signal, timeoutMs: attempt.ms } : { timeoutMs: attempt.ms };
  }

  /** A stream must be abortable mid-body (a stall, a consumer that stops): it gets the attempt's signal. */
  streamOptions(attempt: Attempt): CallOptions {
    return { signal: attempt.signal, timeoutMs: attempt.ms };
  }

  /** One error vocabulary: whichever budget or signal fired explains the failure better than the transport. */
  classify(error: unknown, attempt?: Attempt): LoomError {
    const name = this.provider.name;
    if (this.signal?.aborted) {
      return error instanceof LoomError && error.code === 'CANCELLED'
        ? error
        : new LoomError('CANCELLED', 'The execution was cancelled', { provider: name }, { cause: error });
    }
    if (error === CONSUMER_STOPPED || attempt?.reason === CONSUMER_STOPPED) {
      return new LoomError('CANCELLED', 'The stream consumer stopped reading', { provider: name });
    }
    if (error === TOTAL_TIMEOUT || attempt?.reason === TOTAL_TIMEOUT) {
      const { totalMs } = this.policies.timeout;
      return new LoomError('TIMEOUT', `The execution exceeded its ${totalMs} ms budget`, {
        provider: name,
        scope: 'total',
        totalMs,
      });
    }
    if (error === ATTEMPT_TIMEOUT || attempt?.reason === ATTEMPT_TIMEOUT) {
      const { attemptMs } = this.policies.timeout;
      return new LoomError('TIMEOUT', `The provider call exceeded ${attemptMs} ms`, {
        provider: name,
        scope: 'attempt',
        attemptMs,
      });
    }
    if (error instanceof LoomError) return error;
    return normalizeProviderError(error, name);
  }

  /** Waits out the backoff before another attempt, or throws `failure` when it must not be retried. */
  async beforeRetry(failure: LoomError): Promise<void> {
    const { attempts, baseMs, maxMs, maxRetryAfterMs } = this.policies.retry;
    if (!failure.isRetryable || this.attempts >= attempts || this.signal?.aborted) throw failure;
    if (failure.details.scope === 'total') throw failure;
    // Full jitter: uniform in [0, min(max, base * 2^n)) spreads retrying clients apart.
    let delay = (this.config.random ?? Math.random)() * Math.min(maxMs, baseMs * 2 ** (this.attempts - 1));
    const retryAfterMs = failure.details.retryAfterMs;
    if (typeof retryAfterMs === 'number') {
      if (retryAfterMs > maxRetryAfterMs) throw failure;
      delay = Math.max(delay, retryAfterMs);
    }
    delay = Math.round(delay);
    // Waiting past the overall budget would only end in TIMEOUT; report the real failure instead.
    if (this.clock.now() + delay >= this.deadline) throw failure;
    await (this.config.sleep ?? realSleep)(delay, this.signal);
  }

  succeed(
    rendered: Rendered,
    text: string,
    usage: Usage,
    finishReason: FinishReason,
    model: string,
  ): ExecuteResult {
    const end = this.clock.now();
    const latencyMs = end - this.startedAt;
    const costMicros = this.price(usage);
    this.emit(end, usage, costMicros, undefined);
    return {
      output: text,
      usage,
      latencyMs,
      attempts: this.attempts,
      costMicros,
      rendered,
      model,
      finishReason,
    };
  }

  /** Prices with the injected function or the default table; a pricing bug never fails a finished call. */
  private price(usage: Usage): MicroDollars | undefined {
    try {
      return (this.config.cost ?? costOf)(this.model, usage);
    } catch (error) {
      this.report(error);
      return undefined;
    }
  }

  private report(error: unknown): void {
    try {
      this.config.onError?.(error);
    } catch {
      // The reporter itself failed: there is nowhere left to send it, and the call must not fail.
    }
  }

  /** Records the failure once and returns the error to throw (with the attempt count added). */
  fail(error: unknown): LoomError {
    const failure = this.classify(error);
    if (!this.settled) {
      this.emit(this.clock.now(), undefined, undefined, failure.code);
    }
    if (this.attempts <= 1) return failure;
    return new LoomError(
      failure.code,
      failure.message,
      { ...failure.details, attempts: this.attempts },
      { cause: failure },
    );
  }

  get isSettled(): boolean {
    return this.settled;
  }

  /** Settles the run and hands its record to `onRecord`: a success carries usage, a failure its code. */
  private emit(
    end: number,
    usage: Usage | undefined,
    costMicros: MicroDollars | undefined,
    errorKind: string | undefined,
  ): void {
    this.settled = true;
    const { onRecord } = this.config;
    if (!onRecord) return;
    const { data } = this.call.prompt;
    const { experiment } = this.callSettings;
    const record: CallRecord = {
      promptId: data.id,
      version: data.version,
      model: this.model,
      provider: this.provider.name,
      latencyMs: end - this.startedAt,
      inputTokens: usage?.inputTokens ?? 0,
      outputTokens: usage?.outputTokens ?? 0,
      costMicros,
      success: errorKind === undefined,
      attempts: this.attempts,
      stream: this.isStream,
      at: new Date(end),
    };
    if (errorKind !== undefined) record.errorKind = errorKind;
    if (experiment) {
      record.experimentId = experiment.id;
      record.variant = experiment.variant;
    }
    try {
      const pending = onRecord(record);
      if (pending && typeof pending.then === 'function')
        pending.then(undefined, (e: unknown) => this.report(e));
    } catch (hookError) {
      this.report(hookError);
    }
  }
}
