import { z } from 'zod';
import { issuesFromZod, LoomError, type Message, type MicroDollars, type Usage } from '../core';
import { DEFAULT_PRICING, type Pricing } from './pricing';
import { countWith, tokenCounterFor } from './tokens';

const usageSchema = z
  .object({
    inputTokens: z.number().int().nonnegative(),
    outputTokens: z.number().int().nonnegative(),
    cachedInputTokens: z.number().int().nonnegative().optional(),
  })
  .refine((usage) => (usage.cachedInputTokens ?? 0) <= usage.inputTokens, {
    message: 'cachedInputTokens cannot exceed inputTokens',
    path: ['cachedInputTokens'],
  });

const isCount = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;

/** Validates usage; the common valid case is checked by hand (this runs on every call), zod explains failures. */
function parseUsage(usage: Usage): Usage {
  const cached = usage?.cachedInputTokens;
  if (
    isCount(usage?.inputTokens) &&
    isCount(usage.outputTokens) &&
    (cached === undefined || (isCount(cached) && cached <= usage.inputTokens))
  ) {
    return usage;
  }
  const parsed = usageSchema.safeParse(usage);
  if (parsed.success) return parsed.data;
  const issues = issuesFromZod(parsed.error, 'usage');
  throw new LoomError('INVALID_INPUT', `Invalid usage: ${issues.map((i) => i.message).join('; ')}`, {
    issues,
  });
}

const MILLION = 1_000_000;

/**
 * Cost of one call in integer micro-dollars, rounded half up; undefined when the model's price is
 * unknown (never a silent 0). `inputTokens` includes cached ones, as providers report it: cached
 * tokens are billed at the cached rate and the rest at the input rate. Integer arithmetic stays
 * exact: in doubles while the sum is a safe integer (every term is then exact too: none is
 * negative), in BigInt beyond.
 */
export function costOf(
  model: string,
  usage: Usage,
  pricing: Pricing = DEFAULT_PRICING,
): MicroDollars | undefined {
  const { inputTokens, outputTokens, cachedInputTokens = 0 } = parseUsage(usage);
  const price = pricing.find(model);
  if (price === undefined) return undefined;
  const halfUp =
    (inputTokens - cachedInputTokens) * price.input +
    cachedInputTokens * price.cachedInput +
    outputTokens * price.output +
    MILLION / 2;
  if (Number.isSafeInteger(halfUp)) return (halfUp - (halfUp % MILLION)) / MILLION;
  const scaled =
    BigInt(inputTokens - cachedInputTokens) * BigInt(price.input) +
    BigInt(cachedInputTokens) * BigInt(price.cachedInput) +
    BigInt(outputTokens) * BigInt(price.output);
  const million = BigInt(MILLION);
  return Number((scaled + million / 2n) / million);
}

export interface EstimateRequest {
  model: string;
  messages: readonly Message[];
  /** Output tokens to budget for; the estimate assumes the reply uses all of them (default 0). */
  maxOutputTokens?: number;
  pricing?: Pricing;
}

export interface Estimate {
  inputTokens: number;
  outputTokens: number;
  /** Undefined when the model's price is unknown. */
  costMicros: MicroDollars | undefined;
  /** True when input tokens are exact BPE counts, false when the heuristic was used. */
  isExact: boolean;
}

/** What a request will cost before sending it: exact input tokens where possible, output at its cap. */
export async function estimate(request: EstimateRequest): Promise<Estimate> {
  const { maxOutputTokens = 0 } = request;
  if (!Number.isInteger(maxOutputTokens) || maxOutputTokens < 0) {
    throw new LoomError('INVALID_INPUT', 'maxOutputTokens must be a non-negative integer', {
      issues: [{ path: 'maxOutputTokens', message: 'must be a non-negative integer' }],
    });
  }
  const counter = await tokenCounterFor(request.model);
  const inputTokens = countWith(counter, request.messages);
  const costMicros = costOf(request.model, { inputTokens, outputTokens: maxOutputTokens }, request.pricing);
  return { inputTokens, outputTokens: maxOutputTokens, costMicros, isExact: counter.isExact };
}
