import { describe, expect, it } from 'vitest';
import { encode as encodeCl100k } from 'gpt-tokenizer/encoding/cl100k_base';
import { encode as encodeO200k } from 'gpt-tokenizer/encoding/o200k_base';
import { countMessageTokens, countTokens, encodingFor, heuristicTokenCount } from './tokens';

const PROSE =
  'The quick brown fox jumps over the lazy dog. Customer support replies should be short, kind and factual; ' +
  'never promise refunds you cannot confirm, and escalate to a human colleague when you are unsure.';
const CODE =
  'function add(a: number, b: number): number {\n  return a + b; // sum\n}\nconsole.log(add(2, 3));';

describe('countTokens', () => {
  it('picks o200k_base for the gpt-4o, gpt-4.1, o-series and gpt-5 families, cl100k_base for gpt-4 and gpt-3.5', () => {
    for (const model of [
      'gpt-4o',
      'gpt-4o-mini-2024-07-18',
      'gpt-4.1-nano',
      'o1',
      'o3-mini',
      'o4-mini',
      'gpt-5',
      'GPT-5-mini',
    ]) {
      expect(encodingFor(model)).toBe('o200k_base');
    }
    for (const model of ['gpt-4', 'gpt-4-turbo', 'gpt-3.5-turbo-0125'])
      expect(encodingFor(model)).toBe('cl100k_base');
    for (const model of ['llama3.1:8b', 'mistral', 'claude-3-5-sonnet'])
      expect(encodingFor(model)).toBeUndefined();
  });

  it('gives exact BPE counts for OpenAI models', async () => {
    expect(await countTokens('gpt-4o', PROSE)).toBe(encodeO200k(PROSE).length);
    expect(await countTokens('gpt-3.5-turbo', PROSE)).toBe(encodeCl100k(PROSE).length);
    expect(await countTokens('gpt-4o', 'hello world')).toBe(2);
    expect(await countTokens('gpt-4o', '')).toBe(0);
  });

  it('counts special-token text in user content as plain text instead of failing', async () => {
    expect(await countTokens('gpt-4o', 'a <|endoftext|> b')).toBeGreaterThan(3);
  });

  it('counts a 200,000-character word in linear time, within a token per 400-character slice', async () => {
    // BPE is quadratic in the length of one run: this used to block the server for minutes.
    const slice = await countTokens('gpt-4o', 'x'.repeat(400));
    const started = performance.now();
    const count = await countTokens('gpt-4o', 'x'.repeat(200_000));
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(count).toBe(500 * slice);
  });

  it('uses the heuristic for other models', async () => {
    expect(await countTokens('llama3.1', PROSE)).toBe(heuristicTokenCount(PROSE));
  });

  it('rejects a missing model or non-string text', async () => {
    await expect(countTokens('', 'x')).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(countTokens('gpt-4o', 42 as unknown as string)).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
  });
});

describe('heuristicTokenCount', () => {
  it('is the rounded-up mean of chars/4 and words*1.3', () => {
    expect(heuristicTokenCount('')).toBe(0);
    expect(heuristicTokenCount('a')).toBe(1); // (0.25 + 1.3) / 2 = 0.775
    expect(heuristicTokenCount('hello brave new world')).toBe(Math.ceil((21 / 4 + 4 * 1.3) / 2));
  });

  it.each([
    ['prose', PROSE],
    ['code', CODE],
    ['a long paragraph', PROSE.repeat(20)],
  ])('stays within 0.7x-1.4x of real BPE counts on %s', (_label, text) => {
    const exact = encodeO200k(text).length;
    const ratio = heuristicTokenCount(text) / exact;
    expect(ratio).toBeGreaterThanOrEqual(0.7);
    expect(ratio).toBeLessThanOrEqual(1.4);
  });
});

describe('countMessageTokens', () => {
  it('adds 3 tokens per message plus the role, and 3 for reply priming, as OpenAI documents', async () => {
    const messages = [
      { role: 'system' as const, content: 'You are helpful.' },
      { role: 'user' as const, content: 'Hi there' },
    ];
    const content = encodeO200k('You are helpful.').length + encodeO200k('Hi there').length;
    expect(await countMessageTokens('gpt-4o', messages)).toBe(content + 2 * (3 + 1) + 3);
    expect(await countMessageTokens('gpt-4o', [])).toBe(3);
  });

  it('rejects malformed messages', async () => {
    await expect(countMessageTokens('gpt-4o', [{ role: 'user' } as never])).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
  });
});
