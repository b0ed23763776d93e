import 'server-only';
import type { Broadcast } from '@/lib/adapters/redis/broadcast';
import { createInvalidationTopic } from '@/lib/adapters/redis/invalidation';

// Per-process caches made coherent across instances: reads and writes stay in this process's
// memory; an invalidation drops the entry here and, through Redis pub/sub, on every instance.
//
// One race matters: a load that started before an invalidation and finishes after it would put
// the old value back for a whole TTL. So a miss remembers the invalidation count it saw, and a
// write whose miss predates a later invalidation of that entry is not kept (the next read loads
// again).

/** The shape of the runtime API's prompt-document cache: entries grouped per (workspace, prompt). */
export interface GroupedCache<V> {
  get(workspaceId: string, promptId: string, selector: string): V | undefined;
  set(workspaceId: string, promptId: string, selector: string, value: V): void;
  invalidate(workspaceId: string, promptId: string): Promise<void>;
}

/** The shape of the API-key verification cache: one entry per key hash. */
export interface KeyedCache<V> {
  get(key: string): V | undefined;
  set(key: string, value: V): void;
  invalidate(key: string): Promise<void>;
}

/** Bounds the bookkeeping of misses waiting for their load; old ones are simply forgotten. */
const MAX_PENDING_MISSES = 10_000;

/** Remembers, per entry, the invalidation count at its last miss. */
function missLedger() {
  let invalidations = 0;
  const lastInvalidated = new Map<string, number>();
  const missedAt = new Map<string, number>();
  return {
    invalidated(group: string) {
      invalidations += 1;
      lastInvalidated.set(group, invalidations);
      if (lastInvalidated.size > MAX_PENDING_MISSES) lastInvalidated.clear();
    },
    invalidatedAll() {
      invalidations += 1;
      missedAt.clear();
      lastInvalidated.clear();
    },
    missed(entry: string) {
      if (missedAt.size >= MAX_PENDING_MISSES) missedAt.clear();
      missedAt.set(entry, invalidations);
    },
    /** Whether a value loaded after the entry's last miss may be kept. */
    mayKeep(group: string, entry: string): boolean {
      const seen = missedAt.get(entry);
      missedAt.delete(entry);
      if (seen === undefined) return true;
      return (lastInvalidated.get(group) ?? 0) <= seen;
    },
  };
}

export function createSharedGroupedCache<V>(
  makeLocal: () => GroupedCache<V>,
  broadcast: Broadcast,
  topic: string,
): GroupedCache<V> {
  let local = makeLocal();
  const ledger = missLedger();
  const group = (workspaceId: string, promptId: string) => `${workspaceId}\u0000${promptId}`;
  const shared = createInvalidationTopic<[string, string]>(broadcast, topic, {
    drop(workspaceId, promptId) {
      ledger.invalidated(group(workspaceId, promptId));
      void local.invalidate(workspaceId, promptId);
    },
    dropAll() {
      ledger.invalidatedAll();
      local = makeLocal();
    },
  });
  return {
    get(workspaceId, promptId, selector) {
      const value = local.get(workspaceId, promptId, selector);
      if (value === undefined) {
        const g = group(workspaceId, promptId);
        ledger.missed(`${g}\u0000${selector}`);
      }
      return value;
    },
    set(workspaceId, promptId, selector, value) {
      const g = group(workspaceId, promptId);
      if (ledger.mayKeep(g, `${g}\u0000${selector}`)) local.set(workspaceId, promptId, selector, value);
    },
    invalidate: (workspaceId, promptId) => shared.invalidate(workspaceId, promptId),
  };
}

export function createSharedKeyedCache<V>(
  makeLocal: () => KeyedCache<V>,
  broadcast: Broadcast,
  topic: string,
): KeyedCache<V> {
  let local = makeLocal();
  const ledger = missLedger();
  const shared = createInvalidationTopic<[string]>(broadcast, topic, {
    drop(key) {
      ledger.invalidated(key);
      void local.invalidate(key);
    },
    dropAll() {
      ledger.invalidatedAll();
      local = makeLocal();
    },
  });
  return {
    get(key) {
      const value = local.get(key);
      if (value === undefined) ledger.missed(key);
      return value;
    },
    set(key, value) {
      if (ledger.mayKeep(key, key)) local.set(key, value);
    },
    invalidate: (key) => shared.invalidate(key),
  };
}
