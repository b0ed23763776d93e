import { afterAll, describe, expect, it } from 'vitest';
import { runRegistryContract, samplePrompt } from '@/lib/loom/testing/registry-contract';
import { openTestRedis } from '@/test/redis';
import { createRedisRegistry } from './registry';

const testRedis = openTestRedis();
afterAll(() => testRedis.close());

runRegistryContract('redis', async () => {
  const prefix = testRedis.prefix();
  return {
    registry: createRedisRegistry({ redis: testRedis.redis, workspaceId: 'ws', prefix }),
    cleanup: testRedis.cleanup,
  };
});

describe('redis registry', () => {
  it('keeps workspaces apart and every key of one workspace in one hash slot', async () => {
    const prefix = testRedis.prefix();
    const a = createRedisRegistry({ redis: testRedis.redis, workspaceId: 'a', prefix });
    const b = createRedisRegistry({ redis: testRedis.redis, workspaceId: 'b', prefix });
    await a.save(samplePrompt('shared-id', { user: 'from a' }));
    await a.setLabel('shared-id', 'production', 1);
    expect(await b.findByLabel('shared-id', 'production')).toBeUndefined();
    expect(await b.list()).toEqual([]);
    const keys = await testRedis.redis.keys(`${prefix}*`);
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) expect(key.startsWith(`${prefix}{a}:`)).toBe(true);
    await testRedis.cleanup();
  });

  it('reads what another client (another instance) wrote', async () => {
    const prefix = testRedis.prefix();
    const other = testRedis.redis.duplicate();
    try {
      const writer = createRedisRegistry({ redis: testRedis.redis, workspaceId: 'ws', prefix });
      const reader = createRedisRegistry({ redis: other, workspaceId: 'ws', prefix });
      await writer.save(samplePrompt('x', { user: 'one' }));
      await writer.save(samplePrompt('x', { user: 'two' }));
      await writer.setLabel('x', 'production', 2, { actor: 'ana' });
      expect((await reader.getByLabel('x', 'production')).user).toBe('two');
      expect((await reader.listVersions('x')).map((v) => v.labels)).toEqual([['production'], []]);
    } finally {
      other.disconnect();
      await testRedis.cleanup();
    }
  });

  it('gives UNAVAILABLE, not a hang, when Redis cannot be reached', async () => {
    const { Redis } = await import('ioredis');
    const dead = new Redis('redis://127.0.0.1:1', {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    const registry = createRedisRegistry({ redis: dead, workspaceId: 'ws' });
    await expect(registry.getLatest('x')).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    await expect(registry.save(samplePrompt('x'))).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    dead.disconnect();
  });
});
