import { describe, expect, it } from 'vitest';
import { type Input, LoomError, Prompt } from '../core';
import { createTemplateEngine } from '../template';
import { createFakeProvider } from '../testing/fake-provider';
import {
  createLLMJudge,
  createMemoryRunStore,
  JUDGE_PROMPT_DATA,
  type RunProgress,
  runSuite,
  type SuiteInput,
} from './index';

const capitals: Record<string, string> = {
  France: 'Paris',
  Japan: 'Tokyo',
  Peru: 'Lima',
  Kenya: 'Nairobi',
  Chile: 'Santiago',
};

function capitalSuite(countries = Object.keys(capitals)): SuiteInput {
  return {
    id: 'capitals',
    name: 'Capitals',
    cases: countries.map((country) => ({ id: country, input: { country }, expected: capitals[country] })),
    evaluators: [{ kind: 'exactMatch', ignoreCase: true }],
  };
}

/** A function target that counts its calls and answers from a table (wrong for Peru). */
function countingTarget(options: { delayMs?: number } = {}) {
  const calls: string[] = [];
  let inFlight = 0;
  let peak = 0;
  const target = async (input: Input, { signal }: { signal: AbortSignal }): Promise<string> => {
    const country = String(input.country);
    calls.push(country);
    inFlight++;
    peak = Math.max(peak, inFlight);
    try {
      if (options.delayMs) {
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(resolve, options.delayMs);
          signal.addEventListener('abort', () => {
            clearTimeout(timer);
            reject(new LoomError('CANCELLED', 'stopped'));
          });
        });
      }
      return country === 'Peru' ? 'Cusco' : (capitals[country] ?? '');
    } finally {
      inFlight--;
    }
  };
  return { target, calls, peak: () => peak };
}

describe('runSuite with a function target', () => {
  it('scores every case and summarises the run', async () => {
    const { target } = countingTarget();
    const { run, cases } = await runSuite({ suite: capitalSuite(), target, runId: 'r1' });

    expect(cases.map((c) => [c.caseId, c.pass])).toEqual([
      ['France', true],
      ['Japan', true],
      ['Peru', false],
      ['Kenya', true],
      ['Chile', true],
    ]);
    expect(cases[2]?.evaluations[0]).toMatchObject({
      name: 'exactMatch',
      score: 0,
      reason: 'expected "Lima", got "Cusco"',
    });
    expect(run).toMatchObject({ id: 'r1', suiteId: 'capitals', status: 'completed' });
    expect(run.summary).toMatchObject({ total: 5, passed: 4, failed: 1, errored: 0 });
    expect(run.summary.passRate.value).toBe(0.8);
    expect(run.summary.passRate.low).toBeCloseTo(0.3755, 3);
    expect(run.summary.passRate.high).toBeCloseTo(0.9638, 3);
    expect(run.summary.meanScore).toMatchObject({ value: 0.8, n: 5 });
    expect(run.summary.usage).toEqual({ inputTokens: 0, outputTokens: 0 });
  });

  it('keeps at most `concurrency` cases in flight and reports progress', async () => {
    const { target, peak } = countingTarget({ delayMs: 5 });
    const progress: RunProgress[] = [];
    await runSuite({ suite: capitalSuite(), target, concurrency: 2, onProgress: (p) => progress.push(p) });
    expect(peak()).toBe(2);
    expect(progress.map((p) => [p.done, p.total])).toEqual([
      [1, 5],
      [2, 5],
      [3, 5],
      [4, 5],
      [5, 5],
    ]);
    expect(progress.map((p) => p.case.caseId).sort()).toEqual(Object.keys(capitals).sort());
  });

  it('times out a slow case without failing the run', async () => {
    const target = async (input: Input): Promise<string> =>
      input.country === 'Japan' ? new Promise<string>(() => {}) : (capitals[String(input.country)] ?? '');
    const { run, cases } = await runSuite({ suite: capitalSuite(), target, timeoutMs: 30 });
    const japan = cases.find((c) => c.caseId === 'Japan');
    expect(japan).toMatchObject({ pass: false, score: 0, error: { code: 'TIMEOUT' } });
    expect(run.summary).toMatchObject({ passed: 4, errored: 1 });
    expect(run.summary.meanScore.n).toBe(4);
  });

  it('records a target that returns no text as the case error', async () => {
    const target = (async () => 42) as never;
    const { cases } = await runSuite({ suite: capitalSuite(['France']), target });
    expect(cases[0]?.error).toMatchObject({
      code: 'INTERNAL',
      message: 'The target returned number, not text',
    });
  });
});

