import { describe, expect, it } from 'vitest';
import { LoomError, prompt, promptSchema, required, string, type Input, type Rendered } from '../core';
import { createTemplateEngine } from '../template';
import type { CallOptions, CompletionRequest, Provider, StreamEvent } from '../provider';
import { createFakeProvider } from '../testing/fake-provider';
import { createExecutor, execute, executeStream } from './execute';
import type { ExecuteOptions, Renderable, CallRecord } from './types';

function makePrompt(overrides: Partial<Parameters<typeof promptSchema.parse>[0]> = {}): Renderable {
  const data = promptSchema.parse({
    id: 'greet',
    version: 3,
    name: 'Greet',
    system: 'Be brief.',
    user: 'Hello {{name}}',
    model: { provider: 'fake', model: 'fake-model', temperature: 0.2, maxTokens: 50 },
    ...overrides,
  });
  return {
    data,
    async render(input: Input): Promise<Rendered> {
      if (typeof input.name !== 'string') {
        throw new LoomError('MISSING_VARIABLES', 'name is required', {
          issues: [{ variable: 'name', message: 'required' }],
        });
      }
      const user = `Hello ${input.name}`;
      return {
        system: data.system,
        user,
        variables: input,
        messages: [
          { role: 'system', content: data.system },
          { role: 'user', content: user },
        ],
      };
    },
  };
}

function harness(extra: Partial<ExecuteOptions> = {}) {
  const sleeps: number[] = [];
  const records: CallRecord[] = [];
  const base: ExecuteOptions = {
    prompt: makePrompt(),
    input: { name: 'Ada' },
    provider: createFakeProvider(),
    sleep: async (ms) => void sleeps.push(ms),
    random: () => 0.5,
    onRecord: (record) => void records.push(record),
    ...extra,
  };
  return { sleeps, records, options: base };
}

const unavailable = () => new LoomError('UNAVAILABLE', 'down', { provider: 'fake' });

async function rejection(promise: Promise<unknown>): Promise<LoomError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(LoomError);
  return error as LoomError;
}

