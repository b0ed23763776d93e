import { describe, expect, it } from 'vitest';
import { isLoomError } from '../core';
import { assign, createAssigner, unitPosition } from './assign';
import type { ExperimentInput } from './experiment';

const experiment: ExperimentInput = {
  id: 'exp-assign',
  promptId: 'support-reply',
  variants: [
    { name: 'control', version: 1, weight: 70 },
    { name: 'challenger', version: 2, weight: 30 },
  ],
  metric: { kind: 'binary' },
};

describe('assignment', () => {
  it('is sticky: the same unit always gets the same variant, across assigners', () => {
    const first = createAssigner(experiment);
    const second = createAssigner(structuredClone(experiment));
    for (let i = 0; i < 1000; i++) {
      const unit = `user-${i}`;
      expect(second(unit)).toBe(second(unit));
      expect(first(unit).name).toBe(second(unit).name);
      expect(assign(experiment, unit).name).toBe(first(unit).name);
    }
  });

  it('splits traffic by weight', () => {
    const assigner = createAssigner(experiment);
    let challenger = 0;
    const units = 200_000;
    for (let i = 0; i < units; i++) if (assigner(`user-${i}`).name === 'challenger') challenger++;
    // 0.3 ± 4 standard errors (sd of the share is about 0.001).
    expect(Math.abs(challenger / units - 0.3)).toBeLessThan(0.004);
  });

  it('never assigns a variant with weight 0, wherever it sits', () => {
    for (const order of [0, 1, 2]) {
      const variants = [
        { name: 'a', version: 1, weight: 1 },
        { name: 'b', version: 2, weight: 1 },
      ];
      variants.splice(order, 0, { name: 'paused', version: 3, weight: 0 });
      const assigner = createAssigner({ ...experiment, variants });
      let paused = 0;
      for (let i = 0; i < 20_000; i++) if (assigner(`u${i}`).name === 'paused') paused++;
      expect(paused).toBe(0);
    }
  });

  it('assigns independently in different experiments', () => {
    const other = createAssigner({ ...experiment, id: 'exp-other' });
    const assigner = createAssigner(experiment);
    let both = 0;
    const units = 100_000;
    for (let i = 0; i < units; i++) {
      if (assigner(`user-${i}`).name === 'challenger' && other(`user-${i}`).name === 'challenger') both++;
    }
    expect(Math.abs(both / units - 0.09)).toBeLessThan(0.004);
  });

  it('spreads ids that differ only in their last character', () => {
    const buckets = new Array<number>(10).fill(0);
    for (let i = 0; i < 100_000; i++) {
      const bucket = Math.floor(unitPosition('exp', `unit-${i}`) * 10);
      buckets[bucket] = (buckets[bucket] ?? 0) + 1;
    }
    for (const count of buckets) expect(Math.abs(count - 10_000)).toBeLessThan(500);
  });

  it('keeps positions stable across releases (changing the hash would reshuffle running experiments)', () => {
    expect(unitPosition('exp-assign', 'user-1')).toBe(0.9119985888246447);
    expect(unitPosition('exp-assign', 'user-2')).toBe(0.2061991887167096);
    expect(unitPosition('checkout', 'ü-ñ')).toBe(0.25172799290157855);
  });

  it('rejects an empty unit id and an invalid experiment', () => {
    const assigner = createAssigner(experiment);
    expect(() => assigner('')).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    try {
      createAssigner({ ...experiment, variants: [] });
      throw new Error('expected INVALID_INPUT');
    } catch (error) {
      expect(isLoomError(error, 'INVALID_INPUT')).toBe(true);
    }
  });
});
