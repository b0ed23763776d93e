import 'server-only';
import path from 'node:path';
import { createFileBlobStore } from '@/lib/adapters/file-blob';
import { createPrismaAnalyticsStore, type PrismaAnalyticsStore } from '@/lib/adapters/prisma/analytics';
import { createPrismaRegistry } from '@/lib/adapters/prisma/registry';
import { createPrismaRunStore } from '@/lib/adapters/prisma/suite-runs';
import { createS3BlobStore, createS3Client } from '@/lib/adapters/s3';
import type { PrismaClient } from '@/lib/generated/prisma/client';
import type { BlobStore } from '@/lib/loom/blob';
import type { ExecutorSettings } from '@/lib/loom/chain';
import { blobKeySegment, offloadLargeOutputs, type RunStore } from '@/lib/loom/evaluator';
import type { PromptRegistry } from '@/lib/loom/registry';
import { createTemplateEngine, type TemplateEngine } from '@/lib/loom/template';
import { getPromptDocumentCache } from './api/prompt-cache';
import { costFnFor, getStudioPriceSchedule } from './analytics/prices';
import { getRunRecorder, type RunContext } from './analytics/recorder';
import type { Viewer } from './auth/session';
import { getPrisma } from './db';
import { logger } from './logger';
import { getEnv } from './env';
import { productionGateGuard, type GateOverride } from './suites/gate';
import { warmUpTemplateEngine } from './template-budget';
import { emitLabelMoved, emitLabelRemoved, emitVersionCreated } from './webhooks/events';
import { flushWebhookBatch, type WebhookBatch } from './webhooks/nudge';

// The composition root: loom's packages wired with this deployment's adapters. Nothing else in
// the app constructs a registry, run store, engine or provider.

const globalForLoom = globalThis as unknown as {
  __loomTemplateEngine?: TemplateEngine;
  __loomBlobStore?: BlobStore;
};

/** One engine per process, so its parsed-template cache is shared by every request. */
export function getTemplateEngine(): TemplateEngine {
  if (globalForLoom.__loomTemplateEngine === undefined) {
    const engine = createTemplateEngine();
    warmUpTemplateEngine(engine);
    globalForLoom.__loomTemplateEngine = engine;
  }
  return globalForLoom.__loomTemplateEngine;
}

/**
 * The studio's registry of one workspace: every query is scoped to it, and every move of the
 * `production` label passes the prompt's release gate inside the move's transaction (the one choke
 * point: whatever path moves production goes through here). Only an admin's override, passed by
 * `moveLabel`, lets a failing version through.
 *
 * Every save, label move and label removal also writes its webhook event (`version.created`,
 * `label.moved`, `label.removed`) to the outbox in its own transaction, so the editor, imports,
 * promotions and experiments all emit.
 * Delivery is nudged once the change committed: after the call returns, or, when the registry
 * runs inside the caller's transaction (`webhooks`, see inRegistryTransaction), by the caller
 * after its commit.
 */
export function createStudioRegistry(
  db: PrismaClient,
  workspaceId: string,
  options: { gateOverride?: GateOverride; webhooks?: WebhookBatch } = {},
): PromptRegistry {
  const batch = options.webhooks ?? { queued: 0 };
  const registry = createPrismaRegistry(db, workspaceId, {
    beforeLabelMove: productionGateGuard(options.gateOverride),
    afterSave: async (tx, saved) => void (batch.queued += await emitVersionCreated(tx, saved)),
    afterLabelMove: async (tx, move) => void (batch.queued += await emitLabelMoved(tx, move)),
    afterLabelRemove: async (tx, removal) => void (batch.queued += await emitLabelRemoved(tx, removal)),
  });
  // Inside the caller's transaction (inRegistryTransaction): it flushes the webhooks and drops the
  // served prompts after its commit; dropping them earlier would let a reader cache the old version.
  if (options.webhooks) return registry;
  const committed = <T>(result: T) => {
    flushWebhookBatch(batch);
    return result;
  };
  const rolledBack = (error: unknown): never => {
    batch.queued = 0;
    throw error;
  };
  return servedPromptsFollow(
    {
      ...registry,
      save: (...args) => registry.save(...args).then(committed, rolledBack),
      setLabel: (...args) => registry.setLabel(...args).then(committed, rolledBack),
      removeLabel: (...args) => registry.removeLabel(...args).then(committed, rolledBack),
    },
    workspaceId,
  );
}

/**
 * The runtime API serves prompts from a short-lived per-process cache (its invalidations reach
 * every instance through Redis when REDIS_URL is set): a label move or a new version made through
 * this registry drops the prompt's entries once it is committed.
 */