describe('runSuite: cancellation and resuming', () => {
  it('stops on cancel, then resumes without paying for scored cases twice', async () => {
    const store = createMemoryRunStore();
    const controller = new AbortController();
    const first = countingTarget({ delayMs: 5 });
    const cancelled = runSuite({
      suite: capitalSuite(),
      target: first.target,
      store,
      runId: 'resumable',
      concurrency: 1,
      signal: controller.signal,
      onProgress: ({ done }) => {
        if (done === 2) controller.abort();
      },
    });
    await expect(cancelled).rejects.toMatchObject({
      code: 'CANCELLED',
      details: { runId: 'resumable', done: 2, total: 5 },
    });
    expect(await store.getRun('resumable')).toMatchObject({ status: 'cancelled' });
    expect((await store.listCaseResults('resumable')).map((c) => c.caseId)).toEqual(['France', 'Japan']);

    const second = countingTarget();
    const { run, cases } = await runSuite({
      suite: capitalSuite(),
      target: second.target,
      store,
      runId: 'resumable',
    });

    expect(second.calls).toEqual(['Peru', 'Kenya', 'Chile']);
    expect(cases.map((c) => c.caseId)).toEqual(Object.keys(capitals));
    expect(run.summary.passed).toBe(4);
    expect(await store.getRun('resumable')).toMatchObject({ status: 'completed', summary: { total: 5 } });
  });

  it('runs errored cases again on resume', async () => {
    const store = createMemoryRunStore();
    let failJapan = true;
    const target = async (input: Input): Promise<string> => {
      if (input.country === 'Japan' && failJapan) throw new LoomError('UNAVAILABLE', 'provider down');
      return capitals[String(input.country)] ?? '';
    };
    const first = await runSuite({ suite: capitalSuite(['France', 'Japan']), target, store, runId: 'r' });
    expect(first.cases[1]?.error?.code).toBe('UNAVAILABLE');

    failJapan = false;
    const { calls, target: counting } = countingTarget();
    const second = await runSuite({
      suite: capitalSuite(['France', 'Japan']),
      target: counting,
      store,
      runId: 'r',
    });
    expect(calls).toEqual(['Japan']);
    expect(second.run.summary.passed).toBe(2);
  });

  it('refuses to resume a run of another suite', async () => {
    const store = createMemoryRunStore();
    const { target } = countingTarget();
    await runSuite({ suite: capitalSuite(), target, store, runId: 'r' });
    await expect(
      runSuite({ suite: { ...capitalSuite(), id: 'other' }, target, store, runId: 'r' }),
    ).rejects.toMatchObject({
      code: 'CONFLICT',
    });
  });
});