describe('execute', () => {
  it('renders, sends the prompt settings with overrides, and prices the call', async () => {
    const provider = createFakeProvider({
      steps: [{ reply: 'Hi Ada', usage: { inputTokens: 7, outputTokens: 2 } }],
    });
    const { options } = harness({
      provider,
      overrides: { maxTokens: 20, metadata: { trace: 't1' } },
      cost: (model, usage) =>
        model === 'fake-model' ? usage.inputTokens * 10 + usage.outputTokens * 30 : undefined,
    });
    const result = await execute(options);
    expect(result).toMatchObject({
      output: 'Hi Ada',
      usage: { inputTokens: 7, outputTokens: 2 },
      attempts: 1,
      costMicros: 130,
      model: 'fake-model',
      finishReason: 'stop',
    });
    expect(result.rendered.messages.map((m) => m.content)).toEqual(['Be brief.', 'Hello Ada']);
    expect(provider.calls[0]).toMatchObject({
      model: 'fake-model',
      temperature: 0.2,
      maxTokens: 20,
      metadata: { trace: 't1' },
    });
  });

  it('leaves costMicros undefined when the price is unknown', async () => {
    const { options } = harness({ cost: () => undefined });
    expect((await execute(options)).costMicros).toBeUndefined();
  });

  it('retries retryable failures with exponential backoff and full jitter', async () => {
    const provider = createFakeProvider({
      steps: [{ error: unavailable() }, { error: unavailable() }, { reply: 'ok' }],
    });
    const { options, sleeps } = harness({ provider, retry: { attempts: 3, baseMs: 100, maxMs: 10_000 } });
    const result = await execute(options);
    expect(result.output).toBe('ok');
    expect(result.attempts).toBe(3);
    expect(sleeps).toEqual([50, 100]);
  });

  it('caps the backoff at maxMs', async () => {
    const provider = createFakeProvider({
      steps: [{ error: unavailable() }, { error: unavailable() }, { reply: 'ok' }],
    });
    const { options, sleeps } = harness({
      provider,
      random: () => 0.999,
      retry: { attempts: 3, baseMs: 1000, maxMs: 1500 },
    });
    await execute(options);
    expect(sleeps).toEqual([999, 1499]);
  });

  it('waits as long as Retry-After asks, up to the cap', async () => {
    const limited = (ms: number) => new LoomError('RATE_LIMITED', 'slow down', { retryAfterMs: ms });
    const provider = createFakeProvider({ steps: [{ error: limited(1200) }, { reply: 'ok' }] });
    const { options, sleeps } = harness({ provider, retry: { baseMs: 10 } });
    await execute(options);
    expect(sleeps).toEqual([1200]);

    const tooLong = createFakeProvider({ steps: [{ error: limited(60_000) }, { reply: 'never' }] });
    const second = harness({ provider: tooLong, retry: { maxRetryAfterMs: 5_000 } });
    const error = await rejection(execute(second.options));
    expect(error.code).toBe('RATE_LIMITED');
    expect(tooLong.calls).toHaveLength(1);
    expect(second.sleeps).toEqual([]);
  });

  it('does not retry permanent errors', async () => {
    const provider = createFakeProvider({
      steps: [{ error: new LoomError('CONTEXT_LENGTH', 'too long') }, { reply: 'x' }],
    });
    const { options } = harness({ provider });
    expect((await rejection(execute(options))).code).toBe('CONTEXT_LENGTH');
    expect(provider.calls).toHaveLength(1);
  });

  it('throws the last error with the attempt count when retries run out', async () => {
    const provider = createFakeProvider({ fallback: () => ({ error: unavailable() }) });
    const { options, records } = harness({ provider, retry: { attempts: 3 } });
    const error = await rejection(execute(options));
    expect(error.code).toBe('UNAVAILABLE');
    expect(error.details.attempts).toBe(3);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ success: false, errorKind: 'UNAVAILABLE', attempts: 3 });
  });

  it('times out a slow attempt, aborts it, and retries', async () => {
    const provider = createFakeProvider({ steps: [{ reply: 'late', delayMs: 5_000 }, { reply: 'fast' }] });
    const { options } = harness({ provider, timeout: { attemptMs: 20 } });
    const result = await execute(options);
    expect(result).toMatchObject({ output: 'fast', attempts: 2 });
  });

  it('enforces the total budget across attempts', async () => {
    const provider = createFakeProvider({ fallback: () => ({ reply: 'late', delayMs: 5_000 }) });
    const { options } = harness({
      provider,
      timeout: { attemptMs: 1_000, totalMs: 30 },
      retry: { attempts: 5 },
    });
    const error = await rejection(execute(options));
    expect(error.code).toBe('TIMEOUT');
    expect(error.details.scope).toBe('total');
    expect(provider.calls).toHaveLength(1);
  });

  it("hands the provider the attempt's budget, or what is left of the total when that is less", async () => {
    const seen: CallOptions[] = [];
    const fake = createFakeProvider({ steps: [{ error: unavailable() }, { reply: 'ok' }] });
    const spy: Provider = {
      ...fake,
      complete: (request: CompletionRequest, callOptions?: CallOptions) => {
        seen.push(callOptions ?? {});
        return fake.complete(request, callOptions);
      },
    };
    let now = 0;
    const { options } = harness({
      provider: spy,
      timeout: { attemptMs: 1_000, totalMs: 1_500 },
      clock: { now: () => now },
      sleep: async (ms) => void (now += ms),
      random: () => 0.99,
      retry: { baseMs: 700, maxMs: 700 },
    });
    await execute(options);
    // No caller signal: the provider gets only the budget and ends its own request with it.
    expect(seen).toEqual([{ timeoutMs: 1_000 }, { timeoutMs: 1_500 - 693 }]);
  });

  it('stops even when the provider ignores its signal', async () => {
    const stubborn: Provider = {
      ...createFakeProvider(),
      complete: () => new Promise(() => undefined),
    };
    const { options } = harness({
      provider: stubborn,
      timeout: { attemptMs: 20, totalMs: 1_000 },
      retry: { attempts: 1 },
    });
    expect((await rejection(execute(options))).code).toBe('TIMEOUT');
  });

  it('passes cancellation to the provider call and reports CANCELLED', async () => {
    let seen: AbortSignal | undefined;
    const fake = createFakeProvider({ steps: [{ reply: 'slow', delayMs: 5_000 }] });
    const spy: Provider = {
      ...fake,
      complete: (request: CompletionRequest, callOptions?: CallOptions) => {
        seen = callOptions?.signal;
        return fake.complete(request, callOptions);
      },
    };
    const controller = new AbortController();
    const { options, records } = harness({ provider: spy, signal: controller.signal });
    const pending = execute(options);
    setTimeout(() => controller.abort(), 10);
    const error = await rejection(pending);
    expect(error.code).toBe('CANCELLED');
    expect(seen?.aborted).toBe(true);
    expect(records[0]).toMatchObject({ success: false, errorKind: 'CANCELLED' });
  });

  it('does not retry while waiting once cancelled', async () => {
    const controller = new AbortController();
    const provider = createFakeProvider({ steps: [{ error: unavailable() }, { reply: 'x' }] });
    const { options } = harness({
      provider,
      signal: controller.signal,
      sleep: async (_ms, signal) => {
        controller.abort();
        if (signal?.aborted) throw signal.reason;
      },
    });
    expect((await rejection(execute(options))).code).toBe('CANCELLED');
    expect(provider.calls).toHaveLength(1);
  });

  it('reports render errors as they are and records them', async () => {
    const { options, records } = harness({ input: {} });
    const error = await rejection(execute(options));
    expect(error.code).toBe('MISSING_VARIABLES');
    expect(error.details.issues?.[0]?.variable).toBe('name');
    expect(records[0]).toMatchObject({ success: false, errorKind: 'MISSING_VARIABLES', attempts: 0 });
  });

  it('records successes with the analytics fields', async () => {
    let now = 1_700_000_000_000;
    const provider = createFakeProvider({
      steps: [{ reply: 'a b c', usage: { inputTokens: 4, outputTokens: 3 } }],
    });
    // The provider call takes 5 ms of the injected clock's time.
    const timed: Provider = { ...provider, complete: (r, o) => ((now += 5), provider.complete(r, o)) };
    const { options, records } = harness({
      provider: timed,
      clock: { now: () => now },
      cost: () => 42,
      experiment: { id: 'exp1', variant: 'B' },
    });
    await execute(options);
    expect(records).toEqual([
      {
        promptId: 'greet',
        version: 3,
        model: 'fake-model',
        provider: 'fake',
        latencyMs: 5,
        inputTokens: 4,
        outputTokens: 3,
        costMicros: 42,
        success: true,
        attempts: 1,
        stream: false,
        experimentId: 'exp1',
        variant: 'B',
        at: new Date(1_700_000_000_000 + 5),
      },
    ]);
  });

  it('never lets a failing record hook fail the call', async () => {
    const errors: unknown[] = [];
    const sync = harness({
      onRecord: () => {
        throw new Error('db down');
      },
      onError: (e) => errors.push(e),
    });
    await expect(execute(sync.options)).resolves.toMatchObject({ output: 'Fake reply to: Hello Ada' });
    const async = harness({
      onRecord: () => Promise.reject(new Error('later')),
      onError: (e) => errors.push(e),
    });
    await execute(async.options);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(errors.map((e) => (e as Error).message)).toEqual(['db down', 'later']);
  });

  it('does not wait for a slow record hook', async () => {
    const { options } = harness({ onRecord: () => new Promise(() => undefined) });
    await expect(execute(options)).resolves.toBeDefined();
  });

  it('rejects invalid options with the offending field', async () => {
    const { options } = harness({ retry: { attempts: 0 } });
    const error = await rejection(execute(options));
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.details.issues?.[0]?.path).toBe('retry.attempts');
  });
});