function servedPromptsFollow(registry: PromptRegistry, workspaceId: string): PromptRegistry {
  const changed = <T>(promptId: string, result: T): Promise<T> =>
    invalidateServedPrompts(workspaceId, [promptId]).then(() => result);
  return {
    ...registry,
    save: async (input, options) => {
      const saved = await registry.save(input, options);
      return changed(saved.id, saved);
    },
    setLabel: async (id, label, version, options) =>
      changed(id, await registry.setLabel(id, label, version, options)),
    removeLabel: async (id, label, options) => changed(id, await registry.removeLabel(id, label, options)),
  };
}

/** Drops the served documents of these prompts, here and (with Redis) on every instance. */
export async function invalidateServedPrompts(
  workspaceId: string,
  promptIds: Iterable<string>,
): Promise<void> {
  const cache = getPromptDocumentCache();
  for (const id of new Set(promptIds)) await cache.invalidate(workspaceId, id);
}

/** Notes the prompts a registry changes, so a caller can drop their served documents after its commit. */
export function trackChangedPrompts(registry: PromptRegistry, changed: Set<string>): PromptRegistry {
  return {
    ...registry,
    save: async (input, options) => {
      const saved = await registry.save(input, options);
      changed.add(saved.id);
      return saved;
    },
    setLabel: async (id, ...rest) => {
      const move = await registry.setLabel(id, ...rest);
      changed.add(id);
      return move;
    },
    removeLabel: async (id, ...rest) => {
      const removal = await registry.removeLabel(id, ...rest);
      changed.add(id);
      return removal;
    },
  };
}

/** The prompt registry of the viewer's workspace; every query it makes is scoped to it. */
export async function getRegistry(viewer: Pick<Viewer, 'workspaceId'>): Promise<PromptRegistry> {
  return createStudioRegistry(await getPrisma(), viewer.workspaceId);
}

/**
 * Where a workspace's evaluation runs keep their case results, so an interrupted run resumes.
 * Outputs above LOOM_RUN_OUTPUT_INLINE_BYTES go to the blob store under `run-outputs/<workspace>/`;
 * their rows keep a preview (read whole outputs with lib/server/suites/case-output.ts).
 */
export function createSuiteRunStore(db: PrismaClient, workspaceId: string): RunStore {
  return offloadLargeOutputs(createPrismaRunStore(db, workspaceId), getBlobStore(), {
    thresholdBytes: getEnv().LOOM_RUN_OUTPUT_INLINE_BYTES,
    keyPrefix: `run-outputs/${blobKeySegment(workspaceId)}/`,
  });
}

/**
 * The analytics store of one workspace, for reads (dashboards). Records are written through the
 * batching recorder (lib/server/analytics/recorder.ts); rollups run as the 'analytics-rollup' job.
 */
export function createStudioAnalyticsStore(db: PrismaClient, workspaceId: string): PrismaAnalyticsStore {
  return createPrismaAnalyticsStore(db, workspaceId);
}

/**
 * The executor settings of every LLM call the studio makes (playground, runtime API, suite runs,
 * judges, experiments): priced with the workspace's prices at the moment of the call, and recorded
 * as an analytics run tagged with `context` (its source, and the API key of an API call).
 */
export async function getCallSettings(
  workspaceId: string,
  providerName: string,
  context: RunContext,
): Promise<Pick<ExecutorSettings, 'cost' | 'onRecord' | 'onError'>> {
  const db = await getPrisma();
  const [schedule, recorder] = await Promise.all([
    getStudioPriceSchedule(db, workspaceId),
    getRunRecorder(workspaceId),
  ]);
  return {
    cost: costFnFor(schedule, providerName),
    onRecord: (record) => recorder.record(record, context),
    onError: (error) => logger.error({ error, workspaceId, source: context.source }, 'run record rejected'),
  };
}

/**
 * Where large files (suite exports, large run outputs) live: the S3 bucket when S3_BUCKET is set (what several
 * instances share), else files under LOOM_DATA_DIR/blobs. One store per process.
 */
export function getBlobStore(): BlobStore {
  if (globalForLoom.__loomBlobStore === undefined) {
    const env = getEnv();
    globalForLoom.__loomBlobStore = env.S3_BUCKET
      ? createS3BlobStore({
          client: createS3Client({
            region: env.S3_REGION,
            ...(env.S3_URL ? { endpoint: env.S3_URL } : {}),
            ...(env.S3_ACCESS_KEY_ID && env.S3_SECRET_ACCESS_KEY
              ? { accessKeyId: env.S3_ACCESS_KEY_ID, secretAccessKey: env.S3_SECRET_ACCESS_KEY }
              : {}),
            forcePathStyle: env.S3_FORCE_PATH_STYLE ?? env.S3_URL !== undefined,
          }),
          bucket: env.S3_BUCKET,
          keyPrefix: env.S3_KEY_PREFIX,
        })
      : createFileBlobStore({ root: path.resolve(env.LOOM_DATA_DIR, 'blobs') });
  }
  return globalForLoom.__loomBlobStore;
}
