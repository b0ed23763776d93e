import { describe, expect, it } from 'vitest';
import { LoomError, Prompt } from '../core';
import { createTemplateEngine } from '../template';
import { createFakeProvider } from '../testing/fake-provider';
import {
  chain,
  parallel,
  promptStep,
  step,
  when,
  withFallback,
  withFallbackValue,
  withInput,
  withRetry,
  withTimeout,
} from './index';
import type { Sleep } from '../executor';

function makePrompt(id: string, user: string, variables: string[]): Prompt {
  return Prompt.from(
    {
      id,
      version: 1,
      name: id,
      user,
      variables: variables.map((name) => ({ name, type: 'string' as const, required: true })),
      model: { provider: 'fake', model: 'fake-model' },
    },
    createTemplateEngine(),
  );
}

const summarise = makePrompt('summarise', 'Summarise {{ text }}', ['text']);

/** Resolves at once but remembers each requested delay, so backoff is observable without waiting. */
function recordingSleep(): { sleep: Sleep; delays: number[] } {
  const delays: number[] = [];
  return {
    delays,
    sleep: async (ms, signal) => {
      if (signal?.aborted) throw new LoomError('CANCELLED', 'cancelled');
      delays.push(ms);
    },
  };
}

function catchError(fn: () => unknown): LoomError {
  try {
    fn();
  } catch (error) {
    if (error instanceof LoomError) return error;
    throw error;
  }
  throw new Error('expected a LoomError');
}

describe('chain: sequential steps', () => {
  it('feeds named outputs into later steps through mappings and functions, with no executor', async () => {
    const flow = chain(
      step('outline', (input) => `outline of ${String(input.topic)}`),
      step(
        'draft',
        (input) => ({ text: `${String(input.outline)} + draft`, words: 3 }),
        withInput({ outline: 'outline' }),
      ),
      step(
        'final',
        (input) => `${String(input.text)} (${String(input.words)} words, topic ${String(input.topic)})`,
        withInput((outputs, chainInput) => ({
          ...(outputs.draft as Record<string, unknown>),
          topic: chainInput.topic,
        })),
      ),
    ).build();

    const result = await flow.run({ topic: 'owls' });

    expect(result.status).toBe('ok');
    expect(result.output).toBe('outline of owls + draft (3 words, topic owls)');
    expect(result.trace.map((e) => [e.name, e.status, e.attempts])).toEqual([
      ['outline', 'ok', 1],
      ['draft', 'ok', 1],
      ['final', 'ok', 1],
    ]);
  });

  it('resolves dotted mapping paths and $input', async () => {
    const ok = chain(
      step('meta', () => ({ title: 'T', author: { name: 'Ada' } })),
      step(
        'line',
        (input) => `${String(input.title)} by ${String(input.who)} for ${String(input.reader)}`,
        withInput({ title: 'meta.title', who: 'meta.author.name', reader: '$input.reader' }),
      ),
    ).build();
    expect((await ok.run({ reader: 'Bob' })).output).toBe('T by Ada for Bob');
  });

  it('records timestamps from the injected clock', async () => {
    let t = 1000;
    const flow = chain(
      step('a', () => {
        t += 5;
        return 1;
      }),
    ).build({ clock: { now: () => t } });
    const [entry] = (await flow.run()).trace;
    expect(entry).toMatchObject({ startedAt: 1000, endedAt: 1005 });
  });
});

