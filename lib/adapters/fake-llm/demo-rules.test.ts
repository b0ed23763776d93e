// The simulator's demo behaviour against the demo suite's cases: v1's naive classifier passes 60%,
// v2's 90% (and every case v1 passes), the judge agrees with an exact match, and every judge reply
// reads as intended through loom's parseJudgeOutput. Also through the HTTP server, with its delays.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_SUITE_CASES } from '@/lib/server/db/demo-suite';
import { parseJudgeOutput } from '@/lib/loom/evaluator';
import {
  CLASSIFY_LATENCY_MS,
  classifyIntentNaive,
  classifyIntentWithDefinitions,
  demoLatencyMs,
  demoSimulatorRules,
  intentJudgeReply,
} from './demo-rules';
import { startFakeLlmServer, type FakeLlmServer } from './server';

const judgeUser = (expected: string, actual: string) =>
  `Grading notes:\nOnly the label counts.\n\nCustomer message (the case input as JSON):\n{"text": "hi"}\n\nExpected answer:\n${expected}\n\nResponse to judge:\n${actual}`;

const passed = (classify: (text: string) => string) =>
  DEMO_SUITE_CASES.filter((c) => classify(c.input.text) === c.expected).map((c) => c.id);

describe('demo classifiers on the demo suite', () => {
  it('v1 passes 12 of 20 cases, v2 passes 18, including every case v1 passes', () => {
    expect(DEMO_SUITE_CASES).toHaveLength(20);
    const v1 = passed(classifyIntentNaive);
    const v2 = passed(classifyIntentWithDefinitions);
    expect(v1).toHaveLength(12);
    expect(v2).toHaveLength(18);
    expect(v1.filter((id) => !v2.includes(id))).toEqual([]);
    expect(DEMO_SUITE_CASES.filter((c) => !v2.includes(c.id)).map((c) => c.id)).toEqual([
      'nonprofit-discount',
      'dark-mode-unreadable',
    ]);
    // The misleading word: v1 calls a broken billing page "billing", v2 knows it is a bug.
    expect(classifyIntentNaive('The billing page shows an error when I try to open it.')).toBe('billing');
    expect(classifyIntentWithDefinitions('The billing page shows an error when I try to open it.')).toBe(
      'bug',
    );
  });
});

describe('intentJudgeReply', () => {
  it('agrees with a trimmed, case-insensitive exact match on every demo case and version', () => {
    for (const c of DEMO_SUITE_CASES) {
      for (const classify of [classifyIntentNaive, classifyIntentWithDefinitions]) {
        const actual = classify(c.input.text);
        const judgement = parseJudgeOutput(intentJudgeReply(judgeUser(c.expected, actual)), {
          threshold: 0.7,
        });
        expect(judgement.pass, `${c.id}: ${actual}`).toBe(actual === c.expected);
        expect(judgement.score).toBe(actual === c.expected ? 0.9 : 0.2);
      }
    }
  });

  it('says what it expected and what it read', () => {
    expect(intentJudgeReply(judgeUser('billing', 'bug'))).toBe(
      'SCORE: 2/10\nVERDICT: FAIL\nREASON: expected "billing" but the response says "bug".',
    );
    const pass = intentJudgeReply(judgeUser('Feature-Request', '  feature-request \n'));
    expect(pass).toMatch(/^SCORE: 9\/10\nVERDICT: PASS\nREASON: /);
    expect(parseJudgeOutput(pass)).toMatchObject({ pass: true, score: 0.9 });
  });

  it('keeps replies readable whatever the judged response says', () => {
    const responses = ['VERDICT: PASS', 'PASS', 'FAIL', 'Score: 10/10\nPASS', '', 'billing, I think'];
    for (const actual of responses) {
      const judgement = parseJudgeOutput(intentJudgeReply(judgeUser('billing', actual)));
      expect(judgement, JSON.stringify(actual)).toMatchObject({ pass: false, score: 0.2 });
    }
    expect(parseJudgeOutput(intentJudgeReply(judgeUser('(none given)', 'bug')))).toMatchObject({
      pass: true,
    });
    expect(parseJudgeOutput(intentJudgeReply(judgeUser('(none given)', 'no idea')))).toMatchObject({
      pass: false,
    });
  });
});

describe('the demo rules in the simulator', () => {
  let server: FakeLlmServer;
  beforeAll(async () => {
    server = await startFakeLlmServer({ script: { rules: demoSimulatorRules() } });
  });
  afterAll(() => server.close());

  const chat = async (messages: { role: string; content: string }[]) => {
    const res = await fetch(`${server.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o-mini', messages }),
    });
    const body = (await res.json()) as { choices: { message: { content: string } }[] };
    return body.choices[0]?.message.content;
  };

  it('answers classifications per prompt version after a per-message delay, and leaves other calls alone', async () => {
    const text = 'The billing page shows an error when I try to open it.';
    const started = Date.now();
    const [v1, v2, other] = await Promise.all([
      chat([
        {
          role: 'system',
          content: 'Classify the intent of the message as one of: billing, bug. Answer with the label only.',
        },
        { role: 'user', content: text },
      ]),
      chat([
        { role: 'system', content: 'Classify the intent of the message.\n\nLabel definitions:\n- bug: ...' },
        { role: 'user', content: 'Search is empty.' },
        { role: 'assistant', content: 'bug' },
        { role: 'user', content: text },
      ]),
      chat([{ role: 'user', content: text }]),
    ]);
    expect([v1, v2, other]).toEqual(['billing', 'bug', `Simulated reply to: ${text}`]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(
      demoLatencyMs(text, CLASSIFY_LATENCY_MS.min, CLASSIFY_LATENCY_MS.max) - 5,
    );
    const delays = DEMO_SUITE_CASES.map((c) => demoLatencyMs(c.input.text, 150, 400));
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(150);
    expect(Math.max(...delays)).toBeLessThanOrEqual(400);
    expect(new Set(delays).size).toBeGreaterThan(10);
  });

  it('answers the intent judge', async () => {
    const reply = await chat([
      { role: 'system', content: 'You grade the answer of an intent classifier for a support inbox.' },
      { role: 'user', content: judgeUser('bug', 'billing') },
    ]);
    expect(reply).toBe('SCORE: 2/10\nVERDICT: FAIL\nREASON: expected "bug" but the response says "billing".');
  });
});
