import 'server-only';
import { createPrismaRegistry } from '@/lib/adapters/prisma/registry';
import type { PromptRegistry } from '@/lib/loom/registry';
import { createTemplateEngine, type TemplateEngine } from '@/lib/loom/template';
import type { Viewer } from './auth/session';
import { getPrisma } from './db';
import { warmUpTemplateEngine } from './template-budget';

// The composition root: loom's packages wired with this deployment's adapters. Nothing else in
// the app constructs a registry, engine or provider.

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

/** The prompt registry of the viewer's workspace; every query it makes is scoped to it. */
export async function getRegistry(viewer: Pick<Viewer, 'workspaceId'>): Promise<PromptRegistry> {
  return createPrismaRegistry(await getPrisma(), viewer.workspaceId);
}
