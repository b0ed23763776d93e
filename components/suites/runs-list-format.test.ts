import { describe, expect, it } from 'vitest';
import { formatRunCost } from './runs-list-format';
import { isActiveRun } from './types';

describe('runs list wording', () => {
  it('never shows an unknown cost as $0', () => {
    expect(formatRunCost(0, 0, 0)).toBe('—');
    expect(formatRunCost(1234, 0, 10)).toBe('$0.001234');
    expect(formatRunCost(0, 10, 10)).toBe('unpriced (10)');
    expect(formatRunCost(500, 3, 10)).toBe('$0.000500 + 3 unpriced');
  });

  it('tells active runs apart', () => {
    expect(isActiveRun('queued')).toBe(true);
    expect(isActiveRun('completed_with_errors')).toBe(false);
  });
});
