// Per-process caches kept coherent across two "instances" (two Redis links) on a redis-server of
// the test's own.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBroadcast } from '@/lib/adapters/redis/broadcast';
import { createRedisLink, type RedisLink } from '@/lib/adapters/redis/link';
import { startOwnRedisServer, type OwnRedisServer } from '@/test/redis';
import {
  createSharedGroupedCache,
  createSharedKeyedCache,
  type GroupedCache,
  type KeyedCache,
} from './shared-caches';

let server: OwnRedisServer;
const links: RedisLink[] = [];
beforeAll(async () => {
  server = await startOwnRedisServer();
}, 30_000);
afterAll(async () => {
  for (const link of links) await link.close();
  await server.stop();
});

function mapGroupedCache(): GroupedCache<string> {
  const entries = new Map<string, string>();
  const k = (w: string, p: string, s: string) => `${w}/${p}/${s}`;
  return {
    get: (w, p, s) => entries.get(k(w, p, s)),
    set: (w, p, s, v) => void entries.set(k(w, p, s), v),
    invalidate: async (w, p) => {
      for (const key of [...entries.keys()]) if (key.startsWith(`${w}/${p}/`)) entries.delete(key);
    },
  };
}

function mapKeyedCache(): KeyedCache<string> {
  const entries = new Map<string, string>();
  return {
    get: (key) => entries.get(key),
    set: (key, value) => void entries.set(key, value),
    invalidate: async (key) => void entries.delete(key),
  };
}

async function instance(topic: string) {
  const link = createRedisLink(server.url);
  links.push(link);
  const broadcast = createBroadcast(link, 'test:caches');
  await broadcast.ready();
  return {
    prompts: createSharedGroupedCache(mapGroupedCache, broadcast, `${topic}:prompts`),
    keys: createSharedKeyedCache(mapKeyedCache, broadcast, `${topic}:keys`),
  };
}

async function until(condition: () => boolean) {
  const deadline = Date.now() + 2_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('shared caches', () => {
  it('a change on one instance drops the entry on the other within milliseconds', async () => {
    const [a, b] = await Promise.all([instance('t1'), instance('t1')]);
    b.prompts.set('ws', 'greet', 'label:production', 'v1');
    b.prompts.set('ws', 'other', 'label:production', 'o1');
    b.keys.set('hash-1', 'active');
    const started = performance.now();
    await a.prompts.invalidate('ws', 'greet');
    await a.keys.invalidate('hash-1');
    await until(
      () =>
        b.prompts.get('ws', 'greet', 'label:production') === undefined && b.keys.get('hash-1') === undefined,
    );
    expect(performance.now() - started).toBeLessThan(100);
    expect(b.prompts.get('ws', 'other', 'label:production')).toBe('o1');
  });

  it('does not keep a value loaded before an invalidation that arrived while it loaded', async () => {
    const [a, b] = await Promise.all([instance('t2'), instance('t2')]);
    expect(b.prompts.get('ws', 'greet', 'label:production')).toBeUndefined(); // B starts a load…
    await a.prompts.invalidate('ws', 'greet'); // …A moves the label meanwhile…
    await new Promise((resolve) => setTimeout(resolve, 50));
    b.prompts.set('ws', 'greet', 'label:production', 'old'); // …B's load ends with the old version.
    expect(b.prompts.get('ws', 'greet', 'label:production')).toBeUndefined();
    // The next load, after the invalidation, is kept.
    b.prompts.set('ws', 'greet', 'label:production', 'new');
    expect(b.prompts.get('ws', 'greet', 'label:production')).toBe('new');

    expect(b.keys.get('hash-2')).toBeUndefined();
    await a.keys.invalidate('hash-2');
    await new Promise((resolve) => setTimeout(resolve, 50));
    b.keys.set('hash-2', 'active (revoked meanwhile)');
    expect(b.keys.get('hash-2')).toBeUndefined();
  });
});
