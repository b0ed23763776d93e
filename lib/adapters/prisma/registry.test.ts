import { afterAll, beforeAll, describe } from 'vitest';
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
runOn('pglite');
