import 'server-only';
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

export type ScriptArg = string | number;

/** A Lua script run atomically on the server: by its SHA1, loading it once when Redis lacks it. */
export type RedisScript = (
  redis: Redis,
  keys: readonly string[],
  args: readonly ScriptArg[],
) => Promise<unknown>;

export function defineScript(lua: string): RedisScript {
  const sha = createHash('sha1').update(lua).digest('hex');
  return async (redis, keys, args) => {
    try {
      return await redis.evalsha(sha, keys.length, ...keys, ...args);
    } catch (error) {
      // After a restart or SCRIPT FLUSH the cache is empty; EVAL loads the script again.
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return redis.eval(lua, keys.length, ...keys, ...args);
    }
  };
}