async function collect(iterable: AsyncIterable<unknown>): Promise<unknown[]> {
  const events: unknown[] = [];
  for await (const event of iterable) events.push(event);
  return events;
}

describe('executeStream', () => {
  it('yields deltas then the result', async () => {
    const provider = createFakeProvider({
      steps: [{ reply: 'Hi there Ada', usage: { inputTokens: 5, outputTokens: 3 } }],
    });
    const { options, records } = harness({ provider });
    const events = await collect(executeStream(options));
    expect(events.slice(0, 3)).toEqual([
      { type: 'delta', text: 'Hi ' },
      { type: 'delta', text: 'there ' },
      { type: 'delta', text: 'Ada' },
    ]);
    expect(events[3]).toMatchObject({
      type: 'result',
      result: { output: 'Hi there Ada', usage: { outputTokens: 3 } },
    });
    expect(records[0]).toMatchObject({ success: true, stream: true });
  });

  it('retries a failure that happens before the first delta', async () => {
    const provider = createFakeProvider({ steps: [{ error: unavailable() }, { reply: 'ok' }] });
    const { options } = harness({ provider });
    const events = await collect(executeStream(options));
    expect(events.at(-1)).toMatchObject({ type: 'result', result: { output: 'ok', attempts: 2 } });
  });

  it('never retries once text was shown', async () => {
    const provider = createFakeProvider({
      steps: [
        { reply: 'one two three', failAfterChunks: { chunks: 1, error: unavailable() } },
        { reply: 'again' },
      ],
    });
    const { options, records } = harness({ provider });
    const seen: unknown[] = [];
    const error = await rejection(
      (async () => {
        for await (const event of executeStream(options)) seen.push(event);
      })(),
    );
    expect(error.code).toBe('UNAVAILABLE');
    expect(seen).toEqual([{ type: 'delta', text: 'one ' }]);
    expect(provider.calls).toHaveLength(1);
    expect(records[0]).toMatchObject({ success: false, errorKind: 'UNAVAILABLE' });
  });

  it('cancels the provider stream when the consumer stops', async () => {
    let seen: AbortSignal | undefined;
    const fake = createFakeProvider({ steps: [{ reply: 'a b c d e f' }] });
    const spy: Provider = {
      ...fake,
      stream: (request: CompletionRequest, callOptions?: CallOptions): AsyncIterable<StreamEvent> => {
        seen = callOptions?.signal;
        return fake.stream(request, callOptions);
      },
    };
    const { options, records } = harness({ provider: spy });
    for await (const event of executeStream(options)) {
      expect(event.type).toBe('delta');
      break;
    }
    expect(seen?.aborted).toBe(true);
    expect(records[0]).toMatchObject({ success: false, errorKind: 'CANCELLED' });
  });

  it('times out a stalled stream', async () => {
    const stalled: Provider = {
      ...createFakeProvider(),
      stream: () => ({
        [Symbol.asyncIterator]: () => ({
          next: () => new Promise<IteratorResult<StreamEvent>>(() => undefined),
        }),
      }),
    };
    const { options } = harness({ provider: stalled, timeout: { attemptMs: 20 }, retry: { attempts: 1 } });
    expect((await rejection(collect(executeStream(options)))).code).toBe('TIMEOUT');
  });
});

