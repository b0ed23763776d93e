import 'server-only';
import type { PrismaClient } from '@/lib/generated/prisma/client';
import { parseExperiment, type Experiment } from '@/lib/loom/optimizer';

// Serving asks on every request with a unit id whether the prompt has a running experiment: the
// answer is remembered per process, like the prompt documents (api/prompt-cache.ts).

/**
 * How long a prompt's running experiment (or its absence) is reused per process. A status change
 * in this process drops the entry at once (forgetLiveExperiment); another instance sees it within
 * this time, so a paused or stopped experiment may serve variants there for up to a second.
 */
export const LIVE_EXPERIMENT_TTL_MS = 1_000;
/** Bounds memory: prompts whose live experiment is remembered per process. */
const MAX_LIVE_ENTRIES = 5_000;

interface LiveExperiment {
  experiment: Experiment;
  trafficShare: number;
}
interface LiveEntry {
  live: LiveExperiment | null;
  expiresAt: number;
}

// On globalThis: Next loads server modules in more than one module graph.
const globalForLive = globalThis as unknown as {
  __loomLiveExperiments?: Map<string, LiveEntry>;
  __loomLiveLoads?: Map<string, Promise<LiveExperiment | null>>;
};
const liveKey = (workspaceId: string, promptId: string) => `${workspaceId}\u0000${promptId}`;

/** Drops the remembered live experiment of a prompt (its experiment started, paused, ended). */
export function forgetLiveExperiment(workspaceId: string, promptId: string): void {
  globalForLive.__loomLiveExperiments?.delete(liveKey(workspaceId, promptId));
}

/** Forgets every prompt's live experiment (tests that change experiments behind the studio). */
export function forgetLiveExperiments(): void {
  globalForLive.__loomLiveExperiments?.clear();
}

/** The prompt's running experiment, from the per-process cache when fresh; misses share one query. */
export async function liveExperiment(db: PrismaClient, workspaceId: string, promptId: string) {
  const entries = (globalForLive.__loomLiveExperiments ??= new Map());
  const key = liveKey(workspaceId, promptId);
  const hit = entries.get(key);
  if (hit && hit.expiresAt > Date.now()) return hit.live;
  const loads = (globalForLive.__loomLiveLoads ??= new Map());
  let pending = loads.get(key);
  if (!pending) {
    pending = db.experimentDefinition
      .findFirst({
        where: { workspaceId, promptId, status: 'running' },
        select: { definition: true, trafficShare: true },
      })
      .then((row) => {
        const live = row
          ? { experiment: parseExperiment(row.definition), trafficShare: row.trafficShare }
          : null;
        if (entries.size >= MAX_LIVE_ENTRIES) entries.clear();
        entries.set(key, { live, expiresAt: Date.now() + LIVE_EXPERIMENT_TTL_MS });
        return live;
      })
      .finally(() => loads.delete(key));
    loads.set(key, pending);
  }
  return pending;
}
