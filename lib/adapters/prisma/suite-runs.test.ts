import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runRunStoreContract, sampleCaseResult } from '@/lib/loom/evaluator/run-store-contract';
import { createTestDatabase, type TestDatabase, type TestDatabaseKind } from '@/test/db';
import { createPrismaRunStore } from './suite-runs';

function runOn(kind: TestDatabaseKind) {
  describe(kind, () => {
    let db: TestDatabase | undefined;
    let counter = 0;
    beforeAll(async () => {
      db = await createTestDatabase({ kind });
    });
    afterAll(async () => {
      await db?.close();
    });

    runRunStoreContract(`prisma (${kind})`, async () => {
      const workspaceId = `suite-runs-${kind}-${++counter}`;
      return {
        store: createPrismaRunStore(db!.prisma, workspaceId),
        cleanup: async () => {
          await db!.prisma.suiteRun.deleteMany({ where: { workspaceId } });
        },
      };
    });

    it('keeps workspaces apart: another workspace neither sees nor writes into a run', async () => {
      const mine = createPrismaRunStore(db!.prisma, `${kind}-mine`);
      const theirs = createPrismaRunStore(db!.prisma, `${kind}-theirs`);
      await mine.saveRun({ id: 'r1', suiteId: 's', status: 'running', startedAt: new Date(0) });
      expect(await theirs.findRun('r1')).toBeUndefined();
      expect(await theirs.listRuns()).toEqual([]);
      await expect(theirs.saveCaseResult('r1', sampleCaseResult('a'))).rejects.toMatchObject({
        code: 'NOT_FOUND',
      });
      await theirs.deleteRun('r1');
      expect(await mine.getRun('r1')).toMatchObject({ id: 'r1', status: 'running' });
    });

    it('copies verdict, error and tags to columns, and stamps finishedAt again on a resave', async () => {
      const store = createPrismaRunStore(db!.prisma, `${kind}-columns`);
      await store.saveRun({ id: 'r1', suiteId: 's', status: 'running', startedAt: new Date(0) });
      await store.saveCaseResult('r1', { ...sampleCaseResult('a'), pass: true, tags: ['x', 'y'] });
      await store.saveCaseResult('r1', {
        ...sampleCaseResult('b'),
        pass: false,
        tags: [],
        error: { code: 'PROVIDER_ERROR', message: 'down', details: {} },
      });
      const rows = async () =>
        db!.prisma.suiteCaseResult.findMany({
          where: { workspaceId: `${kind}-columns`, runId: 'r1' },
          orderBy: { seq: 'asc' },
        });
      const first = await rows();
      expect(first.map((r) => [r.caseId, r.pass, r.errored, r.tags])).toEqual([
        ['a', true, false, ['x', 'y']],
        ['b', false, true, []],
      ]);
      await new Promise((resolve) => setTimeout(resolve, 20));
      await store.saveCaseResult('r1', { ...sampleCaseResult('b'), pass: true, tags: ['z'] });
      const second = await rows();
      expect(second.map((r) => [r.caseId, r.pass, r.errored, r.tags])).toEqual([
        ['a', true, false, ['x', 'y']],
        ['b', true, false, ['z']],
      ]);
      expect(second[1]!.finishedAt.getTime()).toBeGreaterThan(first[1]!.finishedAt.getTime());
      expect(second[0]!.finishedAt).toEqual(first[0]!.finishedAt);
    });
  });
}

runOn('postgres');
runOn('pglite');
