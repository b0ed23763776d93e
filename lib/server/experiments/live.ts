import 'server-only';
import type { PrismaClient } from '@/lib/generated/prisma/client';
import { parseExperiment, type Experiment } from '@/lib/loom/optimizer';
import type { KeyedCache } from '../shared-caches';

// Serving asks on every request with a unit id whether the prompt has a running experiment: the
// answer is remembered per process, like the prompt documents (api/prompt-cache.ts). With Redis
// the cache is one that invalidates on every instance (scale.ts), so a pause or stop reaches all
// of them at once.

/**
 * How long a prompt's running experiment (or its absence) is reused per process. A status change
 * drops the entry at once (forgetLiveExperiment) here, and with Redis on every instance; without
 * Redis, another instance sees it within this time.
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
export type LiveExperimentCache = KeyedCache<LiveEntry>;

export function createMemoryLiveExperimentCache(): LiveExperimentCache {
  const entries = new Map<string, LiveEntry>();
  return {
    get(key) {
      const entry = entries.get(key);
      return entry && entry.expiresAt > Date.now() ? entry : undefined;
    },
    set(key, entry) {
      if (entries.size >= MAX_LIVE_ENTRIES) entries.clear();
      entries.set(key, entry);
    },
    async invalidate(key) {
      entries.delete(key);
    },
  };
}

// On globalThis: Next loads server modules in more than one module graph.
const globalForLive = globalThis as unknown as {
  __loomLiveExperiments?: LiveExperimentCache;
  __loomLiveLoads?: Map<string, Promise<LiveExperiment | null>>;
};
const liveKey = (workspaceId: string, promptId: string) => `${workspaceId}\u0000${promptId}`;

function getLiveExperimentCache(): LiveExperimentCache {
  return (globalForLive.__loomLiveExperiments ??= createMemoryLiveExperimentCache());
}

/** Replaces the process's cache (one invalidated through Redis on every instance). */
export function setLiveExperimentCache(cache: LiveExperimentCache): void {
  globalForLive.__loomLiveExperiments = cache;
}

/** Drops the remembered live experiment of a prompt (its experiment started, paused, ended). */
export async function forgetLiveExperiment(workspaceId: string, promptId: string): Promise<void> {
  await getLiveExperimentCache().invalidate(liveKey(workspaceId, promptId));
}

/** Forgets every prompt's live experiment in this process (tests that change experiments behind the studio). */
export function forgetLiveExperiments(): void {
  globalForLive.__loomLiveExperiments = undefined;
}

/** The prompt's running experiment, from the per-process cache when fresh; misses share one query. */
export async function liveExperiment(db: PrismaClient, workspaceId: string, promptId: string) {
  const cache = getLiveExperimentCache();
  const key = liveKey(workspaceId, promptId);
  const hit = cache.get(key);
  if (hit) return hit.live;
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
        cache.set(key, { live, expiresAt: Date.now() + LIVE_EXPERIMENT_TTL_MS });
        return live;
      })
      .finally(() => loads.delete(key));
    loads.set(key, pending);
  }
  return pending;
}
