import { describe, expect, it } from 'vitest';
import { analyze } from './analyze';
import { createRandom } from './simulate';
import type { ExperimentStore } from './store';

/** Seeded standard normal draws (Box-Muller over sfc32), the same on every run. */
function normals(seed: number, count: number): number[] {
  const random = createRandom(seed);
  return Array.from({ length: count }, () => {
    const u = 1 - random();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
  });
}

/** Two-pass sample variance, the reference: exact enough when the mean is subtracted first. */
function twoPassVariance(values: number[]): number {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1);
}

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
        { variant: 'a', exposures: 1, outcomes: 0, sum: 0, sumSquaredDeviations: 0 },
        { variant: 'b', exposures: 1, outcomes: 0, sum: 0, sumSquaredDeviations: 0 },
      ]);
    });

    it('keeps the first outcome of a unit and exposes it if needed', async () => {
      const store = await make();
      expect(await store.recordOutcome('exp', 'a', 'u1', 3)).toBe(true);
      expect(await store.recordOutcome('exp', 'a', 'u1', 5)).toBe(false);
      await store.recordExposure('exp', 'a', 'u2');
      await store.recordOutcome('exp', 'a', 'u2', 4);
      expect((await store.stats('exp')).arms).toEqual([
        { variant: 'a', exposures: 2, outcomes: 2, sum: 7, sumSquaredDeviations: 0.5 },
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
        { variant: 'a', exposures: 50, outcomes: 50, sum: 50, sumSquaredDeviations: 0 },
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
        { variant: 'a', exposures: 1, outcomes: 0, sum: 0, sumSquaredDeviations: 0 },
      ]);
    });

    it('keeps experiments apart and knows no arms of an unknown experiment', async () => {
      const store = await make();
      await store.recordOutcome('exp', 'a', 'u1', 1);
      await store.recordOutcome('exp-2', 'a', 'u1', 2);
      expect((await store.stats('exp')).arms[0]?.sum).toBe(1);
      expect(await store.stats('other')).toEqual({ experimentId: 'other', arms: [] });
    });

    it('keeps the variance exact when the mean dwarfs the spread (mean/sd = 10^9), so A/A finds no winner', async () => {
      const store = await make();
      const perArm = 60;
      const values = {
        control: normals(9, perArm).map((z) => 1e9 + z),
        challenger: normals(10, perArm).map((z) => 1e9 + z),
      };
      await Promise.all(
        Object.entries(values).flatMap(([variant, list]) =>
          list.map((value, i) => store.recordOutcome('exp', variant, `${variant}-${i}`, value)),
        ),
      );
      const stats = await store.stats('exp');
      for (const arm of stats.arms) {
        const expected = twoPassVariance(values[arm.variant as keyof typeof values]);
        // Σx² - (Σx)²/n gave 0 here (or garbage of either sign): 10^18-sized terms, ulp 128.
        expect(Math.abs(arm.sumSquaredDeviations / (arm.outcomes - 1) / expected - 1)).toBeLessThan(1e-6);
      }
      const experiment = {
        id: 'exp',
        promptId: 'p',
        variants: [
          { name: 'control', version: 1, weight: 1 },
          { name: 'challenger', version: 2, weight: 1 },
        ],
        metric: { kind: 'numeric' as const },
        minSamplesPerArm: perArm,
        plannedSamplesPerArm: 1000,
      };
      const { verdict, arms } = analyze(experiment, stats);
      expect(arms.map((arm) => arm.variance)).toEqual([expect.closeTo(1, 0), expect.closeTo(1, 0)]);
      expect(verdict.status).toBe('running');
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