describe('runSuite with a prompt target and an LLM judge', () => {
  const engine = createTemplateEngine();
  const prompt = Prompt.from(
    {
      id: 'capital',
      version: 2,
      name: 'Capital',
      user: 'What is the capital of {{ country }}?',
      variables: [{ name: 'country', type: 'string', required: true }],
      model: { provider: 'fake', model: 'fake-model' },
    },
    engine,
  );
  const judgePrompt = Prompt.from(JUDGE_PROMPT_DATA, engine);
  const suite: SuiteInput = {
    id: 'capitals-judged',
    name: 'Capitals, judged',
    cases: [
      { id: 'France', input: { country: 'France' }, expected: 'Paris' },
      { id: 'Peru', input: { country: 'Peru' }, expected: 'Lima' },
    ],
    evaluators: [
      { kind: 'contains', ignoreCase: true },
      { kind: 'llmJudge', threshold: 0.7 },
    ],
  };

  it('runs the prompt through the executor, judges the output and totals tokens and cost', async () => {
    const provider = createFakeProvider({
      fallback: (request) => {
        const text = request.messages.at(-1)?.content ?? '';
        return {
          reply: text.includes('France') ? 'Paris.' : 'Lima.',
          usage: { inputTokens: 20, outputTokens: 2 },
        };
      },
    });
    const judgeProvider = createFakeProvider({
      steps: [
        { reply: 'SCORE: 9/10\nVERDICT: PASS', usage: { inputTokens: 200, outputTokens: 8 } },
        { reply: 'Hmm, hard to say.', usage: { inputTokens: 200, outputTokens: 5 } },
      ],
    });
    const judge = createLLMJudge({
      executor: { provider: judgeProvider, settings: { cost: () => 30 } },
      prompt: judgePrompt,
    });

    const { run, cases } = await runSuite({
      suite,
      target: { prompt, executor: { provider, settings: { cost: () => 10 } } },
      judge,
      concurrency: 1,
    });

    expect(provider.calls).toHaveLength(2);
    expect(cases[0]).toMatchObject({
      output: 'Paris.',
      pass: true,
      usage: { inputTokens: 20, outputTokens: 2 },
      costMicros: 10,
    });
    expect(cases[0]?.evaluations.map((e) => [e.name, e.score, e.pass])).toEqual([
      ['contains', 1, true],
      ['llmJudge', 0.9, true],
    ]);
    // An unreadable judge reply is an error on the case, never a pass.
    expect(cases[1]).toMatchObject({ output: 'Lima.', pass: false, error: { code: 'JUDGE_ERROR' } });
    expect(cases[1]?.evaluations[1]).toMatchObject({ pass: false, score: 0, error: { code: 'JUDGE_ERROR' } });
    expect(run.summary).toMatchObject({
      passed: 1,
      errored: 1,
      usage: { inputTokens: 40, outputTokens: 4 },
      costMicros: 20,
      judgeUsage: { inputTokens: 400, outputTokens: 13 },
      judgeCostMicros: 60,
    });
  });
});

