import { describe, expect, it } from 'vitest';
import { costOf, estimate } from './estimate';
import { createPricing, DEFAULT_PRICING } from './pricing';

describe('pricing', () => {
  it('knows the listed models in micro-dollars per million tokens', () => {
    expect(DEFAULT_PRICING.find('gpt-4o')).toEqual({
      input: 2_500_000,
      output: 10_000_000,
      cachedInput: 1_250_000,
    });
    expect(DEFAULT_PRICING.find('gpt-4o-mini')).toEqual({
      input: 150_000,
      output: 600_000,
      cachedInput: 75_000,
    });
    for (const model of [
      'gpt-4.1',
      'gpt-4.1-mini',
      'gpt-4.1-nano',
      'o3',
      'o4-mini',
      'gpt-5',
      'gpt-5-mini',
      'gpt-5-nano',
      'gpt-3.5-turbo',
    ]) {
      expect(DEFAULT_PRICING.find(model)?.input).toBeGreaterThan(0);
    }
    expect(DEFAULT_PRICING.find('llama3.1')).toEqual({ input: 0, output: 0, cachedInput: 0 });
  });

  it('resolves dated snapshots and Ollama tags by the longest known name', () => {
    expect(DEFAULT_PRICING.find('gpt-4o-2024-08-06')).toBe(DEFAULT_PRICING.find('gpt-4o'));
    expect(DEFAULT_PRICING.find('gpt-4o-mini-2024-07-18')).toBe(DEFAULT_PRICING.find('gpt-4o-mini'));
    expect(DEFAULT_PRICING.find('gpt-3.5-turbo-0125')).toBe(DEFAULT_PRICING.find('gpt-3.5-turbo'));
    expect(DEFAULT_PRICING.find('llama3.1:8b')).toBe(DEFAULT_PRICING.find('llama3.1'));
    expect(DEFAULT_PRICING.find(' GPT-4O ')).toBe(DEFAULT_PRICING.find('gpt-4o'));
  });

  it('does not guess: other models sharing a prefix are unknown', () => {
    for (const model of ['gpt-5-pro', 'gpt-4o-audio-preview', 'o3-pro', 'claude-3-opus', 'gpt-4o-x']) {
      expect(DEFAULT_PRICING.find(model)).toBeUndefined();
    }
    expect(() => DEFAULT_PRICING.get('gpt-5-pro')).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
  });

  it('accepts overrides and new models without touching the defaults', () => {
    const pricing = createPricing({
      'gpt-4o': { input: 1, output: 2, cachedInput: 1 },
      'my-model': { input: 5, output: 5, cachedInput: 5 },
    });
    expect(pricing.find('gpt-4o-2024-11-20')).toEqual({ input: 1, output: 2, cachedInput: 1 });
    expect(pricing.find('my-model')?.input).toBe(5);
    expect(DEFAULT_PRICING.find('gpt-4o')?.input).toBe(2_500_000);
    expect(pricing.list().map(([model]) => model)).toContain('my-model');
  });

  it('rejects prices that are not non-negative integers', () => {
    expect(() => createPricing({ x: { input: 0.5, output: -1, cachedInput: 0 } })).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT' }),
    );
  });
});

describe('costOf', () => {
  it('bills input, cached input and output at their rates in integer micro-dollars', () => {
    // 1000 * 2.5 + 1000 * 10 = 12,500 micro-dollars for gpt-4o
    expect(costOf('gpt-4o', { inputTokens: 1000, outputTokens: 1000 })).toBe(12_500);
    // 600 uncached * 2.5 + 400 cached * 1.25 = 1,500 + 500
    expect(costOf('gpt-4o', { inputTokens: 1000, outputTokens: 0, cachedInputTokens: 400 })).toBe(2_000);
  });

  it('rounds half up once per call', () => {
    // 3 tokens * 0.15 micro-dollars = 0.45 -> 0; 10 tokens = 1.5 -> 2
    expect(costOf('gpt-4o-mini', { inputTokens: 3, outputTokens: 0 })).toBe(0);
    expect(costOf('gpt-4o-mini', { inputTokens: 10, outputTokens: 0 })).toBe(2);
    expect(costOf('gpt-4o-mini', { inputTokens: 1, outputTokens: 1 })).toBe(1); // 0.75
  });

  it('stays exact for very large token counts', () => {
    expect(costOf('gpt-4o', { inputTokens: 4_000_000_000, outputTokens: 4_000_000_000 })).toBe(
      50_000_000_000,
    );
  });

  it('equals exact BigInt arithmetic on both sides of the double-precision limit', () => {
    const price = { input: 2_500_000, output: 10_000_000, cachedInput: 1_250_000 };
    const pricing = createPricing({ m: price });
    const exact = (input: number, output: number, cached: number) =>
      Number(
        (BigInt(input - cached) * BigInt(price.input) +
          BigInt(cached) * BigInt(price.cachedInput) +
          BigInt(output) * BigInt(price.output) +
          500_000n) /
          1_000_000n,
      );
    let seed = 7;
    const next = (max: number) => {
      seed = (seed * 48_271) % 2_147_483_647;
      return Math.floor((seed / 2_147_483_647) * max);
    };
    for (const max of [1_000, 1_000_000, 900_000_000, 2 ** 40]) {
      for (let i = 0; i < 500; i++) {
        const input = next(max);
        const cached = next(input + 1);
        const output = next(max);
        const usage = { inputTokens: input, outputTokens: output, cachedInputTokens: cached };
        expect(costOf('m', usage, pricing)).toBe(exact(input, output, cached));
      }
    }
  });

  it('reports unknown prices as undefined, while local models cost 0', () => {
    expect(costOf('mystery-model', { inputTokens: 10, outputTokens: 10 })).toBeUndefined();
    expect(costOf('llama3.2:3b', { inputTokens: 10_000, outputTokens: 10_000 })).toBe(0);
  });

  it('uses the given pricing', () => {
    const pricing = createPricing({
      'mystery-model': { input: 1_000_000, output: 2_000_000, cachedInput: 0 },
    });
    expect(costOf('mystery-model', { inputTokens: 10, outputTokens: 10 }, pricing)).toBe(30);
  });

  it('rejects impossible usage', () => {
    expect(() => costOf('gpt-4o', { inputTokens: -1, outputTokens: 0 })).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT' }),
    );
    expect(() => costOf('gpt-4o', { inputTokens: 1, outputTokens: 0, cachedInputTokens: 2 })).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT' }),
    );
  });
});

describe('estimate', () => {
  const messages = [{ role: 'user' as const, content: 'Summarise this ticket in one line.' }];

  it('counts exact input tokens and budgets the full output for OpenAI models', async () => {
    const result = await estimate({ model: 'gpt-4o-mini', messages, maxOutputTokens: 500 });
    expect(result.isExact).toBe(true);
    expect(result.outputTokens).toBe(500);
    expect(result.costMicros).toBe(
      costOf('gpt-4o-mini', { inputTokens: result.inputTokens, outputTokens: 500 }),
    );
  });

  it('marks heuristic counts and unknown prices', async () => {
    const local = await estimate({ model: 'llama3.1', messages });
    expect(local).toMatchObject({ isExact: false, outputTokens: 0, costMicros: 0 });
    expect((await estimate({ model: 'unknown-llm', messages })).costMicros).toBeUndefined();
  });

  it('rejects a negative output budget', async () => {
    await expect(estimate({ model: 'gpt-4o', messages, maxOutputTokens: -5 })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
  });
});
