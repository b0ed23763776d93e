import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { samplePrompt } from '@/lib/loom/testing/registry-contract';
import { createTestDatabase, type TestDatabase, type TestDatabaseKind } from '@/test/db';
import { runRegistryContract } from '@/lib/loom/testing/registry-contract';
import { createPrismaRegistry } from './registry';

// One database per kind; each contract test gets a fresh workspace, so tests never see each other.
function runOn(kind: TestDatabaseKind) {
  describe(kind, () => {
    let db: TestDatabase | undefined;
    beforeAll(async () => {
      db = await createTestDatabase({ kind });
    });
    afterAll(async () => {
      await db?.close();
    });

    let counter = 0;
    runRegistryContract(`prisma (${kind})`, async () => {
      if (!db) throw new Error('database not ready');
      const prisma = db.prisma;
      counter++;
      const workspace = await prisma.workspace.create({
        data: { slug: `registry-${kind}-${counter}`, name: 'Registry test' },
      });
      return {
        registry: createPrismaRegistry(prisma, workspace.id),
        cleanup: async () => {
          await prisma.workspace.delete({ where: { id: workspace.id } });
        },
      };
    });
  });
}

runOn('postgres');

describe('prisma registry failures (postgres)', () => {
  let db: TestDatabase | undefined;
  beforeAll(async () => {
    db = await createTestDatabase({ kind: 'postgres' });
  });
  afterAll(async () => {
    await db?.close();
  });

  it('refuses a save into a workspace that does not exist with NOT_FOUND', async () => {
    const registry = createPrismaRegistry(db!.prisma, 'no-such-workspace');
    await expect(registry.save(samplePrompt('orphan'))).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('gives UNAVAILABLE and stores nothing when a save cannot finish in time', async () => {
    const prisma = db!.prisma;
    const workspace = await prisma.workspace.create({ data: { slug: 'slow', name: 'Slow' } });
    const registry = createPrismaRegistry(prisma, workspace.id, { transactionTimeoutMs: 200 });
    await registry.save(samplePrompt('held'));
    // Another session holds the prompt's row lock for longer than the save may take.
    const holder = prisma.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT "id" FROM "Prompt" WHERE "slug" = 'held' FOR UPDATE`;
      await tx.$queryRaw`SELECT pg_sleep(0.6)::text`;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    await expect(registry.save(samplePrompt('held', { user: 'late' }))).rejects.toMatchObject({
      code: 'UNAVAILABLE',
    });
    await holder;
    expect((await registry.listVersions('held')).map((v) => v.version)).toEqual([1]);
  });
});
runOn('pglite');
