import 'server-only';
import type { RateLimiter } from '@/lib/loom/middleware';
import { defineScript } from './script';
import type { RedisLink } from './link';

// loom's RateLimiter port, shared by every instance: the sliding-window counter (the previous fixed
// window weighted by its overlap, plus the current one) kept in Redis and updated by one script, so
// N instances together allow N requests, not N times N. Time is Redis's own (TIME), so instances
// with skewed clocks still share windows. While Redis is down each instance counts on its own
// (the fallback), which keeps requests flowing at the cost of a looser limit for that time.

export interface RedisRateLimiterOptions {
  limit: number;
  windowMs: number;
  /** Keys are `<prefix>{<key>}:<window start>`. */
  prefix?: string;
  /** Used whenever Redis cannot answer. */
  fallback: RateLimiter;
}

// Returns {allowed, remaining, retryAfterMs}; counts the request only when allowed.
const HIT = defineScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local start = now - (now % window)
local currentKey = KEYS[1] .. ':' .. start
local current = tonumber(redis.call('GET', currentKey) or '0')
local previous = tonumber(redis.call('GET', KEYS[1] .. ':' .. (start - window)) or '0')
local used = previous * (1 - (now - start) / window) + current
if used + 1 > limit then
  local untilTurn = start + window - now
  local retry
  if current + 1 > limit then
    retry = untilTurn + math.ceil(window * (1 - (limit - 1) / current))
  else
    retry = math.min(untilTurn, math.ceil(((used + 1 - limit) * window) / previous))
  end
  return {0, 0, math.max(1, retry)}
end
redis.call('INCR', currentKey)
redis.call('PEXPIRE', currentKey, window * 2 + 1000)
return {1, math.max(0, math.floor(limit - used - 1)), 0}
`);

export function createRedisRateLimiter(link: RedisLink, options: RedisRateLimiterOptions): RateLimiter {
  const { limit, windowMs, fallback } = options;
  const prefix = options.prefix ?? 'loom:rate:';
  return {
    async hit(key) {
      const reply = await link.attempt(
        (redis) => HIT(redis, [`${prefix}{${key}}`], [limit, windowMs]) as Promise<[number, number, number]>,
      );
      if (reply === undefined) return fallback.hit(key);
      const [allowed, remaining, retryAfterMs] = reply;
      return { allowed: allowed === 1, limit, remaining, retryAfterMs };
    },
  };
}
