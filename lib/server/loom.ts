import 'server-only';
import { createPrismaAnalyticsStore, type PrismaAnalyticsStore } from '@/lib/adapters/prisma/analytics';
import { createPrismaRegistry } from '@/lib/adapters/prisma/registry';
import { createPrismaRunStore } from '@/lib/adapters/prisma/suite-runs';
import type { PrismaClient } from '@/lib/generated/prisma/client';
import type { RunStore } from '@/lib/loom/evaluator';
import type { PromptRegistry } from '@/lib/loom/registry';
import { createTemplateEngine, type TemplateEngine } from '@/lib/loom/template';
import type { Viewer } from './auth/session';
import { getPrisma } from './db';
import { productionGateGuard, type GateOverride } from './suites/gate';
import { warmUpTemplateEngine } from './template-budget';

// The composition root: loom's packages wired with this deployment's adapters. Nothing else in
// the app constructs a registry, run store, engine or provider.

const globalForLoom = globalThis as unknown as { __loomTemplateEngine?: TemplateEngine };

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
 */
export function createStudioRegistry(
  db: PrismaClient,
  workspaceId: string,
  options: { gateOverride?: GateOverride } = {},
): PromptRegistry {
  return createPrismaRegistry(db, workspaceId, {
    beforeLabelMove: productionGateGuard(options.gateOverride),
  });
}

/** The prompt registry of the viewer's workspace; every query it makes is scoped to it. */
export async function getRegistry(viewer: Pick<Viewer, 'workspaceId'>): Promise<PromptRegistry> {
  return createStudioRegistry(await getPrisma(), viewer.workspaceId);
}

/** Where a workspace's evaluation runs keep their case results, so an interrupted run resumes. */
export function createSuiteRunStore(db: PrismaClient, workspaceId: string): RunStore {
  return createPrismaRunStore(db, workspaceId);
}

/**
 * The analytics store of one workspace, for reads (dashboards). Records are written through the
 * batching recorder in lib/server/runs.ts; rollups run as the job queue's periodic task.
 */
export function createStudioAnalyticsStore(db: PrismaClient, workspaceId: string): PrismaAnalyticsStore {
  return createPrismaAnalyticsStore(db, workspaceId);
}