describe('execute with the real Prompt and template engine', () => {
  it('renders through the engine and prices with the default table', async () => {
    const greeting = prompt('greet-real')
      .system('You are terse.')
      .user('Say hi to {{ name }}')
      .variable('name', string(required()))
      .model({ provider: 'fake', model: 'gpt-4o-mini' })
      .build(createTemplateEngine());
    const provider = createFakeProvider({
      steps: [{ reply: 'hi', usage: { inputTokens: 1_000_000, outputTokens: 0 } }],
    });
    const result = await execute({ prompt: greeting, input: { name: 'Ada' }, provider });
    expect(provider.calls[0]?.messages.at(-1)).toEqual({ role: 'user', content: 'Say hi to Ada' });
    expect(result.costMicros).toBeGreaterThan(0);
    const error = await rejection(execute({ prompt: greeting, input: {}, provider }));
    expect(error.code).toBe('MISSING_VARIABLES');
  });

  it('reports a pricing failure to onError and still returns the answer', async () => {
    const errors: unknown[] = [];
    const provider = createFakeProvider({
      steps: [{ reply: 'x', usage: { inputTokens: -1, outputTokens: 0 } }],
    });
    const { options } = harness({ provider, cost: undefined, onError: (e) => errors.push(e) });
    const result = await execute(options);
    expect(result.costMicros).toBeUndefined();
    expect(errors).toHaveLength(1);
  });
});

describe('createExecutor', () => {
  it('validates its policies once and applies them to every call', async () => {
    expect(() => createExecutor({ provider: createFakeProvider(), timeout: { attemptMs: -1 } })).toThrow(
      LoomError,
    );
    const sleeps: number[] = [];
    const provider = createFakeProvider({ steps: [{ error: unavailable() }, { reply: 'ok' }] });
    const records: CallRecord[] = [];
    const executor = createExecutor({
      provider,
      retry: { attempts: 2, baseMs: 40 },
      sleep: async (ms) => void sleeps.push(ms),
      random: () => 0.5,
      onRecord: (r) => void records.push(r),
    });
    const result = await executor.execute({
      prompt: makePrompt(),
      input: { name: 'Ada' },
      experiment: { id: 'e', variant: 'A' },
    });
    expect(result).toMatchObject({ output: 'ok', attempts: 2 });
    expect(sleeps).toEqual([20]);
    expect(records[0]).toMatchObject({ success: true, experimentId: 'e', variant: 'A' });
  });

  it('lets a call use another provider', async () => {
    const other = createFakeProvider({ name: 'other', steps: [{ reply: 'from other' }] });
    const executor = createExecutor({ provider: createFakeProvider() });
    const events = await collect(
      executor.executeStream({ prompt: makePrompt(), input: { name: 'Ada' }, provider: other }),
    );
    expect(events.at(-1)).toMatchObject({ type: 'result', result: { output: 'from other' } });
  });
});
