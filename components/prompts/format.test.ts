import { describe, expect, it } from 'vitest';
import { formatAge, formatBytes, formatTime } from './format';

const NOW = '2026-11-25T12:00:00.000Z';

describe('formatAge', () => {
  it.each([
    ['2026-11-25T11:59:30.000Z', 'just now'],
    ['2026-11-25T11:58:00.000Z', '2 minutes ago'],
    ['2026-11-25T11:00:00.000Z', '1 hour ago'],
    ['2026-11-23T11:00:00.000Z', '2 days ago'],
    ['2026-10-01T12:00:00.000Z', '1 month ago'],
    ['2024-11-25T12:00:00.000Z', '2 years ago'],
  ])('%s is %s', (time, expected) => {
    expect(formatAge(time, NOW)).toBe(expected);
  });

  it('never says "in the future" when clocks differ slightly', () => {
    expect(formatAge('2026-11-25T12:00:05.000Z', NOW)).toBe('just now');
  });
});

describe('formatTime and formatBytes', () => {
  it('shows minutes in UTC and sizes in KB or MB', () => {
    expect(formatTime(NOW)).toBe('2026-11-25 12:00 UTC');
    expect(formatBytes(900 * 1024)).toBe('900 KB');
    expect(formatBytes(10 * 1024 * 1024)).toBe('10.0 MB');
  });
});
