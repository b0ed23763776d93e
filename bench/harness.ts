// Shared by benchmarks: ops/sec of a closure, measured after a warm-up so the JIT has settled.

export interface MeasureOptions {
  /** Measured time in ms (default 1000). */
  durationMs?: number;
  /** Unmeasured warm-up in ms (default 200). */
  warmupMs?: number;
}

/** Calls between clock reads: reading the clock on every call would dominate sub-microsecond work. */
const BATCH = 16;

async function loop(fn: () => unknown, durationMs: number): Promise<number> {
  let ops = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < durationMs) {
    for (let i = 0; i < BATCH; i++) {
      const result = fn();
      if (result instanceof Promise) await result;
    }
    ops += BATCH;
    elapsed = performance.now() - start;
  }
  return ops / (elapsed / 1000);
}

/** Operations per second of `fn` (awaited when it returns a promise). */
export async function measureOpsPerSecond(fn: () => unknown, options: MeasureOptions = {}): Promise<number> {
  await loop(fn, options.warmupMs ?? 200);
  return loop(fn, options.durationMs ?? 1000);
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? Number.NaN)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}
