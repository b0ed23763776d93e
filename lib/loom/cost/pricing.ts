import { z } from 'zod';
import { LoomError } from '../core';
import { issuesFromZod } from '../core';

/** Prices per million tokens, in integer micro-dollars ($2.50 per million = 2_500_000). */
export const modelPriceSchema = z.object({
  input: z.number().int().nonnegative(),
  output: z.number().int().nonnegative(),
  /** Price of input tokens served from the provider's prompt cache. */
  cachedInput: z.number().int().nonnegative(),
});
export type ModelPrice = z.infer<typeof modelPriceSchema>;

const usd = (input: number, output: number, cachedInput = input): ModelPrice => ({
  input: Math.round(input * 1_000_000),
  output: Math.round(output * 1_000_000),
  cachedInput: Math.round(cachedInput * 1_000_000),
});
const FREE = usd(0, 0);

/** OpenAI list prices (USD per 1M tokens: input, output, cached input); local Ollama models cost 0. */
export const DEFAULT_PRICES: Readonly<Record<string, ModelPrice>> = Object.freeze({
  'gpt-4o': usd(2.5, 10, 1.25),
  'gpt-4o-mini': usd(0.15, 0.6, 0.075),
  'gpt-4.1': usd(2, 8, 0.5),
  'gpt-4.1-mini': usd(0.4, 1.6, 0.1),
  'gpt-4.1-nano': usd(0.1, 0.4, 0.025),
  o3: usd(2, 8, 0.5),
  'o3-mini': usd(1.1, 4.4, 0.55),
  'o4-mini': usd(1.1, 4.4, 0.275),
  'gpt-5': usd(1.25, 10, 0.125),
  'gpt-5-mini': usd(0.25, 2, 0.025),
  'gpt-5-nano': usd(0.05, 0.4, 0.005),
  'gpt-3.5-turbo': usd(0.5, 1.5),
  llama3: FREE,
  'llama3.1': FREE,
  'llama3.2': FREE,
  'llama3.3': FREE,
  mistral: FREE,
  'mistral-nemo': FREE,
  gemma2: FREE,
  gemma3: FREE,
  'qwen2.5': FREE,
  qwen3: FREE,
  phi3: FREE,
  phi4: FREE,
  'deepseek-r1': FREE,
  'gpt-oss': FREE,
});

/**
 * What may follow a known name for the price to carry over: a dated snapshot (`-2024-08-06`,
 * `-0613`) or an Ollama tag (`:8b`). Anything else (`gpt-5-pro`) is a different, unknown model:
 * an unknown price is reported as unknown, never guessed.
 */
const SNAPSHOT_SUFFIX = /^(-\d{4}(-\d{2}-\d{2})?|:[\w.-]+)$/;

export interface Pricing {
  /** The price of a model by exact name or by known name plus snapshot/tag suffix; undefined if unknown. */
  find(model: string): ModelPrice | undefined;
  /** Like find, but throws NOT_FOUND for an unknown model. */
  get(model: string): ModelPrice;
  /** Every known model and its price, sorted by name. */
  list(): [string, ModelPrice][];
}

const normalize = (model: string): string => model.trim().toLowerCase();

/** A pricing table: the defaults (or `base`) with `overrides` added or replaced by exact name. */
export function createPricing(
  overrides: Record<string, ModelPrice> = {},
  base: Readonly<Record<string, ModelPrice>> = DEFAULT_PRICES,
): Pricing {
  const parsed = z.record(z.string().trim().min(1), modelPriceSchema).safeParse(overrides);
  if (!parsed.success) {
    const issues = issuesFromZod(parsed.error, 'overrides');
    throw new LoomError(
      'INVALID_INPUT',
      `Invalid price overrides: ${issues.map((i) => i.message).join('; ')}`,
      { issues },
    );
  }
  const table = new Map<string, ModelPrice>();
  for (const [model, price] of [...Object.entries(base), ...Object.entries(parsed.data)]) {
    table.set(normalize(model), Object.freeze({ ...price }));
  }
  // Longest names first, so gpt-4o-mini-2024-07-18 resolves to gpt-4o-mini, not gpt-4o.
  const byLength = [...table.keys()].sort((a, b) => b.length - a.length);

  const find = (model: string): ModelPrice | undefined => {
    const name = normalize(model);
    const exact = table.get(name);
    if (exact !== undefined) return exact;
    const known = byLength.find(
      (candidate) => name.startsWith(candidate) && SNAPSHOT_SUFFIX.test(name.slice(candidate.length)),
    );
    return known === undefined ? undefined : table.get(known);
  };

  return {
    find,
    get(model) {
      const price = find(model);
      if (price === undefined)
        throw new LoomError('NOT_FOUND', `No price known for model "${model}"`, { model });
      return price;
    },
    list: () => [...table].sort(([a], [b]) => a.localeCompare(b)),
  };
}

export const DEFAULT_PRICING: Pricing = createPricing();
