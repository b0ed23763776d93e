import { describe, expect, it, vi } from 'vitest';
import { parseExperiment, type Experiment } from './experiment';
import { createExperimentRunner, promote, type Promoter, type PromotionRequest } from './runner';
import { createMemoryExperimentStore } from './store';
import type { Verdict } from './analyze';

const experiment: Experiment = parseExperiment({
  id: 'exp-runner',
  promptId: 'support-reply',
  variants: [
    { name: 'control', version: 1, weight: 1 },
    { name: 'challenger', version: 4, weight: 1 },
  ],
  metric: { kind: 'binary' },
  minSamplesPerArm: 50,
  plannedSamplesPerArm: 400,
});

function fakePromoter(): Promoter & { calls: PromotionRequest[] } {
  const calls: PromotionRequest[] = [];
  return {
    calls,
    async moveLabel(request) {
      calls.push(request);
      return { from: 1, to: request.winner.version };
    },
  };
}

describe('experiment runner', () => {
  it('fires onWinner exactly once under concurrent outcome recording', async () => {
    const onWinner = vi.fn(async (_: Experiment, verdict: Verdict) => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      return void verdict;
    });
    const runner = createExperimentRunner({ store: createMemoryExperimentStore(), onWinner });
    // The challenger converts 60% of the time and the control 20%: a winner appears soon after both
    // arms reach 50 units, while hundreds of outcomes are still being recorded concurrently.
    const outcomes = Array.from({ length: 2000 }, (_, i) => i).map(async (i) => {
      const unit = `user-${i}`;
      const variant = await runner.expose(experiment, unit);
      const converts = variant.name === 'challenger' ? i % 10 < 6 : i % 10 < 2;
      return runner.recordOutcome(experiment, unit, converts);
    });
    const analyses = await Promise.all(outcomes);
    expect(onWinner).toHaveBeenCalledTimes(1);
    expect(onWinner.mock.calls[0]?.[1]).toMatchObject({
      status: 'winner',
      winner: { name: 'challenger', version: 4 },
    });
    expect(analyses.filter((analysis) => analysis.verdict.status === 'winner').length).toBeGreaterThan(1);
  });

  it("records each outcome in the unit's sticky variant and validates binary values", async () => {
    const store = createMemoryExperimentStore();
    const runner = createExperimentRunner({ store });
    const variant = await runner.expose(experiment, 'user-1');
    await runner.recordOutcome(experiment, 'user-1', true);
    const stats = await store.stats(experiment.id);
    expect(stats.arms).toEqual([
      { variant: variant.name, exposures: 1, outcomes: 1, sum: 1, sumSquaredDeviations: 0 },
    ]);
    await expect(runner.recordOutcome(experiment, 'user-2', 0.5)).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
  });

  it('refuses new exposures once the experiment is no longer running', async () => {
    const runner = createExperimentRunner({ store: createMemoryExperimentStore() });
    const stopped = parseExperiment({ ...experiment, status: 'stopped' });
    await expect(runner.expose(stopped, 'user-1')).rejects.toMatchObject({ code: 'CONFLICT' });
  });
});

describe('promote', () => {
  const winner: Verdict = {
    status: 'winner',
    winner: { name: 'challenger', version: 4, weight: 1 },
    lift: 0.2,
    interval: [0.1, 0.3],
    difference: 0.02,
    differenceInterval: [0.01, 0.03],
    pValue: 0.01,
    message: 'challenger wins',
  };

  it('asks the promoter to move production to the winning version', async () => {
    const registry = fakePromoter();
    const promotion = await promote(experiment, winner, registry);
    expect(registry.calls).toEqual([
      {
        experimentId: experiment.id,
        promptId: 'support-reply',
        label: 'production',
        winner: { name: 'challenger', version: 4, weight: 1 },
      },
    ]);
    expect(promotion).toMatchObject({ promptId: 'support-reply', label: 'production', from: 1, to: 4 });
  });

  it('refuses without a winner, or with a winner the experiment does not have', async () => {
    const registry = fakePromoter();
    await expect(
      promote(experiment, { ...winner, status: 'running', winner: undefined }, registry),
    ).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    await expect(
      promote(experiment, { ...winner, winner: { name: 'challenger', version: 9, weight: 1 } }, registry),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(registry.calls).toEqual([]);
  });
});
