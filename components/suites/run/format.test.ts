import { describe, expect, it } from 'vitest';
import { formatMs, formatRateInterval } from './format';

describe('run page formats', () => {
  it('writes a pass rate with its interval', () => {
    expect(formatRateInterval({ value: 0.72, low: 0.613, high: 0.81, confidence: 0.95 })).toBe(
      '72% (95% CI 61–81%)',
    );
  });

  it('writes latencies in units people read', () => {
    expect(formatMs(840)).toBe('840 ms');
    expect(formatMs(1_250)).toBe('1.3 s');
    expect(formatMs(75_000)).toBe('1 min 15 s');
  });
});
