import { describe, expect, it } from 'vitest';
import { formatClock, formatHttpStatus, formatLatency } from './format';

describe('webhook log formats', () => {
  it('says times to the second in UTC, statuses and latencies in words', () => {
    expect(formatClock('2026-12-02T06:21:03.456Z')).toBe('2026-12-02 06:21:03 UTC');
    expect(formatHttpStatus(503)).toBe('HTTP 503');
    expect(formatHttpStatus(null)).toBe('no answer');
    expect(formatLatency(null)).toBe('—');
    expect(formatLatency(87)).toBe('87 ms');
    expect(formatLatency(15_000)).toBe('15.0 s');
  });
});
