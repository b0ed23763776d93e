import { describe, expect, it } from 'vitest';
import { createMemoryExperimentStore } from './store';
import { runExperimentStoreContract } from './store-contract';

runExperimentStoreContract('memory', () => createMemoryExperimentStore());

describe('memory experiment store', () => {
  it('returns copies of its totals', async () => {
    const store = createMemoryExperimentStore();
    await store.recordOutcome('exp', 'a', 'u1', 1);
    const stats = await store.stats('exp');
    (stats.arms[0] as { sum: number }).sum = 99;
    expect((await store.stats('exp')).arms[0]?.sum).toBe(1);
  });
});
