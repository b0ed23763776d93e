// The studio's Redis link and the health probe: Redis away makes the studio "degraded", not down,
// and it is "ok" again once Redis returns. Uses a redis-server of its own that it stops and starts.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { OpenDatabase } from '@/lib/server/db';
import { createTestDatabase, type TestDatabase } from '@/test/db';
import { startOwnRedisServer, type OwnRedisServer } from '@/test/redis';

const state = vi.hoisted(() => ({ database: undefined as unknown as () => Promise<OpenDatabase> }));
vi.mock('@/lib/server/db', () => ({ getDatabase: () => state.database() }));

let db: TestDatabase;
let server: OwnRedisServer;
beforeAll(async () => {
  [db, server] = await Promise.all([createTestDatabase({ kind: 'postgres' }), startOwnRedisServer()]);
  state.database = async () => db;
  process.env.REDIS_URL = server.url;
}, 60_000);
afterAll(async () => {
  const { shutdown } = await import('./shutdown');
  await shutdown();
  await Promise.all([db.close(), server.stop()]);
});

async function until(condition: () => Promise<boolean> | boolean, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('health with REDIS_URL', () => {
  it('is ok with Redis, degraded (still 200, database fine) without it, ok again when it returns', async () => {
    const { getHealth } = await import('./health');
    await until(async () => (await getHealth()).status === 'ok');
    expect((await getHealth()).redis).toEqual({ reachable: true });

    await server.stop();
    await until(async () => (await getHealth()).status === 'degraded');
    const degraded = await getHealth();
    expect(degraded.redis).toEqual({ reachable: false });
    expect(degraded.database.reachable).toBe(true);

    await server.start();
    await until(async () => (await getHealth()).status === 'ok');
  }, 30_000);
});
