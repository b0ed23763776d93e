import { describe, expect, it } from 'vitest';
import { isValidTimeZone, offsetSegments, startOfZonedDay, zonedMidnight, zoneOffsetMs } from './time-zone';

const HOUR = 3_600_000;
const at = (iso: string) => new Date(iso);

describe('time zones for dashboard days', () => {
  it('knows IANA names and refuses others', () => {
    expect(isValidTimeZone('Europe/Paris')).toBe(true);
    expect(isValidTimeZone('UTC')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus')).toBe(false);
    expect(isValidTimeZone('')).toBe(false);
  });

  it('gives offsets, daylight saving included', () => {
    expect(zoneOffsetMs(Date.parse('2026-01-15T12:00:00Z'), 'Europe/Paris')).toBe(HOUR);
    expect(zoneOffsetMs(Date.parse('2026-07-15T12:00:00Z'), 'Europe/Paris')).toBe(2 * HOUR);
    expect(zoneOffsetMs(Date.parse('2026-07-15T12:00:00Z'), 'Asia/Kolkata')).toBe(5.5 * HOUR);
  });

  it('splits a range where the offset changes, at the first hour of the new offset', () => {
    expect(
      offsetSegments(at('2026-03-01T00:00:00Z'), at('2026-03-20T00:00:00Z'), 'America/New_York'),
    ).toEqual([
      {
        from: Date.parse('2026-03-01T00:00:00Z'),
        to: Date.parse('2026-03-08T07:00:00Z'),
        offsetMs: -5 * HOUR,
      },
      {
        from: Date.parse('2026-03-08T07:00:00Z'),
        to: Date.parse('2026-03-20T00:00:00Z'),
        offsetMs: -4 * HOUR,
      },
    ]);
    expect(offsetSegments(at('2026-01-01T00:30:00Z'), at('2027-01-01T00:00:00Z'), 'UTC')).toEqual([
      { from: Date.parse('2026-01-01T00:00:00Z'), to: Date.parse('2027-01-01T00:00:00Z'), offsetMs: 0 },
    ]);
    expect(
      offsetSegments(at('2026-01-01T00:00:00Z'), at('2027-01-01T00:00:00Z'), 'Europe/Paris'),
    ).toHaveLength(3);
  });

  it('starts days at local midnight, on both sides of a daylight-saving change', () => {
    expect(startOfZonedDay(at('2026-03-08T04:30:00Z'), 'America/New_York')).toEqual(
      at('2026-03-07T05:00:00Z'),
    );
    expect(startOfZonedDay(at('2026-03-09T03:30:00Z'), 'America/New_York')).toEqual(
      at('2026-03-08T05:00:00Z'),
    );
    expect(startOfZonedDay(at('2026-03-09T04:10:00Z'), 'America/New_York')).toEqual(
      at('2026-03-09T04:00:00Z'),
    );
    expect(zonedMidnight(Date.parse('2026-12-01T00:00:00Z'), 'Pacific/Auckland')).toEqual(
      at('2026-11-30T11:00:00Z'),
    );
  });
});
