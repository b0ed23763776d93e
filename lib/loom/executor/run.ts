import { LoomError, type MicroDollars, type Rendered, type Usage } from '../core';
import { costOf } from '../cost';
import {
  normalizeProviderError,
  toLoomIssues,
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
  type ExecuteOptions,
  type ExecuteResult,
  type RunRecord,
  type Sleep,
} from './types';

const systemClock: Clock = { now: () => Date.now() };

type Settings = Policies & z.infer<typeof callSettingsSchema>;

// Most calls carry no overrides: skip zod for them (validation runs per call on the hot path).
const NO_CALL_SETTINGS: z.infer<typeof callSettingsSchema> = Object.freeze({ overrides: Object.freeze({}) });

function invalid(error: z.ZodError): LoomError {
  return new LoomError('INVALID_INPUT', 'Invalid execute options', { issues: toLoomIssues(error) });
}

export function parsePolicies(retry: unknown, timeout: unknown): Policies {
  const parsed = policiesSchema.safeParse({ retry, timeout });
  if (!parsed.success) throw invalid(parsed.error);
  return parsed.data;
}

function parseCallSettings(options: ExecuteOptions): z.infer<typeof callSettingsSchema> {
  if (options.overrides === undefined && options.experiment === undefined) return NO_CALL_SETTINGS;
  const parsed = callSettingsSchema.safeParse({
    overrides: options.overrides,
    experiment: options.experiment,
  });
  if (!parsed.success) throw invalid(parsed.error);
  return parsed.data;
}

/** The state of one execute/executeStream call: validated settings, budgets, attempt count, record. */
export class Run {
  readonly settings: Settings;
  readonly provider: Provider;
  attempts = 0;
  private readonly clock: Clock;
  private readonly sleep: Sleep;
  private readonly random: () => number;
  private readonly startedAt: number;
  private readonly deadline: number;
  private readonly signal: AbortSignal | undefined;
  private readonly model: string;
  private settled = false;

  constructor(
    private readonly options: ExecuteOptions,
    private readonly isStream: boolean,
    policies?: Policies,
  ) {
    if (typeof options?.prompt?.render !== 'function' || typeof options.provider?.complete !== 'function') {
      throw new LoomError('INVALID_INPUT', 'execute needs a prompt with render() and a provider', {
        issues: [
          { path: typeof options?.prompt?.render !== 'function' ? 'prompt' : 'provider', message: 'missing' },
        ],
      });
    }
    this.settings = {
      ...(policies ?? parsePolicies(options.retry, options.timeout)),
      ...parseCallSettings(options),
    };
    this.provider = options.provider;
    this.clock = options.clock ?? systemClock;
    this.sleep = options.sleep ?? realSleep;
    this.random = options.random ?? Math.random;
    this.startedAt = this.clock.now();
    this.deadline = this.startedAt + this.settings.timeout.totalMs;
    this.signal = options.signal;
    this.model = this.settings.overrides.model ?? options.prompt.data.model.model;
  }

  /** Renders the prompt and builds the provider request: prompt model settings, then overrides. */
  async prepare(): Promise<{ rendered: Rendered; request: CompletionRequest }> {
    const { prompt } = this.options;
    const rendered = await prompt.render(this.options.input, { signal: this.signal });
    if (this.signal?.aborted) throw this.signal.reason;
    if (this.clock.now() >= this.deadline) throw TOTAL_TIMEOUT;
    const settings = prompt.data.model;
    const request: CompletionRequest = { model: this.model, messages: rendered.messages };
    if (settings.temperature !== undefined) request.temperature = settings.temperature;
    if (settings.maxTokens !== undefined) request.maxTokens = settings.maxTokens;
    if (settings.topP !== undefined) request.topP = settings.topP;
    if (settings.stop !== undefined) request.stop = settings.stop;
    Object.assign(request, this.settings.overrides);
    return { rendered, request };
  }

