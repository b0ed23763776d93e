import { describe, expect, it } from 'vitest';
import { formatDuration, formatPassRate, formatRunCost, isActiveRun } from './runs-list-format';

describe('runs list wording', () => {
  it('never shows an unknown cost as $0', () => {
    expect(formatRunCost(0, 0, 0)).toBe('—');
    expect(formatRunCost(1234, 0, 10)).toBe('$0.001234');
    expect(formatRunCost(0, 10, 10)).toBe('unpriced');
    expect(formatRunCost(500, 3, 10)).toBe('$0.000500 + 3 unpriced');
  });

  it('formats durations, pass rates and activity', () => {
    expect(formatDuration(null)).toBe('—');
    expect(formatDuration(4_400)).toBe('4 s');
    expect(formatDuration(125_000)).toBe('2 min 5 s');
    expect(formatDuration(3_725_000)).toBe('1 h 2 min');
    expect(formatPassRate(3, 4)).toBe('75.0%');
    expect(formatPassRate(0, 0)).toBe('—');
    expect(isActiveRun('queued')).toBe(true);
    expect(isActiveRun('completed_with_errors')).toBe(false);
  });
});
