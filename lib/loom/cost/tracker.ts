import { z } from 'zod';
import { issuesFromZod, LoomError, type MicroDollars, type Usage } from '../core';

const recordSchema = z.object({
  promptId: z.string().min(1),
  version: z.number().int().nonnegative(),
  model: z.string().min(1),
  usage: z.object({
    inputTokens: z.number().int().nonnegative(),
    outputTokens: z.number().int().nonnegative(),
    cachedInputTokens: z.number().int().nonnegative().optional(),
  }),
  /** Undefined when the price was unknown: counted as unpriced, never as free. */
  costMicros: z.number().int().nonnegative().optional(),
});

export interface UsageRecord {
  promptId: string;
  version: number;
  model: string;
  usage: Usage;
  costMicros?: MicroDollars;
}

export interface UsageTotals {
  calls: number;
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens: number;
  /** Sum over priced calls only. */
  costMicros: MicroDollars;
  /** Calls whose cost was unknown; when > 0, costMicros is a lower bound. */
  unpricedCalls: number;
}

export type TrackerDimension = 'prompt' | 'version' | 'model';

export interface Tracker {
  record(entry: UsageRecord): void;
  totals(): UsageTotals;
  /** Totals per prompt id, per `promptId@version`, or per model; keys sorted. */
  by(dimension: TrackerDimension): Map<string, UsageTotals>;
}

const emptyTotals = (): UsageTotals => ({
  calls: 0,
  inputTokens: 0,
  outputTokens: 0,
  cachedInputTokens: 0,
  costMicros: 0,
  unpricedCalls: 0,
});

function add(totals: UsageTotals, entry: UsageRecord): void {
  totals.calls += 1;
  totals.inputTokens += entry.usage.inputTokens;
  totals.outputTokens += entry.usage.outputTokens;
  totals.cachedInputTokens += entry.usage.cachedInputTokens ?? 0;
  if (entry.costMicros === undefined) totals.unpricedCalls += 1;
  else totals.costMicros += entry.costMicros;
}

const DIMENSIONS: readonly TrackerDimension[] = ['prompt', 'version', 'model'];

const KEYS: Record<TrackerDimension, (entry: UsageRecord) => string> = {
  prompt: (entry) => entry.promptId,
  version: (entry) => `${entry.promptId}@${entry.version}`,
  model: (entry) => entry.model,
};

/** An in-memory usage and cost tracker keeping running integer sums (memory grows with keys, not calls). */
export function createTracker(): Tracker {
  const overall = emptyTotals();
  const groups: Record<TrackerDimension, Map<string, UsageTotals>> = {
    prompt: new Map(),
    version: new Map(),
    model: new Map(),
  };
  return {
    record(entry) {
      const parsed = recordSchema.safeParse(entry);
      if (!parsed.success) {
        const issues = issuesFromZod(parsed.error);
        throw new LoomError(
          'INVALID_INPUT',
          `Invalid usage record: ${issues.map((i) => i.message).join('; ')}`,
          { issues },
        );
      }
      add(overall, parsed.data);
      for (const dimension of DIMENSIONS) {
        const key = KEYS[dimension](parsed.data);
        const totals = groups[dimension].get(key) ?? emptyTotals();
        add(totals, parsed.data);
        groups[dimension].set(key, totals);
      }
    },
    totals: () => ({ ...overall }),
    by(dimension) {
      if (!DIMENSIONS.includes(dimension)) {
        throw new LoomError('INVALID_INPUT', `Unknown dimension "${String(dimension)}"`, {
          issues: [{ path: 'dimension', message: `must be one of: ${DIMENSIONS.join(', ')}` }],
        });
      }
      const sorted = [...groups[dimension]].sort(([a], [b]) => a.localeCompare(b));
      return new Map(sorted.map(([key, totals]) => [key, { ...totals }]));
    },
  };
}
