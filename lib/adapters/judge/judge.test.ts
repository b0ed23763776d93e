import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Prompt } from '@/lib/loom/core';
import { createLLMJudge, createMemoryRunStore, JUDGE_PROMPT_DATA, runSuite } from '@/lib/loom/evaluator';
import { createTemplateEngine } from '@/lib/loom/template';
import { type FakeLlmServer, startFakeLlmServer } from '../fake-llm';
import { createOpenAIProvider } from '../openai';

// The LLM judge end to end: loom's judge prompt rendered by the template engine, sent by the
// executor through the real OpenAI SDK to the loopback fake server, and its free-text reply parsed.
describe('LLM judge through the OpenAI adapter', () => {
  let server: FakeLlmServer;
  const engine = createTemplateEngine();
  const judgePrompt = Prompt.from(JUDGE_PROMPT_DATA, engine);
  const capitalPrompt = Prompt.from(
    {
      id: 'capital',
      version: 1,
      name: 'Capital',
      user: 'What is the capital of {{ country }}? Answer with the city only.',
      variables: [{ name: 'country', type: 'string', required: true }],
      model: { provider: 'openai', model: 'gpt-4o-mini', temperature: 0 },
    },
    engine,
  );

  beforeAll(async () => {
    server = await startFakeLlmServer();
  });
  afterAll(async () => {
    await server.close();
  });

  const provider = () => createOpenAIProvider({ apiKey: 'sk-test', baseURL: `${server.url}/v1` });

  it('scores a suite: the judge passes, fails and cannot be read, and spend is totalled', async () => {
    server.setScript({
      rules: [
        // Judge requests carry the rubric and the response under judgement; match them first.
        { content: /Rubric:[\s\S]*Response to judge:\nParis/, judge: { score: 0.9, reason: 'correct' } },
        { content: /Rubric:[\s\S]*Response to judge:\nSydney/, judge: { score: 0.1, reason: 'wrong city' } },
        { content: /Rubric:[\s\S]*Response to judge:\nBern/, reply: 'Honestly, it is hard to say.' },
        { content: 'capital of France', reply: 'Paris' },
        { content: 'capital of Australia', reply: 'Sydney' },
        { content: 'capital of Switzerland', reply: 'Bern' },
      ],
    });
    const judge = createLLMJudge({
      executor: { provider: provider(), settings: { retry: { attempts: 1 } } },
      prompt: judgePrompt,
    });

    const { run, cases } = await runSuite({
      suite: {
        id: 'capitals',
        name: 'Capitals',
        cases: [
          { id: 'fr', input: { country: 'France' }, expected: 'Paris' },
          { id: 'au', input: { country: 'Australia' }, expected: 'Canberra' },
          { id: 'ch', input: { country: 'Switzerland' }, expected: 'Bern' },
        ],
        evaluators: [{ kind: 'llmJudge', threshold: 0.7 }],
      },
      target: {
        prompt: capitalPrompt,
        executor: { provider: provider(), settings: { retry: { attempts: 1 } } },
      },
      judge,
      store: createMemoryRunStore(),
      concurrency: 2,
    });

    expect(cases.map((c) => [c.caseId, c.output, c.pass, c.score, c.error?.code])).toEqual([
      ['fr', 'Paris', true, 0.9, undefined],
      ['au', 'Sydney', false, 0.1, undefined],
      ['ch', 'Bern', false, 0, 'JUDGE_ERROR'],
    ]);
    expect(cases[0]?.evaluations[0]?.reason).toBe('correct');
    expect(run.summary).toMatchObject({ total: 3, passed: 1, errored: 1 });
    expect(run.summary.usage.outputTokens).toBe(3);
    expect(run.summary.judgeUsage.inputTokens).toBeGreaterThan(0);

    const judgeCall = server.requests.find((r) =>
      JSON.stringify(r.body).includes('Response to judge:\\nParis'),
    );
    expect(judgeCall?.path).toBe('/v1/chat/completions');
    expect(JSON.stringify(judgeCall?.body)).toContain('\\"country\\": \\"France\\"');
  });

  it('reports the mean and spread of several judge samples', async () => {
    server.setScript({
      rules: [
        { content: 'Rubric:', judge: { score: 0.6 }, times: 1 },
        { content: 'Rubric:', judge: { score: 0.8 }, times: 1 },
        { content: 'Rubric:', judge: { score: 1 }, times: 1 },
      ],
    });
    const judge = createLLMJudge({ executor: { provider: provider() }, prompt: judgePrompt, samples: 3 });

    const judgement = await judge.judge({ input: { q: 'x' }, actual: 'an answer' });

    expect([...judgement.scores].sort()).toEqual([0.6, 0.8, 1]);
    expect(judgement.score).toBeCloseTo(0.8, 10);
    expect(judgement.stddev).toBeCloseTo(0.2, 10);
    expect(judgement.pass).toBe(true);
  });
});