describe('runSuite: several judges and unknown prices', () => {
  const engine = createTemplateEngine();
  const prompt = Prompt.from(
    {
      id: 'capital',
      version: 1,
      name: 'Capital',
      user: 'What is the capital of {{ country }}?',
      variables: [{ name: 'country', type: 'string', required: true }],
      model: { provider: 'fake', model: 'fake-model' },
    },
    engine,
  );
  const judgePrompt = Prompt.from(JUDGE_PROMPT_DATA, engine);
  const suite: SuiteInput = {
    id: 'two-judges',
    name: 'Two judges',
    cases: [{ id: 'France', input: { country: 'France' }, expected: 'Paris' }],
    evaluators: [
      { kind: 'llmJudge', name: 'accuracy' },
      { kind: 'llmJudge', name: 'tone' },
    ],
  };
  const judgeWith = (reply: string, cost: number | undefined) => {
    const provider = createFakeProvider({
      fallback: () => ({ reply, usage: { inputTokens: 5, outputTokens: 1 } }),
    });
    return {
      provider,
      judge: createLLMJudge({ executor: { provider, settings: { cost: () => cost } }, prompt: judgePrompt }),
    };
  };

  it('gives each llmJudge evaluator its own judge, by name', async () => {
    const accuracy = judgeWith('SCORE: 10/10\nVERDICT: PASS', 7);
    const tone = judgeWith('SCORE: 2/10\nVERDICT: FAIL', 3);
    const asked: string[] = [];
    const provider = createFakeProvider({ fallback: () => ({ reply: 'Paris' }) });
    const { cases, run } = await runSuite({
      suite,
      target: { prompt, executor: { provider, settings: { cost: () => 1 } } },
      judge: (name) => {
        asked.push(name);
        return name === 'accuracy' ? accuracy.judge : tone.judge;
      },
    });
    expect(asked).toEqual(['accuracy', 'tone']);
    expect(accuracy.provider.calls).toHaveLength(1);
    expect(tone.provider.calls).toHaveLength(1);
    expect(cases[0]?.evaluations.map((e) => [e.name, e.pass, e.costMicros])).toEqual([
      ['accuracy', true, 7],
      ['tone', false, 3],
    ]);
    expect(run.summary).toMatchObject({ costMicros: 1, judgeCostMicros: 10, unpricedCases: 0 });
  });

  it('refuses a run when the function has no judge for an llmJudge evaluator', async () => {
    const provider = createFakeProvider({ fallback: () => ({ reply: 'Paris' }) });
    const { judge } = judgeWith('SCORE: 10/10\nVERDICT: PASS', 1);
    await expect(
      runSuite({
        suite,
        target: { prompt, executor: { provider } },
        judge: (name) => (name === 'accuracy' ? judge : undefined),
      }),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT', details: { evaluator: 'tone' } });
    expect(provider.calls).toHaveLength(0);
  });

  it('marks a cost it cannot price as unpriced, apart for target and judge, never as 0', async () => {
    const provider = createFakeProvider({ fallback: () => ({ reply: 'Paris' }) });
    const priced = judgeWith('SCORE: 10/10\nVERDICT: PASS', 4);
    const unpriced = judgeWith('SCORE: 10/10\nVERDICT: PASS', undefined);
    const { cases, run } = await runSuite({
      suite,
      target: { prompt, executor: { provider, settings: { cost: () => undefined } } },
      judge: (name) => (name === 'accuracy' ? priced.judge : unpriced.judge),
    });
    expect(cases[0]).toMatchObject({
      unpriced: true,
      judgeUnpriced: true,
      costMicros: 0,
      judgeCostMicros: 4,
    });
    expect(cases[0]?.evaluations.map((e) => e.unpriced)).toEqual([undefined, true]);
    expect(run.summary).toMatchObject({ unpricedCases: 1, judgeUnpricedCases: 1, judgeCostMicros: 4 });

    const known = await runSuite({
      suite,
      target: { prompt, executor: { provider, settings: { cost: () => 2 } } },
      judge: priced.judge,
    });
    expect(known.cases[0]).not.toHaveProperty('unpriced');
    expect(known.cases[0]).not.toHaveProperty('judgeUnpriced');
    expect(known.run.summary).toMatchObject({ unpricedCases: 0, judgeUnpricedCases: 0, costMicros: 2 });
  });
});

describe('runSuite: validation', () => {
  const { target } = countingTarget();

  it('rejects a malformed suite before calling anything', async () => {
    await expect(
      runSuite({ suite: { ...capitalSuite(), evaluators: [{ kind: 'nope' } as never] }, target }),
    ).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      details: { issues: [expect.objectContaining({ path: 'evaluators.0.kind' })] },
    });
  });

  it('rejects bad options with their paths', async () => {
    const error = await runSuite({
      suite: capitalSuite(),
      target: 'x' as never,
      concurrency: 0,
      confidence: 95,
      timeoutMs: -5,
    }).catch((e) => e);
    expect(error.details.issues.map((i: { path: string }) => i.path)).toEqual([
      'target',
      'concurrency',
      'confidence',
      'timeoutMs',
    ]);
  });

  it('requires a judge for llmJudge evaluators', async () => {
    await expect(
      runSuite({ suite: { ...capitalSuite(), evaluators: [{ kind: 'llmJudge' }] }, target }),
    ).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
  });
});
