import { LoomError } from '../core';
import { type CaseResult, summarizeRun } from './results';

export interface CaseDelta {
  caseId: string;
  before: { pass: boolean; score: number; error?: string };
  after: { pass: boolean; score: number; error?: string };
  /** after.score - before.score */
  scoreDelta: number;
  why: 'pass-to-fail' | 'fail-to-pass' | 'score-drop' | 'score-rise';
}

export interface RunComparison {
  regressions: CaseDelta[];
  improvements: CaseDelta[];
  /** Cases in both runs with no change beyond the threshold. */
  unchanged: number;
  onlyInA: string[];
  onlyInB: string[];
  /** Over the cases both runs share, so a changed suite does not skew the deltas. */
  passRateDelta: number;
  meanScoreDelta: number;
}

export interface CompareOptions {
  /** A score change smaller than this (same verdict) is noise. */
  scoreThreshold?: number;
}

function side(c: CaseResult): CaseDelta['before'] {
  return { pass: c.pass, score: c.score, ...(c.error ? { error: c.error.code } : {}) };
}

/** Compares run `a` (baseline) with run `b` case by case. */
export function compareRuns(
  a: { cases: readonly CaseResult[] },
  b: { cases: readonly CaseResult[] },
  options: CompareOptions = {},
): RunComparison {
  const threshold = options.scoreThreshold ?? 0.1;
  if (!(threshold >= 0 && threshold <= 1)) {
    throw new LoomError('INVALID_INPUT', 'scoreThreshold must be in [0, 1]', {
      issues: [{ path: 'scoreThreshold', message: String(threshold) }],
    });
  }
  if (!Array.isArray(a?.cases) || !Array.isArray(b?.cases)) {
    throw new LoomError('INVALID_INPUT', 'compareRuns needs two runs with cases', {
      issues: [{ path: 'cases', message: 'required' }],
    });
  }
  const before = new Map(a.cases.map((c) => [c.caseId, c]));
  const after = new Map(b.cases.map((c) => [c.caseId, c]));
  const regressions: CaseDelta[] = [];
  const improvements: CaseDelta[] = [];
  const sharedA: CaseResult[] = [];
  const sharedB: CaseResult[] = [];

  for (const [caseId, x] of before) {
    const y = after.get(caseId);
    if (!y) continue;
    sharedA.push(x);
    sharedB.push(y);
    const scoreDelta = y.score - x.score;
    const delta = { caseId, before: side(x), after: side(y), scoreDelta };
    if (x.pass && !y.pass) regressions.push({ ...delta, why: 'pass-to-fail' });
    else if (!x.pass && y.pass) improvements.push({ ...delta, why: 'fail-to-pass' });
    else if (scoreDelta < -threshold) regressions.push({ ...delta, why: 'score-drop' });
    else if (scoreDelta > threshold) improvements.push({ ...delta, why: 'score-rise' });
  }
  const summaryA = summarizeRun(sharedA);
  const summaryB = summarizeRun(sharedB);
  return {
    regressions,
    improvements,
    unchanged: sharedA.length - regressions.length - improvements.length,
    onlyInA: [...before.keys()].filter((id) => !after.has(id)),
    onlyInB: [...after.keys()].filter((id) => !before.has(id)),
    passRateDelta: summaryB.passRate.value - summaryA.passRate.value,
    meanScoreDelta: summaryB.meanScore.value - summaryA.meanScore.value,
  };
}
