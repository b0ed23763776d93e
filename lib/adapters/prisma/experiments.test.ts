import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExperimentInput } from '@/lib/loom/optimizer';
import { runExperimentStoreContract } from '@/lib/loom/optimizer/store-contract';
import { createTestDatabase, type TestDatabase, type TestDatabaseKind } from '@/test/db';
import { createPrismaExperimentStore } from './experiments';

function definition(overrides: Partial<ExperimentInput> = {}): ExperimentInput {
  return {
    id: 'tone-test',
    promptId: 'support-reply',
    variants: [
      { name: 'control', version: 1, weight: 1 },
      { name: 'friendly', version: 2, weight: 1 },
    ],
    metric: { kind: 'binary' },
    ...overrides,
  };
}

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
    const store = () => createPrismaExperimentStore(db!.prisma, `experiments-${kind}-${++counter}`);

    runExperimentStoreContract(`prisma (${kind})`, store);

    it('keeps workspaces apart', async () => {
      const a = store();
      const b = store();
      await a.recordOutcome('exp', 'a', 'u1', 1);
      expect(await b.recordExposure('exp', 'b', 'u1')).toBe(true);
      expect(await b.claimWinner('exp', 'b')).toBe(true);
      expect(await a.claimWinner('exp', 'a')).toBe(true);
      expect((await a.stats('exp')).arms.map((arm) => arm.variant)).toEqual(['a']);
    });

    it('lists arms in first-exposure order and remembers the winner', async () => {
      const s = store();
      await s.recordExposure('exp', 'z', 'u1');
      await s.recordOutcome('exp', 'a', 'u2', 0.5);
      expect((await s.stats('exp')).arms.map((arm) => arm.variant)).toEqual(['z', 'a']);
      expect(await s.findWinner('exp')).toBeUndefined();
      await s.claimWinner('exp', 'a');
      expect(await s.claimWinner('exp', 'z')).toBe(false);
      expect(await s.findWinner('exp')).toBe('a');
    });

    it('saves, replaces, finds and lists experiment definitions with defaults filled', async () => {
      const s = store();
      const saved = await s.saveExperiment(definition());
      expect(saved).toMatchObject({ status: 'running', minSamplesPerArm: 100, confidence: 0.95 });
      expect(await s.getExperiment('tone-test')).toEqual(saved);
      await s.saveExperiment(definition({ status: 'stopped' }));
      await s.saveExperiment(definition({ id: 'other', promptId: 'summarise' }));
      expect((await s.getExperiment('tone-test')).status).toBe('stopped');
      expect((await s.listExperiments()).map((e) => e.id)).toEqual(['other', 'tone-test']);
      expect((await s.listExperiments({ status: 'stopped' })).map((e) => e.id)).toEqual(['tone-test']);
      expect((await s.listExperiments({ promptId: 'summarise' })).map((e) => e.id)).toEqual(['other']);
      expect(await s.findExperiment('missing')).toBeUndefined();
      await expect(s.getExperiment('missing')).rejects.toMatchObject({
        code: 'NOT_FOUND',
        details: { experimentId: 'missing' },
      });
    });

    it('refuses an invalid definition naming the field, and stores nothing', async () => {
      const s = store();
      await expect(
        s.saveExperiment(
          definition({
            variants: [
              { name: 'a', version: 1, weight: 1 },
              { name: 'a', version: 2, weight: 1 },
            ],
          }),
        ),
      ).rejects.toMatchObject({
        code: 'INVALID_INPUT',
        details: { issues: [expect.objectContaining({ path: 'variants.1.name' })] },
      });
      expect(await s.listExperiments()).toEqual([]);
      await expect(s.listExperiments({ status: 'paused' as 'running' })).rejects.toMatchObject({
        code: 'INVALID_INPUT',
      });
    });
  });
}

runOn('postgres');
runOn('pglite');
