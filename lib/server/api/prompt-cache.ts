import 'server-only';
import type { PromptData } from '@/lib/loom/core';

// The runtime API's hot path is a prompt fetched by label: the resolved document is kept per
// process for PROMPT_CACHE_TTL_MS, so most fetches touch no database. A label move or a new
// version in this process clears the prompt's entries at once (lib/server/loom.ts wraps the
// registry); other processes see it within the TTL, or at once through a shared implementation
// (Redis pub/sub) of `invalidate`.

/** How stale a served prompt may be on another instance after a label moves. */
export const PROMPT_CACHE_TTL_MS = 1_000;
/** Bounds memory: distinct (workspace, prompt, label or version) entries kept per process. */
const MAX_ENTRIES = 5_000;

/** A prompt as the API serves it: the document, the labels on its version, its JSON and ETag. */
export interface ServedPrompt {
  data: PromptData;
  labels: string[];
  /** The response body of GET /api/v1/prompts/{id}, serialised once. */
  json: string;
  etag: string;
}

export interface PromptDocumentCache {
  /** `selector` is `label:<name>` or `version:<n>`. */
  get(workspaceId: string, promptId: string, selector: string): ServedPrompt | undefined;
  set(workspaceId: string, promptId: string, selector: string, value: ServedPrompt): void;
  /** Forgets every entry of one prompt (a label moved, a version was saved); may tell other processes. */
  invalidate(workspaceId: string, promptId: string): Promise<void>;
}

interface Entry {
  value: ServedPrompt;
  expiresAt: number;
}

export function createMemoryPromptDocumentCache(ttlMs: number = PROMPT_CACHE_TTL_MS): PromptDocumentCache {
  // Entries grouped by prompt so an invalidation drops one group, not a scan of everything.
  const groups = new Map<string, Map<string, Entry>>();
  let size = 0;
  const groupKey = (workspaceId: string, promptId: string) => `${workspaceId}\u0000${promptId}`;
  return {
    get(workspaceId, promptId, selector) {
      const group = groups.get(groupKey(workspaceId, promptId));
      const entry = group?.get(selector);
      if (!group || !entry) return undefined;
      if (entry.expiresAt > Date.now()) return entry.value;
      group.delete(selector);
      size -= 1;
      return undefined;
    },
    set(workspaceId, promptId, selector, value) {
      if (size >= MAX_ENTRIES) {
        groups.clear();
        size = 0;
      }
      const key = groupKey(workspaceId, promptId);
      let group = groups.get(key);
      if (!group) groups.set(key, (group = new Map()));
      if (!group.has(selector)) size += 1;
      group.set(selector, { value, expiresAt: Date.now() + ttlMs });
    },
    async invalidate(workspaceId, promptId) {
      const key = groupKey(workspaceId, promptId);
      size -= groups.get(key)?.size ?? 0;
      groups.delete(key);
    },
  };
}

const globalForPrompts = globalThis as unknown as { __loomPromptDocumentCache?: PromptDocumentCache };

export function getPromptDocumentCache(): PromptDocumentCache {
  return (globalForPrompts.__loomPromptDocumentCache ??= createMemoryPromptDocumentCache());
}

/** Replaces the process's cache (a shared-invalidation implementation, or a fresh one in tests). */
export function setPromptDocumentCache(cache: PromptDocumentCache): void {
  globalForPrompts.__loomPromptDocumentCache = cache;
}
