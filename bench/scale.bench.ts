// Scale-out figures, on the real PostgreSQL (test/db.ts) and Redis (TEST_REDIS_URL):
// - scale.invalidation_p99_ms: a label moved on instance A until instance B serves the new version
//   (200 promotes). A and B are two of the runtime API's prompt caches in this process, each with
//   its own Redis connections, wired as lib/server/scale.ts wires an instance: the move commits in
//   PostgreSQL, A's cache publishes the invalidation, B's drops its entry and loads again. The e2e
//   test (e2e/scale.spec.ts) measures the same across two server processes over HTTP.
// - scale.cached_get_prompt_vs_uncached_rps: prompt fetches by label per second on one instance,
//   through the Redis-invalidated cache against straight to PostgreSQL (the same code with a cache
//   that never hits), 16 at a time.
//   npm run bench:scale
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createBroadcast } from '@/lib/adapters/redis/broadcast';
import { createRedisLink, type RedisLink } from '@/lib/adapters/redis/link';
import {
  createMemoryPromptDocumentCache,
  setPromptDocumentCache,
  type PromptDocumentCache,
} from '@/lib/server/api/prompt-cache';
import { getServedPrompt } from '@/lib/server/api/prompts';
import { createStudioRegistry } from '@/lib/server/loom';
import { SHARED_PROMPT_CACHE_TTL_MS } from '@/lib/server/scale';
import { createSharedGroupedCache } from '@/lib/server/shared-caches';
import { samplePrompt } from '@/lib/loom/testing/registry-contract';
import { createTestDatabase } from '@/test/db';
import { TEST_REDIS_URL } from '@/test/redis';
import { measureOpsPerSecond } from './harness';

const PROMOTES = 200;
/** Unmeasured promotes first, so connection pools and compiled code have settled. */
const WARMUP_PROMOTES = 20;
const CONCURRENCY = 16;

function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

const yieldToIo = () => new Promise((resolve) => setImmediate(resolve));

export async function runScaleBench(): Promise<Record<string, number>> {
  const db = await createTestDatabase({ kind: 'postgres' });
  const links: RedisLink[] = [];
  // A channel of this run's own, so instances elsewhere on the same Redis are not disturbed.
  const channel = `loom-bench:invalidate:${process.pid}`;
  const instance = async () => {
    const link = createRedisLink(TEST_REDIS_URL);
    links.push(link);
    const broadcast = createBroadcast(link, channel);
    await broadcast.ready();
    return createSharedGroupedCache(
      () => createMemoryPromptDocumentCache(SHARED_PROMPT_CACHE_TTL_MS),
      broadcast,
      'prompt-documents',
    );
  };
  try {
    const workspace = await db.prisma.workspace.create({ data: { slug: 'bench-scale', name: 'Bench' } });
    const ws = workspace.id;
    const registry = createStudioRegistry(db.prisma, ws);
    await registry.save(samplePrompt('bench', { user: 'version 1' }));
    await registry.save(samplePrompt('bench', { user: 'version 2' }));
    await registry.setLabel('bench', 'production', 1);
    const [a, b] = await Promise.all([instance(), instance()]);
    const on = (cache: PromptDocumentCache) => setPromptDocumentCache(cache);
    const serve = () => getServedPrompt(db.prisma, ws, 'bench', { label: 'production' });

    on(b);
    await serve();
    const latencies: number[] = [];
    for (let i = 0; i < WARMUP_PROMOTES + PROMOTES; i++) {
      const target = i % 2 === 0 ? 2 : 1;
      on(a);
      await registry.setLabel('bench', 'production', target);
      const movedAt = performance.now();
      on(b);
      while ((await serve()).data.version !== target) await yieldToIo();
      if (i >= WARMUP_PROMOTES) latencies.push(performance.now() - movedAt);
    }

    on(a);
    const batch = () => Promise.all(Array.from({ length: CONCURRENCY }, serve));
    const cached = (await measureOpsPerSecond(batch, { durationMs: 2_000 })) * CONCURRENCY;
    on({ get: () => undefined, set: () => undefined, invalidate: async () => undefined });
    const uncached = (await measureOpsPerSecond(batch, { durationMs: 2_000 })) * CONCURRENCY;

    const round = (value: number, digits = 1) => Number(value.toFixed(digits));
    return {
      'scale.invalidation_p50_ms': round(percentile(latencies, 50), 2),
      'scale.invalidation_p99_ms': round(percentile(latencies, 99), 2),
      'scale.cached_get_prompt_rps': Math.round(cached),
      'scale.uncached_get_prompt_rps': Math.round(uncached),
      'scale.cached_get_prompt_vs_uncached_rps': round(cached / uncached),
    };
  } finally {
    for (const link of links) await link.close();
    await db.close();
  }
}

async function recordResults(figures: Record<string, number>): Promise<string> {
  const file = path.join(import.meta.dirname, 'results.json');
  const previous = JSON.parse(await readFile(file, 'utf8').catch(() => '{}')) as Record<string, unknown>;
  await writeFile(file, JSON.stringify({ ...previous, ...figures }, null, 2) + '\n');
  return path.relative(process.cwd(), file);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const figures = await runScaleBench();
  console.log(JSON.stringify(figures, null, 2));
  console.error(`Written to ${await recordResults(figures)}`);
  process.exit(0);
}
