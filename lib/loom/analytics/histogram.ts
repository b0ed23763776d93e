import { z } from 'zod';
import { LoomError } from '../core';

/** Bucket growth factor: values in a bucket are within (γ - 1) / (γ + 1) ≈ 0.99% of its midpoint. */
export const DEFAULT_GAMMA = 1.02;
/** Values at or below this (in the caller's unit, e.g. 1 µs for milliseconds) share the zero bucket. */
export const MIN_TRACKED_VALUE = 1e-3;

export const serializedHistogramSchema = z.object({
  gamma: z.number().gt(1).lt(2),
  count: z.number().int().nonnegative(),
  sum: z.number(),
  min: z.number().nullable(),
  max: z.number().nullable(),
  zeroCount: z.number().int().nonnegative(),
  /** [bucket index, count] pairs sorted by index; bucket i holds (γ^(i-1), γ^i]. */
  buckets: z.array(z.tuple([z.number().int(), z.number().int().positive()])),
});
export type SerializedHistogram = z.infer<typeof serializedHistogramSchema>;

/**
 * A DDSketch-style log-bucketed histogram of nonnegative values. Quantiles have a relative error of
 * at most (γ - 1) / (γ + 1) (under 1% at γ = 1.02) for values above MIN_TRACKED_VALUE, and two
 * histograms with the same γ merge exactly, so hourly rollups can be combined into any range.
 */
export class Histogram {
  readonly gamma: number;
  private readonly logGamma: number;
  private counts = new Map<number, number>();
  private zero = 0;
  private total = 0;
  private valueSum = 0;
  private minimum = Infinity;
  private maximum = -Infinity;

  constructor(gamma: number = DEFAULT_GAMMA) {
    if (!(gamma > 1 && gamma < 2)) {
      throw new LoomError('INVALID_INPUT', 'Histogram gamma must be in (1, 2)', {
        issues: [{ path: 'gamma', message: `got ${gamma}` }],
      });
    }
    this.gamma = gamma;
    this.logGamma = Math.log(gamma);
  }

  get count(): number {
    return this.total;
  }

  get sum(): number {
    return this.valueSum;
  }

  get min(): number | undefined {
    return this.total > 0 ? this.minimum : undefined;
  }

  get max(): number | undefined {
    return this.total > 0 ? this.maximum : undefined;
  }

  /** Adds `value` `times` times; rejects negative or non-finite values. */
  record(value: number, times = 1): this {
    if (!Number.isFinite(value) || value < 0 || !Number.isInteger(times) || times < 1) {
      throw new LoomError('INVALID_INPUT', 'Histogram values must be finite and nonnegative', {
        issues: [{ path: 'value', message: `got ${value} × ${times}` }],
      });
    }
    if (value <= MIN_TRACKED_VALUE) {
      this.zero += times;
    } else {
      const index = Math.ceil(Math.log(value) / this.logGamma);
      this.counts.set(index, (this.counts.get(index) ?? 0) + times);
    }
    this.total += times;
    this.valueSum += value * times;
    if (value < this.minimum) this.minimum = value;
    if (value > this.maximum) this.maximum = value;
    return this;
  }

  /** Adds every value of `other` (same γ) to this histogram. */
  merge(other: Histogram): this {
    if (other.gamma !== this.gamma) {
      throw new LoomError(
        'INVALID_INPUT',
        `Cannot merge histograms with gamma ${other.gamma} and ${this.gamma}`,
        {
          issues: [{ path: 'gamma', message: 'histograms must share gamma' }],
        },
      );
    }
    for (const [index, count] of other.counts) this.counts.set(index, (this.counts.get(index) ?? 0) + count);
    this.zero += other.zero;
    this.total += other.total;
    this.valueSum += other.valueSum;
    this.minimum = Math.min(this.minimum, other.minimum);
    this.maximum = Math.max(this.maximum, other.maximum);
    return this;
  }

  /**
   * The nearest-rank q-quantile (the smallest recorded value with at least q·count values at or below
   * it), estimated from its bucket; undefined when empty.
   */
  quantile(q: number): number | undefined {
    return this.quantiles([q])[0];
  }

