import 'server-only';
import type { PrismaClient } from '@/lib/generated/prisma/client';
import {
  cache,
  circuitBreaker,
  createSlidingWindowRateLimiter,
  limitCalls,
  type Middleware,
  type RateLimiter,
} from '@/lib/loom/middleware';
import type { Provider } from '@/lib/loom/provider';
import { getEnv } from '../env';
import { logger } from '../logger';
import { getProvider, notConfigured } from '../providers';
import { getCompletionCacheStore } from '../scale';

// The providers the runtime API executes through: the workspace's configured provider
// (providers.ts) wrapped in loom's middleware, one stack per workspace and provider so their state
// lasts across requests: a per-provider circuit breaker, a per-key limit on provider calls (shared
// by every instance when there is a Redis: scale.ts), and an opt-in response cache. A changed configuration (its updatedAt, checked at most once a
// second) builds a fresh stack.

/** Cached answers kept per workspace and provider, and for how long. */
const RESPONSE_CACHE = { max: 500, ttlMs: 5 * 60_000 };
/** Opens after half of at least 10 calls in a minute failed (outages, not bad requests); retries after 30 s. */
const BREAKER = { failureThreshold: 0.5, minRequests: 10, windowMs: 60_000, cooldownMs: 30_000 };
/** The provider-call limit counts over a sliding minute. */
export const CALL_WINDOW_MS = 60_000;

/** How long a stack is used without checking its configuration is unchanged (a saved change applies within this). */
const CONFIG_CHECK_MS = 1_000;

interface ProviderStack {
  updatedAt: number;
  checkedAt: number;
  plain: Provider;
  cached: Provider;
}

const globalForExecution = globalThis as unknown as {
  __loomApiProviderStacks?: Map<string, ProviderStack>;
  __loomApiCallLimiter?: RateLimiter;
};

/** The process's provider-call limiter (LOOM_API_EXECUTE_RATE_LIMIT a minute per key). */
function getApiCallLimiter(): RateLimiter {
  return (globalForExecution.__loomApiCallLimiter ??= createSlidingWindowRateLimiter({
    limit: getEnv().LOOM_API_EXECUTE_RATE_LIMIT,
    windowMs: CALL_WINDOW_MS,
  }));
}

/** Replaces the provider-call limiter (with Redis, one shared by every instance: scale.ts). */
export function setApiCallLimiter(limiter: RateLimiter): void {
  globalForExecution.__loomApiCallLimiter = limiter;
}

/**
 * Per API key (the request's metadata carries it), in front of every stack. The limiter is looked
 * up per call, so one installed after a stack was built (scale.ts at boot) still applies.
 */
const callLimit: Middleware = limitCalls({
  limiter: { hit: (key) => getApiCallLimiter().hit(key) },
  key: (request) => `api key ${request.metadata?.apiKeyId ?? 'unknown'}`,
});

/**
 * The provider `name` of a workspace, ready for the executor; NOT_FOUND when none is configured.
 * Requests must carry `metadata.apiKeyId` (the rate limit's key).
 */
export async function getApiProvider(
  db: PrismaClient,
  workspaceId: string,
  name: string,
  options: { cache: boolean },
): Promise<Provider> {
  const stacks = (globalForExecution.__loomApiProviderStacks ??= new Map());
  const key = `${workspaceId}/${name}`;
  let stack = stacks.get(key);
  if (stack && Date.now() - stack.checkedAt < CONFIG_CHECK_MS) {
    return options.cache ? stack.cached : stack.plain;
  }
  const row = await db.providerConfig.findUnique({
    where: { workspaceId_name: { workspaceId, name } },
    select: { updatedAt: true },
  });
  if (!row) {
    stacks.delete(key);
    throw notConfigured(name);
  }
  if (!stack || stack.updatedAt !== row.updatedAt.getTime()) {
    const breaker = circuitBreaker({
      ...BREAKER,
      onStateChange: (state, provider) => logger.warn({ workspaceId, provider, state }, 'provider circuit'),
    })(await getProvider({ workspaceId }, name));
    const plain = callLimit(breaker);
    // With Redis the answers are shared by every instance, per workspace, provider and configuration.
    const store = getCompletionCacheStore(`${key}/${row.updatedAt.getTime()}`);
    stack = {
      updatedAt: row.updatedAt.getTime(),
      checkedAt: Date.now(),
      plain,
      cached: cache({ ...RESPONSE_CACHE, ...(store ? { store } : {}) })(plain),
    };
    stacks.set(key, stack);
  } else {
    stack.checkedAt = Date.now();
  }
  return options.cache ? stack.cached : stack.plain;
}
