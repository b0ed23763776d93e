import 'server-only';
import { createHash } from 'node:crypto';
import type { CompletionCacheStore, SharedCompletion } from '@/lib/loom/middleware';
import type { RedisLink } from './link';

/** Answers larger than this are not shared (they stay in the instance's own cache). */
const MAX_SHARED_BYTES = 256 * 1024;

/**
 * loom's shared response cache on Redis: one string per answer under `<prefix><sha256 of the key>`,
 * expiring with the cache's TTL. While Redis is down every lookup is a miss and nothing is written.
 */
export function createRedisCompletionCacheStore(
  link: RedisLink,
  prefix = 'loom:completion:',
): CompletionCacheStore {
  const keyOf = (key: string) => prefix + createHash('sha256').update(key).digest('base64url');
  return {
    async get(key) {
      const json = await link.attempt((redis) => redis.get(keyOf(key)));
      if (!json) return undefined;
      try {
        return JSON.parse(json) as SharedCompletion;
      } catch {
        return undefined;
      }
    },
    async set(entry, ttlMs) {
      const json = JSON.stringify(entry);
      if (json.length > MAX_SHARED_BYTES) return;
      await link.attempt((redis) => redis.set(keyOf(entry.key), json, 'PX', ttlMs));
    },
  };
}
