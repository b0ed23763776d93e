import { describe, expect, it } from 'vitest';
import { createTracker } from './tracker';

describe('tracker', () => {
  const filled = () => {
    const tracker = createTracker();
    tracker.record({
      promptId: 'b',
      version: 1,
      model: 'gpt-4o',
      usage: { inputTokens: 100, outputTokens: 10 },
      costMicros: 350,
    });
    tracker.record({
      promptId: 'a',
      version: 2,
      model: 'gpt-4o',
      usage: { inputTokens: 50, outputTokens: 5, cachedInputTokens: 20 },
      costMicros: 120,
    });
    tracker.record({
      promptId: 'a',
      version: 1,
      model: 'mystery',
      usage: { inputTokens: 7, outputTokens: 3 },
    });
    return tracker;
  };

  it('sums integers over all calls and counts unpriced ones apart', () => {
    expect(filled().totals()).toEqual({
      calls: 3,
      inputTokens: 157,
      outputTokens: 18,
      cachedInputTokens: 20,
      costMicros: 470,
      unpricedCalls: 1,
    });
  });

  it('aggregates by prompt, version and model with sorted keys', () => {
    const tracker = filled();
    const byPrompt = tracker.by('prompt');
    expect([...byPrompt.keys()]).toEqual(['a', 'b']);
    expect(byPrompt.get('a')).toMatchObject({ calls: 2, costMicros: 120, unpricedCalls: 1 });
    expect([...tracker.by('version').keys()]).toEqual(['a@1', 'a@2', 'b@1']);
    expect(tracker.by('model').get('gpt-4o')).toMatchObject({ calls: 2, inputTokens: 150, costMicros: 470 });
  });

  it('returns copies: callers cannot change the running totals', () => {
    const tracker = filled();
    tracker.totals().costMicros = 0;
    const byModel = tracker.by('model').get('gpt-4o');
    if (byModel) byModel.calls = 99;
    expect(tracker.totals().costMicros).toBe(470);
    expect(tracker.by('model').get('gpt-4o')?.calls).toBe(2);
  });

  it('rejects fractional costs, negative tokens and unknown dimensions', () => {
    const tracker = createTracker();
    const base = { promptId: 'p', version: 1, model: 'm', usage: { inputTokens: 1, outputTokens: 1 } };
    expect(() => tracker.record({ ...base, costMicros: 1.5 })).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT' }),
    );
    expect(() => tracker.record({ ...base, usage: { inputTokens: -1, outputTokens: 0 } })).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT' }),
    );
    expect(() => tracker.by('day' as never)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(tracker.totals().calls).toBe(0);
  });
});
