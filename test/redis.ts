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

export interface OwnRedisServer {
  url: string;
  port: number;
  /** Stops the server (SHUTDOWN NOSAVE) and waits until the port is closed. */
  stop: () => Promise<void>;
  /** Starts it again on the same port. */
  start: () => Promise<void>;
}

/**
 * A throw-away redis-server of the test's own on a free loopback port, for tests that stop and
 * restart Redis: never the shared server, which other tests and people use.
 */
export async function startOwnRedisServer(): Promise<OwnRedisServer> {
  const { spawn } = await import('node:child_process');
  const net = await import('node:net');
  const port = await new Promise<number>((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
  const url = `redis://127.0.0.1:${port}`;
  const ping = async () => {
    const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on('error', () => undefined);
    try {
      await client.connect();
      return (await client.ping()) === 'PONG';
    } catch {
      return false;
    } finally {
      client.disconnect();
    }
  };
  const waitFor = async (up: boolean) => {
    for (let i = 0; i < 100; i++) {
      if ((await ping()) === up) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`redis-server on ${port} did not ${up ? 'start' : 'stop'}`);
  };
  const start = async () => {
    const child = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--daemonize',
        'no',
      ],
      { stdio: 'ignore', detached: false },
    );
    child.unref();
    await waitFor(true);
  };
  const stop = async () => {
    const client = new Redis(url, { maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on('error', () => undefined);
    await client.call('SHUTDOWN', 'NOSAVE').catch(() => undefined);
    client.disconnect();
    await waitFor(false);
  };
  await start();
  return { url, port, stop, start };
}
