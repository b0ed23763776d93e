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
    expect(parseJudgeOutput(`${text}\nVERDICT: PASS`, { threshold: 0 }).score).toBeCloseTo(expected, 10);
  });

  it('uses the last score line when the judge revises itself', () => {
    expect(parseJudgeOutput('Initial score: 4/10\nOn reflection...\nScore: 9/10\nPASS').score).toBe(0.9);
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
    expect(parseJudgeOutput(`Score: ${pass ? 9 : 2}/10\n${text}`).pass).toBe(pass);
  });

  it('a FAIL verdict alone fails with score 0', () => {
    expect(parseJudgeOutput('VERDICT: FAIL')).toMatchObject({ pass: false, score: 0 });
  });

  it('a score alone below the threshold fails', () => {
    expect(parseJudgeOutput('Score: 3/10')).toMatchObject({ pass: false, score: 0.3 });
  });

  it('applies the threshold to a score', () => {
    expect(parseJudgeOutput('Score: 6/10\nPASS').pass).toBe(false);
    expect(parseJudgeOutput('Score: 6/10\nPASS', { threshold: 0.6 }).pass).toBe(true);
  });

  it('passes only when score and verdict agree', () => {
    expect(parseJudgeOutput('SCORE: 9/10\nVERDICT: FAIL')).toMatchObject({ pass: false, score: 0.9 });
    expect(parseJudgeOutput('SCORE: 3/10\nVERDICT: PASS')).toMatchObject({ pass: false, score: 0.3 });
    expect(parseJudgeOutput('SCORE: 9/10\nVERDICT: PASS').pass).toBe(true);
  });

  it('extracts the reason line', () => {
    expect(parseJudgeOutput('SCORE: 9/10\nVERDICT: PASS\nREASON: Correct and concise.').reason).toBe(
      'Correct and concise.',
    );
  });

  // Each class below once passed a reply that did not say it passed. Every row must be a JUDGE_ERROR
  // or the verdict the reply states (`pass: false`), never a pass.
  const neverPass: Array<[string, string, false | 'error']> = [
    // no readable signal at all
    ['nothing', 'Looks good to me!', 'error'],
    ['nothing', 'Pass the salt, please.', 'error'],
    ['nothing', '', 'error'],
    // impossible scores
    ['impossible score', 'Score: 12/10', 'error'],
    ['impossible score', 'Score: 250', 'error'],
    ['impossible score', 'Score: 12/10\nPASS', 'error'],
    ['impossible score', 'Score: -5/10\nPASS', 'error'],
    // a pass needs both a readable score and a verdict
    ['verdict without score', 'PASS', 'error'],
    ['verdict without score', 'VERDICT: PASS\nREASON: correct', 'error'],
    ['score without verdict', 'Score: 9/10', 'error'],
    // a score in words or otherwise unreadable next to a verdict word
    ['unreadable score', 'SCORE: eight out of ten\nVERDICT: PASS', 'error'],
    ['unreadable score', 'Score: eight out of 10\nVERDICT: PASS', 'error'],
    ['unreadable score', 'Score: N/A\nPASS', 'error'],
    ['unreadable score', '**Score:** high\n**Verdict:** PASS', 'error'],
    ['unreadable score', 'Score: nine\nVerdict: PASS\nREASON: 10/10 would read again', 'error'],
    ['unreadable score', 'I would give it a score of seven out of 10. PASS', 'error'],
    ['unreadable score', 'Score: eight out of ten\nVERDICT: FAIL', 'error'],
    // a verdict word inside a question or a hedge
    ['question', 'Score: 9/10\nPASS?', 'error'],
    ['question', 'Score: 9/10\nVerdict: PASS?', 'error'],
    ['question', 'Score: 9/10. Should this pass? I am unsure.', 'error'],
    ['question', 'Score: 9/10. Does it PASS? Hard to tell.', 'error'],
    ['hedge', 'Score: 9/10. It might pass.', 'error'],
    ['hedge', 'Score: 9/10. It might PASS.', 'error'],
    ['hedge', 'Score: 9/10. It would PASS if the date were right.', 'error'],
    ['hedge', 'Score: 9/10. This does not PASS.', 'error'],
    ['hedge', "Score: 9/10. It doesn't PASS.", 'error'],
    ['hedge', 'Score: 9/10\nVERDICT: PASS (probably)', 'error'],
    ['hedge', 'Score: 9/10\nVERDICT: PASS or FAIL', 'error'],
    ['hedge', 'SCORE: <integer 0-10>/10\nVERDICT: PASS/FAIL', false],
    // JSON whose pass/verdict field contradicts the score
    ['json', '{"score": 9, "pass": false}', false],
    ['json', '{"score": 0.9, "verdict": "FAIL", "reason": "wrong city"}', false],
    ['json', '```json\n{"score": 9, "passed": false}\n```', false],
    ['json', 'My evaluation: {"score": 9, "verdict": "PASS", "pass": false}', 'error'],
    ['json', '{"score": "high", "pass": true}', 'error'],
    ['json', '{"score": 9, "pass": "maybe"}', 'error'],
    ['json', '{"score": 9}', 'error'],
    ['json', '{"score": 9, "verdict": "PASS", "pass": false,}', 'error'],
    ['json', '{"score": 9, "pass": false,}', false],
    // two opposite verdict lines, in either order
    ['opposite verdicts', 'Score: 9/10\nVERDICT: PASS\nVERDICT: FAIL', 'error'],
    ['opposite verdicts', 'Score: 9/10\nVERDICT: FAIL\nVERDICT: PASS', 'error'],
    ['opposite verdicts', 'Score: 9/10\nFAIL\nOn reflection:\nPASS', 'error'],
  ];

  it.each(neverPass)('%s: %j is never a pass', (_class, text, outcome) => {
    if (outcome === 'error') {
      expect(() => parseJudgeOutput(text)).toThrow(expect.objectContaining({ code: 'JUDGE_ERROR' }));
    } else {
      expect(parseJudgeOutput(text).pass).toBe(false);
    }
  });

  it.each([
    ['{"score": 9, "pass": true, "reason": "right"}', 0.9, 'right'],
    ['{"Score": "8/10", "Verdict": "PASS"}', 0.8, undefined],
    ['```json\n{"rating": 4, "max_score": 5, "passed": true}\n```', 0.8, undefined],
    ['Here it is: {"score": 0.75, "verdict": "pass"}', 0.75, undefined],
  ])('reads the JSON reply %j', (text, score, reason) => {
    const parsed = parseJudgeOutput(text);
    expect(parsed).toMatchObject({ pass: true, score });
    if (reason) expect(parsed.reason).toBe(reason);
  });

  it('still reads a clear verdict beside a question about something else', () => {
    expect(parseJudgeOutput('Is Paris the capital? Yes.\nSCORE: 9/10\nVERDICT: PASS').pass).toBe(true);
    expect(parseJudgeOutput('SCORE: 0.9\nPASS\nREASON: close enough')).toMatchObject({
      pass: true,
      score: 0.9,
    });
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
    const { provider, executor } = scriptedJudge([
      'Score: 6/10\nFAIL',
      'Score: 8/10\nPASS',
      'Score: 10/10\nPASS',
    ]);
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
    const { executor } = scriptedJudge(['Score: 9/10\nPASS', 'FAIL', 'FAIL']);
    const judge = createLLMJudge({ executor, prompt: judgePrompt, samples: 3 });
    expect(await judge.judge({ input: {}, actual: 'x' })).toMatchObject({ pass: false, scores: [0.9, 0, 0] });
  });

  it('fails the whole judgement when one sample is unreadable', async () => {
    const { executor } = scriptedJudge(['Score: 9/10\nPASS', 'I like it']);
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
