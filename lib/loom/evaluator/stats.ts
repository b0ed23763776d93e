import { LoomError } from '../core';
import { lnGamma, normalQuantile as standardNormalQuantile } from '../core/math';

export interface Interval {
  value: number;
  low: number;
  high: number;
  /** e.g. 0.95 */
  confidence: number;
  /** Observations behind the estimate. */
  n: number;
}

export function mean(values: readonly number[]): number {
  return values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length;
}

/** Sample standard deviation (n - 1); 0 below two values. */
export function stddev(values: readonly number[]): number {
  if (values.length < 2) return 0;
  const m = mean(values);
  return Math.sqrt(values.reduce((sum, v) => sum + (v - m) ** 2, 0) / (values.length - 1));
}

function checkConfidence(confidence: number): void {
  if (!(confidence > 0 && confidence < 1)) {
    throw new LoomError('INVALID_INPUT', 'Confidence must be strictly between 0 and 1', {
      issues: [{ path: 'confidence', message: String(confidence) }],
    });
  }
}

/** Inverse standard normal CDF (core's implementation), refusing p outside (0, 1). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1))
    throw new LoomError('INVALID_INPUT', 'p must be in (0, 1)', {
      issues: [{ path: 'p', message: String(p) }],
    });
  return standardNormalQuantile(p);
}

/**
 * Regularised incomplete beta I_x(a, b) by Lentz's continued fraction. `y` is 1 - x, passed in when
 * the caller can compute it without cancellation.
 */
function incompleteBeta(x: number, a: number, b: number, y = 1 - x): number {
  if (x <= 0) return 0;
  if (y <= 0) return 1;
  if (x > (a + 1) / (a + b + 2)) return 1 - incompleteBeta(y, b, a, x);
  const front = Math.exp(Math.log(x) * a + Math.log(y) * b - (lnGamma(a) + lnGamma(b) - lnGamma(a + b))) / a;
  const tiny = 1e-300;
  let f = 1;
  let c = 1;
  let d = 0;
  for (let i = 0; i <= 300; i++) {
    const m = Math.floor(i / 2);
    const numerator =
      i === 0
        ? 1
        : i % 2 === 0
          ? (m * (b - m) * x) / ((a + 2 * m - 1) * (a + 2 * m))
          : -((a + m) * (a + b + m) * x) / ((a + 2 * m) * (a + 2 * m + 1));
    d = 1 + numerator * d;
    d = Math.abs(d) < tiny ? tiny : d;
    d = 1 / d;
    c = 1 + numerator / c;
    c = Math.abs(c) < tiny ? tiny : c;
    const step = c * d;
    f *= step;
    if (Math.abs(1 - step) < 1e-15) break;
  }
  return front * (f - 1);
}

/** P(T > t) for t >= 0, computed directly: 1 - CDF would round the upper tail away. */
export function tUpperTail(t: number, df: number): number {
  return 0.5 * incompleteBeta(df / (df + t * t), df / 2, 0.5, (t * t) / (df + t * t));
}

/**
 * Inverse Student's t CDF for p > 0.5, by bisection on the upper tail 1 - p (exact in floating point
 * for p > 0.5), so quantiles far out in the tail keep their precision.
 */
export function tQuantile(p: number, df: number): number {
  if (!(p > 0.5 && p < 1) || !(df >= 1)) {
    throw new LoomError('INVALID_INPUT', 'tQuantile needs 0.5 < p < 1 and df >= 1', {
      issues: [
        { path: 'p', message: String(p) },
        { path: 'df', message: String(df) },
      ],
    });
  }
  const tail = 1 - p;
  let low = 0;
  let high = 1;
  while (tUpperTail(high, df) > tail) high *= 2;
  for (let i = 0; i < 200 && high - low > high * 1e-16; i++) {
    const mid = (low + high) / 2;
    if (tUpperTail(mid, df) > tail) low = mid;
    else high = mid;
  }
  return (low + high) / 2;
}

/**
 * Wilson score interval for a pass rate: honest at small n and near 0 or 1, where the normal
 * approximation gives impossible bounds. With no trials the rate is unknown: [0, 1].
 */
export function wilsonInterval(passes: number, n: number, confidence = 0.95): Interval {
  checkConfidence(confidence);
  if (!(Number.isInteger(passes) && Number.isInteger(n) && passes >= 0 && passes <= n)) {
    throw new LoomError('INVALID_INPUT', 'Need integers 0 <= passes <= n', {
      issues: [{ path: 'passes', message: `${passes}/${n}` }],
    });
  }
  if (n === 0) return { value: 0, low: 0, high: 1, confidence, n };
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const p = passes / n;
  const z2 = z * z;
  const centre = p + z2 / (2 * n);
  const margin = z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  const denominator = 1 + z2 / n;
  return {
    value: p,
    // At 0 or n passes the bound is exactly 0 or 1; floating point would leave it a hair inside.
    low: passes === 0 ? 0 : Math.max(0, (centre - margin) / denominator),
    high: passes === n ? 1 : Math.min(1, (centre + margin) / denominator),
    confidence,
    n,
  };
}

/**
 * t-based confidence interval for the mean of scores in [0, 1], clamped to [0, 1]. Below two
 * observations the spread is unknown, so the interval is the whole range.
 */
export function meanInterval(values: readonly number[], confidence = 0.95): Interval & { stddev: number } {
  checkConfidence(confidence);
  const n = values.length;
  const value = mean(values);
  const sd = stddev(values);
  if (n < 2) return { value, low: 0, high: 1, confidence, n, stddev: sd };
  const margin = (tQuantile(1 - (1 - confidence) / 2, n - 1) * sd) / Math.sqrt(n);
  return {
    value,
    low: Math.max(0, value - margin),
    high: Math.min(1, value + margin),
    confidence,
    n,
    stddev: sd,
  };
}
