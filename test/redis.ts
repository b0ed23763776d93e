// Redis for integration tests: the real server (TEST_REDIS_URL, default redis://127.0.0.1:6379),
// every test under a key prefix of its own that is deleted afterwards, so tests (and other people
// sharing the server) never see each other's keys.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface TestRedis {
  redis: Redis;
  /** A fresh prefix under `loom-test:`; `cleanup` deletes every key under the prefixes it gave. */
  prefix: () => string;
  cleanup: () => Promise<void>;
  close: () => Promise<void>;
}

export function openTestRedis(): TestRedis {
  const redis = new Redis(TEST_REDIS_URL, { lazyConnect: false, maxRetriesPerRequest: 1 });
  const prefixes: string[] = [];
  async function cleanup() {
    for (const prefix of prefixes.splice(0)) {
      let cursor = '0';
      do {
        const [next, found] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
        cursor = next;
        if (found.length > 0) await redis.del(...found);
      } while (cursor !== '0');
    }
  }
  return {
    redis,
    prefix: () => {
      const prefix = `loom-test:${randomBytes(6).toString('hex')}:`;
      prefixes.push(prefix);
      return prefix;
    },
    cleanup,
    close: async () => {
      await cleanup();
      redis.disconnect();
    },
  };
}
