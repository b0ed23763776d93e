import { z } from 'zod';
import { LoomError, promptIdSchema, type LoomIssue } from '../core';

/** One LLM call as the executor saw it. Money is integer micro-dollars so sums never drift. */
export const analyticsRecordSchema = z.object({
  promptId: promptIdSchema,
  version: z.number().int().nonnegative(),
  model: z.string().min(1).max(200),
  provider: z.string().min(1).max(100),
  latencyMs: z.number().nonnegative(),
  inputTokens: z.number().int().nonnegative(),
  outputTokens: z.number().int().nonnegative(),
  /** Null when the model has no known price: an unpriced call is counted apart, never as free. */
  costMicros: z.number().int().nonnegative().nullable(),
  success: z.boolean(),
  /** A LoomError code such as TIMEOUT when the call failed. */
  errorKind: z.string().min(1).max(100).optional(),
  experimentId: z.string().min(1).max(200).optional(),
  variant: z.string().min(1).max(100).optional(),
  /** Who made the call (playground, api, suite, judge, ...): product cost is told apart from evaluation cost. */
  source: z.string().min(1).max(40).default('playground'),
  /** The runtime API key that made the call. */
  apiKeyId: z.string().min(1).max(200).optional(),
  at: z.date(),
});
export type AnalyticsRecord = z.input<typeof analyticsRecordSchema>;
/** A record as stored: its defaults applied. */
export type StoredAnalyticsRecord = z.infer<typeof analyticsRecordSchema>;

function issuesOf(error: z.ZodError, prefix: string): LoomIssue[] {
  return error.issues.map((issue) => ({
    path: [prefix, ...issue.path.map(String)].filter((part) => part !== '').join('.'),
    message: issue.message,
  }));
}

/** Validates one record; INVALID_INPUT names each bad field. */
export function parseAnalyticsRecord(input: unknown): AnalyticsRecord {
  const parsed = analyticsRecordSchema.safeParse(input);
  if (!parsed.success)
    throw new LoomError('INVALID_INPUT', 'Invalid run record', { issues: issuesOf(parsed.error, '') });
  return parsed.data;
}

/** Validates a whole batch before anything is stored, so a bad record never half-writes a batch. */
export function parseAnalyticsRecords(input: unknown): AnalyticsRecord[] {
  const parsed = z.array(analyticsRecordSchema).safeParse(input);
  if (!parsed.success) {
    throw new LoomError('INVALID_INPUT', 'Invalid run records', {
      issues: issuesOf(parsed.error, 'records'),
    });
  }
  return parsed.data;
}
