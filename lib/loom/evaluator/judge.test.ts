import { describe, expect, it } from 'vitest';
import { LoomError, Prompt } from '../core';
import { createTemplateEngine } from '../template';
import { createFakeProvider } from '../testing/fake-provider';
import { createLLMJudge, DEFAULT_JUDGE_RUBRIC, JUDGE_PROMPT_DATA, parseJudgeOutput } from './index';

describe('parseJudgeOutput', () => {
  it.each([
    ['Score: 8/10', 0.8],
    ['SCORE: 0.8', 0.8],
    ['score: 7', 0.7],
    ['I would give this a score of 7 out of 10 because it is mostly right.', 0.7],
    ['The answer is fine overall; it deserves a score around 6 / 10.', 0.6],
    ['**Final score**: **9**/10', 0.9],
    ['Rating = 85%', 0.85],
    ['Score: 42 (out of 100 points)', 0.42],
    ['Reasoning first.\nI rate it 3 out of 5.', 0.6],
    ['**Score:** 7.5 / 10', 0.75],
    ['score: 10', 1],
  ])('reads %j as %d', (text, expected) => {
    expect(parseJudgeOutput(text).score).toBeCloseTo(expected, 10);
  });

  it('uses the last score line when the judge revises itself', () => {
    expect(parseJudgeOutput('Initial score: 4/10\nOn reflection...\nScore: 9/10').score).toBe(0.9);
  });

  it.each([
    ['PASS', true],
    ['fail', false],
    ['Verdict: pass', true],
    ['Verdict - FAIL', false],
    ['The reasoning is sound.\n**PASS**', true],
    ['Overall my verdict is: Fail.', false],
    ['This response is a clear PASS.', true],
    ['Result: Passed', true],
    ['Fail - the capital is wrong', false],
    ['**Verdict:** **PASS**', true],
  ])('reads the verdict in %j', (text, pass) => {
    const parsed = parseJudgeOutput(text);
    expect(parsed.pass).toBe(pass);
    expect(parsed.score).toBe(pass ? 1 : 0);
  });

  it('applies the threshold to a score', () => {
    expect(parseJudgeOutput('Score: 6/10').pass).toBe(false);
    expect(parseJudgeOutput('Score: 6/10', { threshold: 0.6 }).pass).toBe(true);
  });

  it('passes only when score and verdict agree', () => {
    expect(parseJudgeOutput('SCORE: 9/10\nVERDICT: FAIL').pass).toBe(false);
    expect(parseJudgeOutput('SCORE: 3/10\nVERDICT: PASS')).toMatchObject({ pass: false, score: 0.3 });
    expect(parseJudgeOutput('SCORE: 9/10\nVERDICT: PASS').pass).toBe(true);
  });

  it('extracts the reason line', () => {
    expect(parseJudgeOutput('SCORE: 9/10\nVERDICT: PASS\nREASON: Correct and concise.').reason).toBe(
      'Correct and concise.',
    );
  });

  it.each([
    'Looks good to me!',
    'The response might pass a casual reader.',
    'Score: 12/10',
    'Score: 250',
    'Score: 12/10\nPASS',
    'Pass the salt, please.',
    '',
  ])('treats %j as a judge error, never a pass', (text) => {
    expect(() => parseJudgeOutput(text)).toThrow(expect.objectContaining({ code: 'JUDGE_ERROR' }));
  });
});

function scriptedJudge(replies: string[]) {
  const provider = createFakeProvider({
    fallback: () => ({ reply: '' }),
    steps: replies.map((reply) => ({ reply, usage: { inputTokens: 100, outputTokens: 10 } })),
  });
  const executor = { provider, settings: { cost: () => 50, retry: { attempts: 1 } } };
  return { provider, executor };
}

const judgePrompt = Prompt.from(JUDGE_PROMPT_DATA, createTemplateEngine());

describe('createLLMJudge', () => {
  it('renders the default judge prompt with rubric, input, expected and actual, and parses the reply', async () => {
    const { provider, executor } = scriptedJudge(['SCORE: 8/10\nVERDICT: PASS\nREASON: good']);
    const judge = createLLMJudge({ executor, prompt: judgePrompt });

    const result = await judge.judge({
      input: { city: 'Paris' },
      expected: 'France',
      actual: 'It is in France.',
    });

    const user = provider.calls[0]?.messages.at(-1)?.content ?? '';
    expect(user).toContain(DEFAULT_JUDGE_RUBRIC);
    expect(user).toContain('"city": "Paris"');
    expect(user).toContain('Expected answer:\nFrance');
    expect(user).toContain('Response to judge:\nIt is in France.');
    expect(provider.calls[0]?.messages[0]?.content).toContain('SCORE:');
    expect(result).toMatchObject({ score: 0.8, pass: true, reason: 'good', scores: [0.8], stddev: 0 });
    expect(result.usage).toEqual({ inputTokens: 100, outputTokens: 10 });
    expect(result.costMicros).toBe(50);
  });

  it('reports the mean and spread of k samples and passes on a majority', async () => {
    const { provider, executor } = scriptedJudge(['Score: 6/10', 'Score: 8/10', 'Score: 10/10']);
    const judge = createLLMJudge({ executor, prompt: judgePrompt, samples: 3, rubric: 'be brief' });

    const result = await judge.judge({ input: {}, actual: 'x' });

    expect(provider.calls).toHaveLength(3);
    expect(provider.calls[0]?.messages.at(-1)?.content).toContain('Rubric:\nbe brief');
    expect(provider.calls[0]?.messages.at(-1)?.content).toContain('(none given)');
    expect(result.scores).toEqual([0.6, 0.8, 1]);
    expect(result.score).toBeCloseTo(0.8, 10);
    expect(result.stddev).toBeCloseTo(0.2, 10);
    expect(result.pass).toBe(true);
    expect(result.costMicros).toBe(150);
  });

  it('fails on a majority of failing samples', async () => {
    const { executor } = scriptedJudge(['PASS', 'FAIL', 'FAIL']);
    const judge = createLLMJudge({ executor, prompt: judgePrompt, samples: 3 });
    expect(await judge.judge({ input: {}, actual: 'x' })).toMatchObject({ pass: false, scores: [1, 0, 0] });
  });

  it('fails the whole judgement when one sample is unreadable', async () => {
    const { executor } = scriptedJudge(['Score: 9/10', 'I like it']);
    const judge = createLLMJudge({ executor, prompt: judgePrompt, samples: 2 });
    await expect(judge.judge({ input: {}, actual: 'x' })).rejects.toMatchObject({
      code: 'JUDGE_ERROR',
      details: {
        sample: 1,
        output: 'I like it',
        usage: { inputTokens: 200, outputTokens: 20 },
        costMicros: 100,
      },
    });
  });

  it('passes provider errors through', async () => {
    const provider = createFakeProvider({ steps: [{ error: new LoomError('AUTHENTICATION', 'bad key') }] });
    const judge = createLLMJudge({ executor: { provider }, prompt: judgePrompt });
    await expect(judge.judge({ input: {}, actual: 'x' })).rejects.toMatchObject({ code: 'AUTHENTICATION' });
  });

  it('rejects bad options', () => {
    expect(() => createLLMJudge({ executor: undefined as never, prompt: judgePrompt })).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT' }),
    );
    const { executor } = scriptedJudge(['PASS']);
    expect(() => createLLMJudge({ executor, prompt: 'text' as never })).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT' }),
    );
    expect(() => createLLMJudge({ executor, prompt: judgePrompt, samples: 0 })).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT' }),
    );
  });
});