describe('chain: build-time validation', () => {
  it('rejects a prompt step when no executor is configured, naming the step', () => {
    const error = catchError(() =>
      chain(
        step('a', () => 1),
        promptStep('summarise', summarise),
      ).build(),
    );
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.details.issues).toEqual([expect.objectContaining({ path: 'steps.1.executor' })]);
  });

  it('rejects a prompt used as a fallback without an executor', () => {
    const error = catchError(() =>
      chain(step('a', () => 1, withFallback(promptStep('b', summarise)))).build(),
    );
    expect(error.details.issues).toEqual([expect.objectContaining({ path: 'steps.0.fallback.executor' })]);
  });

  it('rejects mappings to unknown, later or sibling steps, and duplicate names', () => {
    const error = catchError(() =>
      chain(
        step('a', () => 1, withInput({ x: 'b' })),
        step('b', () => 2),
        parallel([step('c', () => 3), step('d', () => 4, withInput({ y: 'c' }))]),
        step('a', () => 5),
      ).build(),
    );
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.details.issues?.map((i) => i.path)).toEqual([
      'steps.0.input.x',
      'steps.2.steps.1.input.y',
      'steps.3.name',
    ]);
  });

  it('rejects invalid names and options where they are written', () => {
    expect(catchError(() => step('has space', () => 1)).code).toBe('INVALID_INPUT');
    expect(catchError(() => withRetry({ attempts: 0 })).details.issues).toEqual([
      expect.objectContaining({ path: 'attempts' }),
    ]);
    expect(catchError(() => withTimeout(-1)).code).toBe('INVALID_INPUT');
    expect(catchError(() => parallel([])).code).toBe('INVALID_INPUT');
    expect(catchError(() => parallel([step('a', () => 1)], { concurrency: 0 })).code).toBe('INVALID_INPUT');
  });

  it('rejects a non-object run input', async () => {
    const flow = chain(step('a', () => 1)).build();
    await expect(flow.run('text' as never)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });
});

describe('chain: prompt steps', () => {
  it('renders each prompt with its mapped input and calls the provider through the executor', async () => {
    const provider = createFakeProvider({
      steps: [
        { reply: 'Owls hunt at night.', usage: { inputTokens: 10, outputTokens: 5 } },
        { reply: 'Chouettes chassent la nuit.', usage: { inputTokens: 12, outputTokens: 6 } },
      ],
    });
    const translate = makePrompt('translate', 'Translate to {{ language }}: {{ text }}', [
      'language',
      'text',
    ]);
    const flow = chain(
      promptStep('summary', summarise, withInput({ text: '$input.text' })),
      promptStep('french', translate, withInput({ text: 'summary', language: '$input.language' })),
    ).build({
      executor: { provider, settings: { cost: (_model, usage) => usage.inputTokens + usage.outputTokens } },
    });

    const result = await flow.run({ text: 'A long text about owls.', language: 'French' });

    expect(result.errors).toEqual([]);
    expect(result.output).toBe('Chouettes chassent la nuit.');
    expect(provider.calls.map((c) => c.messages.at(-1)?.content)).toEqual([
      'Summarise A long text about owls.',
      'Translate to French: Owls hunt at night.',
    ]);
    expect(result.usage).toEqual({ inputTokens: 22, outputTokens: 11 });
    expect(result.costMicros).toBe(33);
  });

  it('records a rendering failure (a missing variable) as the failed step, calling no provider', async () => {
    const provider = createFakeProvider();
    const flow = chain(promptStep('summary', summarise, withInput({ other: '$input.x' }))).build({
      executor: { provider },
    });
    const result = await flow.run({ x: 1 });
    expect(result.errors).toEqual([
      expect.objectContaining({
        step: 'summary',
        code: 'INVALID_INPUT',
        details: expect.objectContaining({ missing: ['text'] }),
      }),
    ]);
    expect(result.status).toBe('failed');
    expect(provider.calls).toHaveLength(0);
  });

  it('rejects a prompt step without a renderable prompt', () => {
    expect(catchError(() => promptStep('x', { id: 'p' } as never)).code).toBe('INVALID_INPUT');
  });
});

