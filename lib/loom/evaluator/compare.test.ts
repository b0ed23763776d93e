import { describe, expect, it } from 'vitest';
import { type CaseResult, compareRuns } from './index';

function result(caseId: string, pass: boolean, score: number, error?: CaseResult['error']): CaseResult {
  return {
    caseId,
    tags: [],
    output: 'x',
    evaluations: [],
    score,
    pass,
    latencyMs: 1,
    usage: { inputTokens: 0, outputTokens: 0 },
    costMicros: 0,
    judgeUsage: { inputTokens: 0, outputTokens: 0 },
    judgeCostMicros: 0,
    ...(error ? { error } : {}),
  };
}

describe('compareRuns', () => {
  const baseline = {
    cases: [
      result('a', true, 1),
      result('b', true, 0.9),
      result('c', false, 0.2),
      result('d', true, 0.95),
      result('e', true, 0.8),
      result('gone', true, 1),
    ],
  };
  const candidate = {
    cases: [
      result('a', false, 0, { code: 'TIMEOUT', message: 'slow', details: {} }),
      result('b', true, 0.7),
      result('c', true, 0.8),
      result('d', true, 0.9),
      result('e', true, 0.95),
      result('new', true, 1),
    ],
  };

  it('lists regressions (pass to fail, score drops) and improvements', () => {
    const comparison = compareRuns(baseline, candidate);
    expect(comparison.regressions.map((d) => [d.caseId, d.why])).toEqual([
      ['a', 'pass-to-fail'],
      ['b', 'score-drop'],
    ]);
    expect(comparison.regressions[0]?.after).toEqual({ pass: false, score: 0, error: 'TIMEOUT' });
    expect(comparison.regressions[1]?.scoreDelta).toBeCloseTo(-0.2, 10);
    expect(comparison.improvements.map((d) => [d.caseId, d.why])).toEqual([
      ['c', 'fail-to-pass'],
      ['e', 'score-rise'],
    ]);
    expect(comparison.unchanged).toBe(1);
    expect(comparison.onlyInA).toEqual(['gone']);
    expect(comparison.onlyInB).toEqual(['new']);
  });

  it('compares pass rates over the shared cases', () => {
    const comparison = compareRuns(baseline, candidate);
    // shared: a..e; baseline 4/5 pass, candidate 4/5 pass.
    expect(comparison.passRateDelta).toBeCloseTo(0, 10);
  });

  it('treats small score changes as noise, by a configurable threshold', () => {
    expect(
      compareRuns(baseline, candidate, { scoreThreshold: 0.25 }).regressions.map((d) => d.caseId),
    ).toEqual(['a']);
    expect(
      compareRuns(baseline, candidate, { scoreThreshold: 0.01 }).regressions.map((d) => d.caseId),
    ).toEqual(['a', 'b', 'd']);
    expect(() => compareRuns(baseline, candidate, { scoreThreshold: 2 })).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT' }),
    );
  });
});
