import { describe, expect, it } from 'vitest';
import { createMemoryExperimentStore } from './store';

describe('memory experiment store', () => {
  it('counts a unit once however often it is exposed', async () => {
    const store = createMemoryExperimentStore();
    expect(await store.recordExposure('exp', 'a', 'u1')).toBe(true);
    expect(await store.recordExposure('exp', 'a', 'u1')).toBe(false);
    await store.recordExposure('exp', 'b', 'u2');
    const stats = await store.stats('exp');
    expect(stats.arms).toEqual([
      { variant: 'a', exposures: 1, outcomes: 0, sum: 0, sumSquares: 0 },
      { variant: 'b', exposures: 1, outcomes: 0, sum: 0, sumSquares: 0 },
    ]);
  });

  it('keeps the first outcome of a unit and exposes it if needed', async () => {
    const store = createMemoryExperimentStore();
    expect(await store.recordOutcome('exp', 'a', 'u1', 3)).toBe(true);
    expect(await store.recordOutcome('exp', 'a', 'u1', 5)).toBe(false);
    await store.recordOutcome('exp', 'a', 'u2', 4);
    expect((await store.stats('exp')).arms).toEqual([
      { variant: 'a', exposures: 2, outcomes: 2, sum: 7, sumSquares: 25 },
    ]);
  });

  it('refuses to move a unit to another variant', async () => {
    const store = createMemoryExperimentStore();
    await store.recordExposure('exp', 'a', 'u1');
    await expect(store.recordExposure('exp', 'b', 'u1')).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(store.recordOutcome('exp', 'b', 'u1', 1)).rejects.toMatchObject({
      code: 'CONFLICT',
      details: { exposedVariant: 'a', requestedVariant: 'b' },
    });
  });

  it('returns copies, keeps experiments apart and knows no arms of an unknown experiment', async () => {
    const store = createMemoryExperimentStore();
    await store.recordOutcome('exp', 'a', 'u1', 1);
    const stats = await store.stats('exp');
    (stats.arms[0] as { sum: number }).sum = 99;
    expect((await store.stats('exp')).arms[0]?.sum).toBe(1);
    expect(await store.stats('other')).toEqual({ experimentId: 'other', arms: [] });
  });

  it('grants the winner claim once', async () => {
    const store = createMemoryExperimentStore();
    const claims = await Promise.all([store.claimWinner('exp', 'a'), store.claimWinner('exp', 'b')]);
    expect(claims).toEqual([true, false]);
    expect(await store.claimWinner('other', 'a')).toBe(true);
  });

  it('validates input and honours an aborted signal', async () => {
    const store = createMemoryExperimentStore();
    await expect(store.recordOutcome('exp', 'a', 'u1', Number.NaN)).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      details: { issues: [expect.objectContaining({ path: 'value' })] },
    });
    await expect(store.recordExposure('', 'a', 'u1')).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    const controller = new AbortController();
    controller.abort();
    await expect(store.recordExposure('exp', 'a', 'u1', { signal: controller.signal })).rejects.toMatchObject(
      {
        code: 'CANCELLED',
      },
    );
    expect((await store.stats('exp')).arms).toEqual([]);
  });
});