  /** Several quantiles from one sorted walk over the buckets (a dashboard row asks for three). */
  quantiles(qs: readonly number[]): (number | undefined)[] {
    for (const q of qs) {
      if (!(q >= 0 && q <= 1)) {
        throw new LoomError('INVALID_INPUT', 'Quantile must be in [0, 1]', {
          issues: [{ path: 'q', message: `got ${q}` }],
        });
      }
    }
    if (this.total === 0) return qs.map(() => undefined);
    // Wanted ranks, smallest first, each answered by the first bucket that reaches it.
    const wanted = qs
      .map((q, at) => ({ rank: Math.max(1, Math.ceil(q * this.total)), at }))
      .sort((a, b) => a.rank - b.rank);
    const results: (number | undefined)[] = qs.map(() => this.maximum);
    let pending = 0;
    const answer = (seen: number, value: number) => {
      for (; pending < wanted.length; pending++) {
        const { rank, at } = wanted[pending] as { rank: number; at: number };
        if (rank > seen) return;
        results[at] = value;
      }
    };
    let seen = this.zero;
    answer(seen, this.minimum);
    // A typed array sorts numerically and natively: no comparator call per comparison.
    for (const index of Float64Array.from(this.counts.keys()).sort()) {
      if (pending === wanted.length) break;
      seen += this.counts.get(index) ?? 0;
      const estimate = (2 * Math.pow(this.gamma, index)) / (this.gamma + 1);
      answer(seen, Math.min(this.maximum, Math.max(this.minimum, estimate)));
    }
    return results;
  }

  /** A plain JSON-safe form for rollup tables. */
  serialize(): SerializedHistogram {
    return {
      gamma: this.gamma,
      count: this.total,
      sum: this.valueSum,
      min: this.total > 0 ? this.minimum : null,
      max: this.total > 0 ? this.maximum : null,
      zeroCount: this.zero,
      buckets: [...this.counts.entries()].sort((a, b) => a[0] - b[0]),
    };
  }

  /**
   * A histogram from bucket counts a store has just added up (a Map it will not touch again),
   * checked for consistency in one pass instead of by a schema, which on hundreds of groups of
   * hundreds of buckets cost more than the query that produced them.
   */
  static fromCounts(parts: {
    gamma?: number;
    count: number;
    sum: number;
    min: number;
    max: number;
    zeroCount: number;
    buckets: Map<number, number>;
  }): Histogram {
    const histogram = new Histogram(parts.gamma ?? DEFAULT_GAMMA);
    let total = parts.zeroCount;
    for (const [index, count] of parts.buckets) {
      if (!Number.isInteger(index) || !Number.isInteger(count) || count < 1) {
        throw new LoomError('INVALID_INPUT', 'Invalid histogram bucket', {
          issues: [{ path: `buckets.${index}`, message: `got count ${count}` }],
        });
      }
      total += count;
    }
    if (total !== parts.count || !Number.isInteger(parts.zeroCount) || parts.zeroCount < 0) {
      throw new LoomError('INVALID_INPUT', 'Histogram counts are inconsistent', {
        issues: [{ path: 'count', message: `buckets hold ${total} values, count says ${parts.count}` }],
      });
    }
    histogram.counts = parts.buckets; // handed over, not copied: the caller lets go of it
    histogram.zero = parts.zeroCount;
    histogram.total = parts.count;
    histogram.valueSum = parts.sum;
    if (parts.count > 0) {
      histogram.minimum = parts.min;
      histogram.maximum = parts.max;
    }
    return histogram;
  }

  static deserialize(input: unknown): Histogram {
    const parsed = serializedHistogramSchema.safeParse(input);
    if (!parsed.success) {
      throw new LoomError('INVALID_INPUT', 'Invalid serialized histogram', {
        issues: parsed.error.issues.map((issue) => ({
          path: issue.path.map(String).join('.'),
          message: issue.message,
        })),
      });
    }
    const data = parsed.data;
    const bucketTotal = data.buckets.reduce((sum, [, count]) => sum + count, data.zeroCount);
    if (bucketTotal !== data.count || (data.count > 0 && (data.min === null || data.max === null))) {
      throw new LoomError('INVALID_INPUT', 'Serialized histogram is inconsistent', {
        issues: [{ path: 'count', message: `buckets hold ${bucketTotal} values, count says ${data.count}` }],
      });
    }
    const histogram = new Histogram(data.gamma);
    for (const [index, count] of data.buckets)
      histogram.counts.set(index, (histogram.counts.get(index) ?? 0) + count);
    histogram.zero = data.zeroCount;
    histogram.total = data.count;
    histogram.valueSum = data.sum;
    if (data.count > 0) {
      histogram.minimum = data.min ?? Infinity;
      histogram.maximum = data.max ?? -Infinity;
    }
    return histogram;
  }
}

/** Merges any number of histograms into a new one (they must share γ). */
export function mergeHistograms(histograms: Iterable<Histogram>, gamma: number = DEFAULT_GAMMA): Histogram {
  const merged = new Histogram(gamma);
  for (const histogram of histograms) merged.merge(histogram);
  return merged;
}