describe('chain: parallel groups', () => {
  it('respects the concurrency bound and exposes the group output by name', async () => {
    let inFlight = 0;
    let peak = 0;
    const slow = (name: string) =>
      step(name, async () => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await new Promise((r) => setTimeout(r, 5));
        inFlight--;
        return name.toUpperCase();
      });
    const flow = chain()
      .parallel([slow('a'), slow('b'), slow('c'), slow('d')], { name: 'fan', concurrency: 2 })
      .then(step('join', (input) => Object.values(input.fan as object).join(','), withInput({ fan: 'fan' })))
      .build();

    const result = await flow.run();
    expect(peak).toBe(2);
    expect(result.output).toBe('A,B,C,D');
    expect(result.outputs.b).toBe('B');
  });

  it('lets every step settle, collects every error and stops the chain', async () => {
    let lateFinished = false;
    let nextRan = false;
    const flow = chain(
      parallel([
        step('bad1', () => {
          throw new Error('first broke');
        }),
        step('slow', async () => {
          await new Promise((r) => setTimeout(r, 10));
          lateFinished = true;
          return 'fine';
        }),
        step('bad2', () => {
          throw new LoomError('PROVIDER_ERROR', 'second broke');
        }),
      ]),
      step('next', () => {
        nextRan = true;
      }),
    ).build();

    const result = await flow.run();

    expect(result.status).toBe('failed');
    expect(lateFinished).toBe(true);
    expect(nextRan).toBe(false);
    expect(result.errors.map((e) => [e.step, e.code, e.message])).toEqual([
      ['bad1', 'INTERNAL', 'first broke'],
      ['bad2', 'PROVIDER_ERROR', 'second broke'],
    ]);
    expect(result.trace.map((e) => [e.name, e.group, e.status])).toEqual([
      ['bad1', 'parallel-0', 'failed'],
      ['slow', 'parallel-0', 'ok'],
      ['bad2', 'parallel-0', 'failed'],
    ]);
  });
});

describe('chain: retry, timeout, fallback, condition', () => {
  it('retries with exponential backoff until a success', async () => {
    const { sleep, delays } = recordingSleep();
    let calls = 0;
    const flow = chain(
      step(
        'flaky',
        (_input, { attempt }) => {
          calls++;
          if (attempt < 3) throw new Error(`try ${attempt}`);
          return 'done';
        },
        withRetry({ attempts: 4, backoffMs: 100, factor: 2 }),
      ),
    ).build({ sleep });

    const result = await flow.run();
    expect(result.trace[0]).toMatchObject({ status: 'ok', attempts: 3, output: 'done' });
    expect(calls).toBe(3);
    expect(delays).toEqual([100, 200]);
  });

  it('does not retry a permanent loom error and reports the attempts made', async () => {
    const { sleep } = recordingSleep();
    let calls = 0;
    const flow = chain(
      step(
        'strict',
        () => {
          calls++;
          throw new LoomError('INVALID_INPUT', 'bad');
        },
        withRetry({ attempts: 5 }),
      ),
    ).build({ sleep });
    const result = await flow.run();
    expect(calls).toBe(1);
    expect(result.trace[0]).toMatchObject({
      status: 'failed',
      attempts: 1,
      error: { code: 'INVALID_INPUT' },
    });
  });

  it('times out an attempt that ignores its signal, aborting that signal, then retries', async () => {
    const signals: AbortSignal[] = [];
    const flow = chain(
      step(
        'stuck',
        (_input, { signal }) => {
          signals.push(signal);
          return new Promise(() => {});
        },
        withTimeout(20),
        withRetry({ attempts: 2, backoffMs: 1 }),
      ),
    ).build();

    const started = Date.now();
    const result = await flow.run();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(result.status).toBe('failed');
    expect(result.trace[0]).toMatchObject({ status: 'failed', attempts: 2, error: { code: 'TIMEOUT' } });
    expect(signals).toHaveLength(2);
    expect(signals.every((s) => s.aborted)).toBe(true);
  });

  it('uses a fallback step with the same input, recording why', async () => {
    const flow = chain(
      step(
        'primary',
        () => {
          throw new LoomError('UNAVAILABLE', 'down');
        },
        withInput({ q: '$input.q' }),
        withFallback(step('backup', (input) => `backup for ${String(input.q)}`)),
      ),
    ).build();
    const result = await flow.run({ q: 'x' });
    expect(result.status).toBe('ok');
    expect(result.output).toBe('backup for x');
    expect(result.trace[0]).toMatchObject({
      name: 'primary',
      status: 'fallback',
      attempts: 2,
      error: { code: 'UNAVAILABLE' },
    });
  });

  it('fails with both errors when the fallback step fails too', async () => {
    const flow = chain(
      step(
        'primary',
        () => {
          throw new Error('one');
        },
        withFallback(
          step('backup', () => {
            throw new Error('two');
          }),
        ),
      ),
    ).build();
    const [entry] = (await flow.run()).trace;
    expect(entry).toMatchObject({
      status: 'failed',
      error: { message: 'one' },
      fallbackError: { message: 'two' },
    });
  });

  it('uses a constant fallback value', async () => {
    const flow = chain(
      step(
        'classify',
        () => {
          throw new Error('no');
        },
        withFallbackValue('unknown'),
      ),
      step('use', (input) => `label=${String(input.label)}`, withInput({ label: 'classify' })),
    ).build();
    const result = await flow.run();
    expect(result.output).toBe('label=unknown');
    expect(result.trace[0]?.status).toBe('fallback');
  });

  it('skips a step whose condition is false and keeps going', async () => {
    let ran = false;
    const flow = chain(
      step('score', () => 0.2),
      step(
        'polish',
        () => {
          ran = true;
          return 'polished';
        },
        when((outputs) => (outputs.score as number) > 0.5),
      ),
      step('report', (input) => `polish=${String(input.polish)}`, withInput({ polish: 'polish' })),
    ).build();
    const result = await flow.run();
    expect(ran).toBe(false);
    expect(result.trace.map((e) => e.status)).toEqual(['ok', 'skipped', 'ok']);
    expect(result.output).toBe('polish=undefined');
  });
});

