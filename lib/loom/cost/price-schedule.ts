import { z } from 'zod';
import { issuesFromZod, LoomError, type MicroDollars, type Usage } from '../core';
import { costOf } from './estimate';
import { createPricing, DEFAULT_PRICING, type Pricing } from './pricing';

/**
 * Highest price per million tokens a workspace may set, in micro-dollars ($5,000): ten times the
 * dearest list price today, so a typo of a few zeros is refused instead of inflating every chart.
 */
export const MAX_PRICE_PER_MILLION_MICROS = 5_000 * 1_000_000;

const pricePerMillion = z
  .number({ error: 'must be a number' })
  .int('must be a whole number of micro-dollars')
  .nonnegative('cannot be negative')
  .max(MAX_PRICE_PER_MILLION_MICROS, 'is over $5,000 per million tokens: check the number of zeros');

/** A workspace's price of a model from `effectiveFrom` on, per million tokens in micro-dollars. */
export const scheduledPriceSchema = z.object({
  provider: z.string().trim().min(1, 'is required').max(100),
  model: z.string().trim().min(1, 'is required').max(200),
  inputPerMillion: pricePerMillion,
  outputPerMillion: pricePerMillion,
  effectiveFrom: z.date(),
});
export type ScheduledPrice = z.infer<typeof scheduledPriceSchema>;

export interface PriceSchedule {
  /**
   * The cost of a call of `model` through `provider` made at `at`: the workspace's price in effect
   * then (the latest with effectiveFrom ≤ at), else the built-in table's; undefined when neither
   * knows the model (unpriced, never 0).
   */
  costAt(provider: string, model: string, usage: Usage, at: Date): MicroDollars | undefined;
  /** The workspace price in effect at `at`, if any. */
  find(provider: string, model: string, at: Date): ScheduledPrice | undefined;
}

const keyOf = (provider: string, model: string) =>
  `${provider.trim().toLowerCase()}\u0000${model.trim().toLowerCase()}`;

/**
 * Workspace prices over the built-in table. A price applies to calls made from its date on, so a
 * new price never rewrites the cost of calls already recorded. Matching is by provider and exact
 * model name (case-insensitive); dated snapshots of a model need their own row.
 */
export function createPriceSchedule(
  entries: readonly ScheduledPrice[],
  base: Pricing = DEFAULT_PRICING,
): PriceSchedule {
  const parsed = z.array(scheduledPriceSchema).safeParse(entries);
  if (!parsed.success) {
    const issues = issuesFromZod(parsed.error, 'prices');
    throw new LoomError('INVALID_INPUT', `Invalid prices: ${issues.map((i) => i.message).join('; ')}`, {
      issues,
    });
  }
  const byKey = new Map<string, { entry: ScheduledPrice; pricing: Pricing }[]>();
  for (const entry of parsed.data) {
    const list = byKey.get(keyOf(entry.provider, entry.model)) ?? [];
    const price = {
      input: entry.inputPerMillion,
      output: entry.outputPerMillion,
      cachedInput: entry.inputPerMillion,
    };
    list.push({ entry, pricing: createPricing({ [entry.model]: price }, {}) });
    byKey.set(keyOf(entry.provider, entry.model), list);
  }
  // Latest first, so the first one not after the call is the one in effect.
  for (const list of byKey.values())
    list.sort((a, b) => b.entry.effectiveFrom.getTime() - a.entry.effectiveFrom.getTime());

  const inEffect = (provider: string, model: string, at: Date) =>
    byKey.get(keyOf(provider, model))?.find(({ entry }) => entry.effectiveFrom.getTime() <= at.getTime());

  return {
    costAt(provider, model, usage, at) {
      const scheduled = inEffect(provider, model, at);
      return scheduled ? costOf(scheduled.entry.model, usage, scheduled.pricing) : costOf(model, usage, base);
    },
    find: (provider, model, at) => inEffect(provider, model, at)?.entry,
  };
}
