import { LoomError } from '../core';
import { lnGamma } from '../core/math';
import { type Interval, mean, normalQuantile, stddev, tQuantile, tUpperTail } from './stats';

// Comparing two runs of the same cases: each case is its own control, so the tests are paired.
// Pass/fail uses McNemar's exact test on the cases whose verdict flipped; scores use a paired t
// interval on the per-case differences. Both answer "improvement", "regression" or "no detectable
// change" at a stated significance level, and report what the verdict rests on.

export type PairedVerdict = 'improvement' | 'regression' | 'no-detectable-change';

export interface PairedOptions {
  /** Significance level; 0.05 by default (a 95% interval). */
  alpha?: number;
}

export interface McNemarResult {
  /** Cases in both runs. */
  n: number;
  bothPass: number;
  bothFail: number;
  /** Passed in the baseline, fail in the candidate. */
  lost: number;
  /** Failed in the baseline, pass in the candidate. */
  gained: number;
  /** Candidate pass rate minus baseline's, with an Agresti–Min interval for paired proportions. */
  delta: Interval;
  /** Exact two-sided binomial test on the flipped cases; 1 when none flipped. */
  pValue: number;
  alpha: number;
  verdict: PairedVerdict;
}

export interface PairedMeanResult {
  /** Pairs with a score on both sides. */
  n: number;
  /** Mean of (candidate - baseline) with its t interval, in [-1, 1]. */
  delta: Interval & { stddev: number };
  pValue: number;
  alpha: number;
  verdict: PairedVerdict;
}

function checkAlpha(alpha: number): void {
  if (!(alpha > 0 && alpha < 0.5)) {
    throw new LoomError('INVALID_INPUT', 'alpha must be strictly between 0 and 0.5', {
      issues: [{ path: 'alpha', message: String(alpha) }],
    });
  }
}

function verdictOf(pValue: number, alpha: number, direction: number): PairedVerdict {
  if (!(pValue < alpha) || direction === 0) return 'no-detectable-change';
  return direction > 0 ? 'improvement' : 'regression';
}

/** P(X <= k) for X ~ Binomial(n, 1/2), summed in log space so n in the tens of thousands is exact enough. */
function binomialHalfLowerTail(k: number, n: number): number {
  const lnHalfPowN = -n * Math.LN2;
  const lnNFactorial = lnGamma(n + 1);
  let total = 0;
  for (let i = 0; i <= k; i++) {
    total += Math.exp(lnNFactorial - lnGamma(i + 1) - lnGamma(n - i + 1) + lnHalfPowN);
  }
  return total;
}

/**
 * McNemar's exact test for two runs' verdicts on the same cases (baseline `before`, candidate
 * `after`). Only flipped cases carry evidence; with none the verdict is no detectable change.
 */
export function mcnemarTest(
  pairs: ReadonlyArray<{ before: boolean; after: boolean }>,
  options: PairedOptions = {},
): McNemarResult {
  const alpha = options.alpha ?? 0.05;
  checkAlpha(alpha);
  let bothPass = 0;
  let bothFail = 0;
  let lost = 0;
  let gained = 0;
  for (const { before, after } of pairs) {
    if (before && after) bothPass++;
    else if (!before && !after) bothFail++;
    else if (before) lost++;
    else gained++;
  }
  const n = pairs.length;
  const flipped = lost + gained;
  const pValue = flipped === 0 ? 1 : Math.min(1, 2 * binomialHalfLowerTail(Math.min(lost, gained), flipped));
  // Agresti–Min: add 1/2 to each cell, then a Wald interval; good coverage even with few flips.
  const z = normalQuantile(1 - alpha / 2);
  const total = n + 2;
  const pLost = (lost + 0.5) / total;
  const pGained = (gained + 0.5) / total;
  const centre = pGained - pLost;
  const margin = z * Math.sqrt((pLost + pGained - centre ** 2) / total);
  return {
    n,
    bothPass,
    bothFail,
    lost,
    gained,
    delta: {
      value: n === 0 ? 0 : (gained - lost) / n,
      low: Math.max(-1, centre - margin),
      high: Math.min(1, centre + margin),
      confidence: 1 - alpha,
      n,
    },
    pValue,
    alpha,
    verdict: verdictOf(pValue, alpha, gained - lost),
  };
}

/**
 * Paired t interval for the mean score difference (candidate - baseline) over cases scored on both
 * sides. Identical nonzero differences on every case (no spread) are a certain shift: p = 0.
 */
export function pairedMeanDifference(
  pairs: ReadonlyArray<{ before: number; after: number }>,
  options: PairedOptions = {},
): PairedMeanResult {
  const alpha = options.alpha ?? 0.05;
  checkAlpha(alpha);
  const differences = pairs.map((p) => p.after - p.before);
  const n = differences.length;
  const value = mean(differences);
  const sd = stddev(differences);
  const confidence = 1 - alpha;
  if (n < 2) {
    return {
      n,
      delta: { value, low: -1, high: 1, confidence, n, stddev: sd },
      pValue: 1,
      alpha,
      verdict: 'no-detectable-change',
    };
  }
  if (sd === 0) {
    const pValue = value === 0 ? 1 : 0;
    return {
      n,
      delta: { value, low: value, high: value, confidence, n, stddev: 0 },
      pValue,
      alpha,
      verdict: verdictOf(pValue, alpha, value),
    };
  }
  const standardError = sd / Math.sqrt(n);
  const margin = tQuantile(1 - alpha / 2, n - 1) * standardError;
  const pValue = Math.min(1, 2 * tUpperTail(Math.abs(value) / standardError, n - 1));
  return {
    n,
    delta: {
      value,
      low: Math.max(-1, value - margin),
      high: Math.min(1, value + margin),
      confidence,
      n,
      stddev: sd,
    },
    pValue,
    alpha,
    verdict: verdictOf(pValue, alpha, value),
  };
}
