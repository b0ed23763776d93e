import { describe, expect, it } from 'vitest';
import { formatCost, formatDuration, formatMicros, formatMs, formatRateInterval } from './format';

describe('run page formats', () => {
  it('writes a pass rate with its interval', () => {
    expect(formatRateInterval({ value: 0.72, low: 0.613, high: 0.81, confidence: 0.95 })).toBe(
      '72% (95% CI 61–81%)',
    );
  });

  it('never shows an unknown price as free', () => {
    expect(formatCost(null)).toBe('unpriced');
    expect(formatCost(0, 4)).toBe('unpriced (4)');
    expect(formatCost(14_400, 2)).toBe('$0.0144 + 2 unpriced');
    expect(formatMicros(120)).toBe('$0.000120');
  });

  it('writes durations and latencies in units people read', () => {
    expect(formatMs(840)).toBe('840 ms');
    expect(formatMs(1_250)).toBe('1.3 s');
    expect(formatDuration(75_000)).toBe('1 min 15 s');
    expect(formatDuration(3_720_000)).toBe('1 h 2 min');
  });
});
