/** Token usage of one LLM call, as reported by the provider (or estimated when it reports none). */
export interface Usage {
  inputTokens: number;
  outputTokens: number;
  /** Input tokens served from the provider's prompt cache, billed at the cached rate. */
  cachedInputTokens?: number;
}

/** Money is integer micro-dollars (1 USD = 1,000,000) so sums never drift. */
export type MicroDollars = number;

export const ZERO_USAGE: Usage = Object.freeze({ inputTokens: 0, outputTokens: 0 });
