import { describe, expect, it } from 'vitest';
import type { ExperimentStore } from './store';

/**
 * Behaviour every ExperimentStore (memory, PostgreSQL, ...) must show; run it from the store's test
 * file. `make` returns an empty store each time. Kept out of index.ts so the app never loads vitest.
 */
export function runExperimentStoreContract(
  name: string,
  make: () => ExperimentStore | Promise<ExperimentStore>,
): void {
  describe(`ExperimentStore contract: ${name}`, () => {
    it('counts a unit once however often it is exposed', async () => {
      const store = await make();
      expect(await store.recordExposure('exp', 'a', 'u1')).toBe(true);
      expect(await store.recordExposure('exp', 'a', 'u1')).toBe(false);
      await store.recordExposure('exp', 'b', 'u2');
      const stats = await store.stats('exp');
      expect(stats.experimentId).toBe('exp');
      expect([...stats.arms].sort((x, y) => x.variant.localeCompare(y.variant))).toEqual([
        { variant: 'a', exposures: 1, outcomes: 0, sum: 0, sumSquares: 0 },
        { variant: 'b', exposures: 1, outcomes: 0, sum: 0, sumSquares: 0 },
      ]);
    });

    it('keeps the first outcome of a unit and exposes it if needed', async () => {
      const store = await make();
      expect(await store.recordOutcome('exp', 'a', 'u1', 3)).toBe(true);
      expect(await store.recordOutcome('exp', 'a', 'u1', 5)).toBe(false);
      await store.recordExposure('exp', 'a', 'u2');
      await store.recordOutcome('exp', 'a', 'u2', 4);
      expect((await store.stats('exp')).arms).toEqual([
        { variant: 'a', exposures: 2, outcomes: 2, sum: 7, sumSquares: 25 },
      ]);
    });

    it('counts each unit once under concurrent recording', async () => {
      const store = await make();
      const units = Array.from({ length: 50 }, (_, i) => `u${i}`);
      await Promise.all(
        units.flatMap((unit) => [
          store.recordExposure('exp', 'a', unit),
          store.recordExposure('exp', 'a', unit),
          store.recordOutcome('exp', 'a', unit, 1),
          store.recordOutcome('exp', 'a', unit, 1),
        ]),
      );
      expect((await store.stats('exp')).arms).toEqual([
        { variant: 'a', exposures: 50, outcomes: 50, sum: 50, sumSquares: 50 },
      ]);
    });

    it('refuses to move a unit to another variant', async () => {
      const store = await make();
      await store.recordExposure('exp', 'a', 'u1');
      await expect(store.recordExposure('exp', 'b', 'u1')).rejects.toMatchObject({ code: 'CONFLICT' });
      await expect(store.recordOutcome('exp', 'b', 'u1', 1)).rejects.toMatchObject({
        code: 'CONFLICT',
        details: { exposedVariant: 'a', requestedVariant: 'b' },
      });
      expect((await store.stats('exp')).arms).toEqual([
        { variant: 'a', exposures: 1, outcomes: 0, sum: 0, sumSquares: 0 },
      ]);
    });

    it('keeps experiments apart and knows no arms of an unknown experiment', async () => {
      const store = await make();
      await store.recordOutcome('exp', 'a', 'u1', 1);
      await store.recordOutcome('exp-2', 'a', 'u1', 2);
      expect((await store.stats('exp')).arms[0]?.sum).toBe(1);
      expect(await store.stats('other')).toEqual({ experimentId: 'other', arms: [] });
    });

    it('grants the winner claim to exactly one of many concurrent callers, per experiment', async () => {
      const store = await make();
      const claims = await Promise.all(
        Array.from({ length: 20 }, (_, i) => store.claimWinner('exp', i % 2 ? 'a' : 'b')),
      );
      expect(claims.filter(Boolean)).toHaveLength(1);
      expect(await store.claimWinner('other', 'a')).toBe(true);
    });

    it('validates input and honours an aborted signal', async () => {
      const store = await make();
      await expect(store.recordOutcome('exp', 'a', 'u1', Number.NaN)).rejects.toMatchObject({
        code: 'INVALID_INPUT',
        details: { issues: [expect.objectContaining({ path: 'value' })] },
      });
      await expect(store.recordExposure('', 'a', 'u1')).rejects.toMatchObject({ code: 'INVALID_INPUT' });
      const controller = new AbortController();
      controller.abort();
      await expect(
        store.recordExposure('exp', 'a', 'u1', { signal: controller.signal }),
      ).rejects.toMatchObject({
        code: 'CANCELLED',
      });
      expect((await store.stats('exp')).arms).toEqual([]);
    });
  });
}
