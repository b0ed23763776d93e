import 'server-only';
import { createRedisCompletionCacheStore } from '@/lib/adapters/redis/completion-cache';
import { createRedisRateLimiter } from '@/lib/adapters/redis/rate-limiter';
import {
  createSlidingWindowRateLimiter,
  type CompletionCacheStore,
  type RateLimiter,
} from '@/lib/loom/middleware';
import { CALL_WINDOW_MS, setApiCallLimiter } from './api/execution';
import { createMemoryApiKeyCache, setApiKeyCache } from './api/keys';
import { RATE_WINDOW_MS, setApiRateLimiter } from './api/pipeline';
import { createMemoryPromptDocumentCache, setPromptDocumentCache } from './api/prompt-cache';
import { getEnv } from './env';
import { createMemoryLiveExperimentCache, setLiveExperimentCache } from './experiments/live';
import { getRedis } from './redis';
import { createSharedGroupedCache, createSharedKeyedCache } from './shared-caches';

// What several instances share when REDIS_URL is set, installed once per process at boot: the
// runtime API's prompt cache, API-key cache and live-experiment cache stay in each instance's memory
// but are invalidated on every instance through Redis pub/sub; the per-key request and
// provider-call limits are counted in Redis; the opt-in response cache is shared. Without REDIS_URL each instance keeps all of this to itself.

/**
 * How long a served prompt may stay in an instance's memory. Invalidation messages make a label
 * move visible at once; this only bounds the damage of a lost message.
 */
export const SHARED_PROMPT_CACHE_TTL_MS = 5_000;

export function installScaleOut(): boolean {
  const redis = getRedis();
  if (!redis) return false;
  setPromptDocumentCache(
    createSharedGroupedCache(
      () => createMemoryPromptDocumentCache(SHARED_PROMPT_CACHE_TTL_MS),
      redis.broadcast,
      'prompt-documents',
    ),
  );
  setApiKeyCache(createSharedKeyedCache(createMemoryApiKeyCache, redis.broadcast, 'api-keys'));
  setLiveExperimentCache(
    createSharedKeyedCache(createMemoryLiveExperimentCache, redis.broadcast, 'live-experiments'),
  );
  const env = getEnv();
  const sharedLimiter = (limit: number, windowMs: number, prefix: string): RateLimiter =>
    createRedisRateLimiter(redis.link, {
      limit,
      windowMs,
      prefix,
      // While Redis is away each instance counts on its own: requests keep flowing.
      fallback: createSlidingWindowRateLimiter({ limit, windowMs }),
    });
  setApiRateLimiter(sharedLimiter(env.LOOM_API_RATE_LIMIT, RATE_WINDOW_MS, 'loom:api-rate:'));
  setApiCallLimiter(sharedLimiter(env.LOOM_API_EXECUTE_RATE_LIMIT, CALL_WINDOW_MS, 'loom:api-calls:'));
  return true;
}

/**
 * The response cache shared by every instance, when there is a Redis. `namespace` keeps apart what
 * must never share answers (workspaces, providers, a provider's configurations over time).
 */
export function getCompletionCacheStore(namespace: string): CompletionCacheStore | undefined {
  const redis = getRedis();
  return redis && createRedisCompletionCacheStore(redis.link, `loom:completion:${namespace}:`);
}