describe('chain: cancellation', () => {
  it('reaches every running step, marks them cancelled and runs nothing after', async () => {
    const controller = new AbortController();
    const seen: AbortSignal[] = [];
    let afterRan = false;
    const waitForAbort = (name: string) =>
      step(name, (_input, { signal }) => {
        seen.push(signal);
        if (seen.length === 2) setTimeout(() => controller.abort(), 1);
        return new Promise(() => {});
      });
    const flow = chain(
      parallel([waitForAbort('a'), waitForAbort('b')]),
      step('after', () => {
        afterRan = true;
      }),
    ).build();

    const result = await flow.run({}, { signal: controller.signal });

    expect(result.status).toBe('cancelled');
    expect(seen.map((s) => s.aborted)).toEqual([true, true]);
    expect(result.trace.map((e) => [e.name, e.status, e.error?.code])).toEqual([
      ['a', 'cancelled', 'CANCELLED'],
      ['b', 'cancelled', 'CANCELLED'],
    ]);
    expect(afterRan).toBe(false);
  });

  it('stops waiting in a retry backoff when cancelled', async () => {
    const controller = new AbortController();
    const flow = chain(
      step(
        'flaky',
        () => {
          setTimeout(() => controller.abort(), 1);
          throw new Error('again');
        },
        withRetry({ attempts: 3, backoffMs: 60_000 }),
      ),
    ).build();
    const result = await flow.run({}, { signal: controller.signal });
    expect(result.status).toBe('cancelled');
    expect(result.trace[0]).toMatchObject({ status: 'cancelled', attempts: 1 });
  });

  it('reports each step as it settles, group steps in completion order', async () => {
    const names: string[] = [];
    const flow = chain(
      step('a', () => 1),
      parallel([step('slow', () => new Promise((r) => setTimeout(() => r(2), 10))), step('fast', () => 3)]),
    ).build();
    const result = await flow.run({}, { onStep: (entry) => names.push(`${entry.name}:${entry.status}`) });
    expect(names).toEqual(['a:ok', 'fast:ok', 'slow:ok']);
    expect(result.trace.map((e) => e.name)).toEqual(['a', 'slow', 'fast']);
  });
});
