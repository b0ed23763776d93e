import { describe, expect, it } from 'vitest';
import { formatCost, formatDollars, formatDuration, formatPercent } from './format';

describe('suites formats', () => {
  it('writes rates as percentages, a missing one as a dash', () => {
    expect(formatPercent(0.8333)).toBe('83.3%');
    expect(formatPercent(0.75)).toBe('75%');
    expect(formatPercent(0.726, 0)).toBe('73%');
    expect(formatPercent(null)).toBe('—');
    expect(formatPercent(undefined)).toBe('—');
  });

  it('writes micro-dollars with enough digits, negatives with a minus sign', () => {
    expect(formatDollars(0)).toBe('$0.00');
    expect(formatDollars(120)).toBe('$0.000120');
    expect(formatDollars(25_000)).toBe('$0.0250');
    expect(formatDollars(12_340_000)).toBe('$12.34');
    expect(formatDollars(-30)).toBe('−$0.000030');
  });

  it('never shows an unknown price as free', () => {
    expect(formatCost(null)).toBe('unpriced');
    expect(formatCost(0, 4)).toBe('unpriced (4)');
    expect(formatCost(14_400, 2)).toBe('$0.0144 + 2 unpriced');
    expect(formatCost(14_400)).toBe('$0.0144');
  });

  it('writes durations in units people read, a missing one as a dash', () => {
    expect(formatDuration(null)).toBe('—');
    expect(formatDuration(4_400)).toBe('4 s');
    expect(formatDuration(75_000)).toBe('1 min 15 s');
    expect(formatDuration(3_720_000)).toBe('1 h 2 min');
  });
});