  /** The attempt ends at its own budget or the overall deadline, whichever comes first. */
  openAttempt(): Attempt {
    this.attempts++;
    const { attemptMs } = this.settings.timeout;
    const remaining = this.deadline - this.clock.now();
    return remaining < attemptMs
      ? openAttempt(this.signal, Math.max(0, remaining), TOTAL_TIMEOUT)
      : openAttempt(this.signal, attemptMs, ATTEMPT_TIMEOUT);
  }

  /** One error vocabulary: whichever budget or signal fired explains the failure better than the transport. */
  classify(error: unknown, attempt?: Attempt): LoomError {
    const name = this.provider.name;
    if (this.options.signal?.aborted) {
      return error instanceof LoomError && error.code === 'CANCELLED'
        ? error
        : new LoomError('CANCELLED', 'The execution was cancelled', { provider: name }, { cause: error });
    }
    if (error === CONSUMER_STOPPED || attempt?.signal.reason === CONSUMER_STOPPED) {
      return new LoomError('CANCELLED', 'The stream consumer stopped reading', { provider: name });
    }
    if (error === TOTAL_TIMEOUT || attempt?.signal.reason === TOTAL_TIMEOUT) {
      const { totalMs } = this.settings.timeout;
      return new LoomError('TIMEOUT', `The execution exceeded its ${totalMs} ms budget`, {
        provider: name,
        scope: 'total',
        totalMs,
      });
    }
    if (error === ATTEMPT_TIMEOUT || attempt?.signal.reason === ATTEMPT_TIMEOUT) {
      const { attemptMs } = this.settings.timeout;
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
    const { attempts, baseMs, maxMs, maxRetryAfterMs } = this.settings.retry;
    if (!failure.isRetryable || this.attempts >= attempts || this.signal?.aborted) throw failure;
    if (failure.details.scope === 'total') throw failure;
    // Full jitter: uniform in [0, min(max, base * 2^n)) spreads retrying clients apart.
    let delay = this.random() * Math.min(maxMs, baseMs * 2 ** (this.attempts - 1));
    const retryAfterMs = failure.details.retryAfterMs;
    if (typeof retryAfterMs === 'number') {
      if (retryAfterMs > maxRetryAfterMs) throw failure;
      delay = Math.max(delay, retryAfterMs);
    }
    delay = Math.round(delay);
    // Waiting past the overall budget would only end in TIMEOUT; report the real failure instead.
    if (this.clock.now() + delay >= this.deadline) throw failure;
    await this.sleep(delay, this.signal);
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
    this.emit(end, {
      latencyMs,
      inputTokens: usage.inputTokens,
      outputTokens: usage.outputTokens,
      costMicros,
      success: true,
    });
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
      return (this.options.cost ?? costOf)(this.model, usage);
    } catch (error) {
      this.report(error);
      return undefined;
    }
  }

  private report(error: unknown): void {
    try {
      this.options.onError?.(error);
    } catch {
      // The reporter itself failed: there is nowhere left to send it, and the call must not fail.
    }
  }

  /** Records the failure once and returns the error to throw (with the attempt count added). */
  fail(error: unknown): LoomError {
    const failure = this.classify(error);
    if (!this.settled) {
      const end = this.clock.now();
      this.emit(end, {
        latencyMs: end - this.startedAt,
        inputTokens: 0,
        outputTokens: 0,
        costMicros: undefined,
        success: false,
        errorKind: failure.code,
      });
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

  private emit(
    end: number,
    outcome: Pick<
      RunRecord,
      'latencyMs' | 'inputTokens' | 'outputTokens' | 'costMicros' | 'success' | 'errorKind'
    >,
  ): void {
    this.settled = true;
    const { onRecord, prompt, experiment } = this.options;
    if (!onRecord) return;
    const record: RunRecord = {
      promptId: prompt.data.id,
      version: prompt.data.version,
      model: this.model,
      provider: this.provider.name,
      attempts: this.attempts,
      stream: this.isStream,
      at: new Date(end),
      ...outcome,
    };
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
