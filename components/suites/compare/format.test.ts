import { describe, expect, it } from 'vitest';
import { formatDelta, formatInterval, formatValue } from './format';

describe('compare formatting', () => {
  it('shows rates as percentages and their deltas in percentage points', () => {
    expect(formatValue(0.875, 'rate')).toBe('87.5%');
    expect(formatDelta(-0.225, 'rate')).toBe('−22.5 pp');
    expect(formatInterval({ unit: 'rate', interval: { low: -0.3, high: -0.05, confidence: 0.95 } })).toBe(
      '95% CI −30.0 pp to −5.0 pp',
    );
  });

  it('shows costs in dollars from micro-dollars, a missing value as a dash (never $0)', () => {
    expect(formatValue(120, 'micros')).toBe('$0.000120');
    expect(formatValue(25_000, 'micros')).toBe('$0.0250');
    expect(formatDelta(30, 'micros')).toBe('+$0.000030');
    expect(formatValue(null, 'micros')).toBe('—');
    expect(formatValue(0, 'micros')).toBe('$0.00');
  });

  it('shows latency in ms, long ones in seconds, and zero deltas as ±', () => {
    expect(formatValue(340.4, 'ms')).toBe('340 ms');
    expect(formatValue(12_500, 'ms')).toBe('12.5 s');
    expect(formatDelta(0, 'score')).toBe('±0.000');
  });
});
