// Registry read latency: getByLabel of the production version, the studio's hottest read (every
// run resolves its prompt this way). Prints JSON figures when run directly:
//   node --conditions=react-server --import tsx bench/registry.bench.ts
// (test/db.ts reaches server-only modules, hence the react-server condition.)
import { pathToFileURL } from 'node:url';
import { createPrismaRegistry } from '@/lib/adapters/prisma/registry';
import { createMemoryRegistry, type PromptRegistry } from '@/lib/loom/registry';
import { samplePrompt } from '@/lib/loom/testing/registry-contract';
import { createTestDatabase } from '@/test/db';

const VERSIONS = 20;
const PRODUCTION_VERSION = 12;

function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function seed(registry: PromptRegistry): Promise<void> {
  for (let i = 1; i <= VERSIONS; i++) await registry.save(samplePrompt('bench', { user: `version ${i}` }));
  await registry.setLabel('bench', 'production', PRODUCTION_VERSION);
  await registry.setLabel('bench', 'staging', VERSIONS);
}

/** Milliseconds per getByLabel call, after a warm-up. */
async function timeGetByLabel(registry: PromptRegistry, warmup: number, runs: number): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await registry.getByLabel('bench', 'production');
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    const found = await registry.getByLabel('bench', 'production');
    samples.push(performance.now() - start);
    if (found.version !== PRODUCTION_VERSION) throw new Error(`read version ${found.version}`);
  }
  return samples;
}

export async function runRegistryBench(): Promise<Record<string, number>> {
  const results: Record<string, number> = {};

  const memory = createMemoryRegistry();
  await seed(memory);
  const memorySamples = await timeGetByLabel(memory, 5_000, 20_000);
  results['registry.memory_get_label_p50_us'] = round(percentile(memorySamples, 50) * 1000);
  results['registry.memory_get_label_p99_us'] = round(percentile(memorySamples, 99) * 1000);

  let db: Awaited<ReturnType<typeof createTestDatabase>> | undefined;
  try {
    db = await createTestDatabase({ kind: 'postgres' });
  } catch (error) {
    console.error(
      `registry bench: PostgreSQL unreachable, postgres figures skipped: ${(error as Error).message}`,
    );
    results['registry.postgres_reachable'] = 0;
    return results;
  }
  try {
    const workspace = await db.prisma.workspace.create({ data: { slug: 'bench', name: 'Bench' } });
    const postgres = createPrismaRegistry(db.prisma, workspace.id);
    await seed(postgres);
    // The peer, a bare `SELECT 1` on the same pool, is timed alternately with the read so both see
    // the same machine load; their ratio is the figure that survives a busy machine.
    const prisma = db.prisma;
    const ping = () => prisma.$queryRaw`SELECT 1`;
    await timeGetByLabel(postgres, 300, 0);
    const postgresSamples: number[] = [];
    const pingSamples: number[] = [];
    for (let i = 0; i < 2_000; i++) {
      postgresSamples.push(...(await timeGetByLabel(postgres, 0, 1)));
      const start = performance.now();
      await ping();
      pingSamples.push(performance.now() - start);
    }
    results['registry.postgres_reachable'] = 1;
    results['registry.postgres_get_label_p50_ms'] = round(percentile(postgresSamples, 50));
    results['registry.postgres_get_label_p99_ms'] = round(percentile(postgresSamples, 99));
    results['registry.postgres_select1_p50_ms'] = round(percentile(pingSamples, 50));
    results['registry.postgres_get_label_vs_select1_ratio'] = round(
      percentile(postgresSamples, 50) / percentile(pingSamples, 50),
    );
  } finally {
    await db.close();
  }
  return results;
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(JSON.stringify(await runRegistryBench(), null, 2));
}
