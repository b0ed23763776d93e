import 'server-only';
import { createBroadcast, type Broadcast } from '@/lib/adapters/redis/broadcast';
import { createRedisLink, type RedisLink } from '@/lib/adapters/redis/link';
import { getEnv } from './env';
import { logger } from './logger';
import { onShutdown } from './shutdown';

// The studio's Redis (REDIS_URL), when there is one: one link per process. Redis only speeds
// things up and carries messages between instances; PostgreSQL stays the source of truth, so with
// Redis away every feature still answers (from the database, or from per-instance state).

/** Pub/sub channel of cache invalidations between instances. */
export const INVALIDATION_CHANNEL = 'loom:invalidate';

const globalForRedis = globalThis as unknown as {
  __loomRedis?: { link: RedisLink; broadcast: Broadcast } | null;
};

function open(): { link: RedisLink; broadcast: Broadcast } | null {
  const url = getEnv().REDIS_URL;
  if (!url) return null;
  let wasEverUp = false;
  const link = createRedisLink(url, {
    onChange(isUp) {
      if (isUp)
        logger.info({}, wasEverUp ? 'redis is back: sharing caches and limits again' : 'redis connected');
      else
        logger.warn(
          {},
          'redis unreachable: serving from PostgreSQL and per-instance limits until it returns',
        );
      wasEverUp ||= isUp;
    },
  });
  onShutdown('redis', () => link.close());
  return { link, broadcast: createBroadcast(link, INVALIDATION_CHANNEL) };
}

/** The process's Redis link and broadcast channel; undefined without REDIS_URL. */
export function getRedis(): { link: RedisLink; broadcast: Broadcast } | undefined {
  if (globalForRedis.__loomRedis === undefined) globalForRedis.__loomRedis = open();
  return globalForRedis.__loomRedis ?? undefined;
}

/** For /api/health: undefined when Redis is not configured. */
export function redisHealth(): { reachable: boolean } | undefined {
  const redis = getRedis();
  return redis && { reachable: redis.link.isUp() };
}
