import 'server-only';
import { createPrismaAnalyticsStore } from '@/lib/adapters/prisma/analytics';
import {
  createBatchingRecorder,
  type AnalyticsRecord,
  type AnalyticsStore,
  type BatchingRecorder,
} from '@/lib/loom/analytics';
import type { CallRecord } from '@/lib/loom/executor';
import { getPrisma } from '../db';
import { logger } from '../logger';
import { onShutdown } from '../shutdown';

// Every LLM call the studio makes is recorded as an analytics run, tagged with who made it, in
// batches that never make the caller wait for the database. The composition root
// (lib/server/loom.ts getCallSettings) hands these hooks to every executor it configures.

/** Records reach the analytics store within this long of the call; the response never waits. */
const RECORD_FLUSH_MS = 1_000;

/** Where a call came from: dashboards split cost by it, and evaluation cost is kept apart from product cost. */
export const RUN_SOURCES = ['playground', 'api', 'suite', 'judge', 'experiment'] as const;
export type RunSource = (typeof RUN_SOURCES)[number];

/** What the executor does not know about a call: who made it. */
export interface RunContext {
  source: RunSource;
  /** The runtime API key that made the call. */
  apiKeyId?: string;
}

/** The analytics store's shape of an executor record. An unknown price is stored as null (unpriced), never as 0. */
export function toAnalyticsRecord(record: CallRecord, context: RunContext): AnalyticsRecord {
  return {
    source: context.source,
    ...(context.apiKeyId ? { apiKeyId: context.apiKeyId } : {}),
    promptId: record.promptId,
    version: record.version,
    model: record.model,
    provider: record.provider,
    latencyMs: record.latencyMs,
    inputTokens: record.inputTokens,
    outputTokens: record.outputTokens,
    costMicros: record.costMicros ?? null,
    success: record.success,
    at: record.at,
    ...(record.errorKind ? { errorKind: record.errorKind } : {}),
    ...(record.experimentId ? { experimentId: record.experimentId } : {}),
    ...(record.variant ? { variant: record.variant } : {}),
  };
}

export interface RunRecorder {
  /** The executor's onRecord hook: queues the record and returns at once. */
  record(record: CallRecord, context: RunContext): void;
  /** Waits until everything queued is stored (tests). */
  flush(): Promise<void>;
  /** Writes what is left, reports what cannot be written, refuses further records (shutdown). */
  close(): Promise<void>;
}

export function createRunRecorder(store: AnalyticsStore, options: { flushMs?: number } = {}): RunRecorder {
  const batching: BatchingRecorder = createBatchingRecorder(store, {
    flushMs: options.flushMs ?? RECORD_FLUSH_MS,
    onError: (error, records) =>
      logger.error({ error, records: records.length }, 'run records were not stored'),
  });
  return {
    record: (record, context) => batching.record(toAnalyticsRecord(record, context)),
    flush: () => batching.flush(),
    close: () => batching.close(),
  };
}

const globalForRuns = globalThis as unknown as { __loomRunRecorders?: Map<string, Promise<RunRecorder>> };

async function openRunRecorder(workspaceId: string): Promise<RunRecorder> {
  const recorder = createRunRecorder(createPrismaAnalyticsStore(await getPrisma(), workspaceId));
  onShutdown(`analytics of workspace ${workspaceId}`, recorder.close);
  return recorder;
}

/**
 * One batching recorder per workspace and process, so concurrent runs share batches. The map holds
 * the promise, set before anything is awaited: concurrent first callers (a suite run's target and
 * judges) share one recorder, so flushing it flushes all of their records.
 */
export function getRunRecorder(workspaceId: string): Promise<RunRecorder> {
  const recorders = (globalForRuns.__loomRunRecorders ??= new Map());
  let recorder = recorders.get(workspaceId);
  if (!recorder) {
    recorder = openRunRecorder(workspaceId);
    recorders.set(workspaceId, recorder);
    recorder.catch(() => recorders.delete(workspaceId));
  }
  return recorder;
}
