// The dashboards' URL filters: presets and custom ranges in the workspace's time zone, and every
// kind of bad input turned into a message (never an exception).
import { describe, expect, it } from 'vitest';
import { filtersQuery, parseDashboardParams } from './params';

const NOW = new Date('2026-03-10T15:30:00Z');

function ok(search: Record<string, string>, timeZone = 'UTC') {
  const parsed = parseDashboardParams(search, NOW, timeZone);
  if (!parsed.ok) throw new Error(parsed.problems.join(' '));
  return parsed.filters;
}

function problems(search: Record<string, string>) {
  const parsed = parseDashboardParams(search, NOW, 'UTC');
  if (parsed.ok) throw new Error('expected problems');
  return parsed.problems;
}

describe('parseDashboardParams', () => {
  it('defaults to the last 7 days, today included, with the previous 7 days to compare', () => {
    const filters = ok({});
    expect(filters.preset).toBe('7d');
    expect(filters.from.toISOString()).toBe('2026-03-04T00:00:00.000Z');
    expect(filters.to.toISOString()).toBe('2026-03-11T00:00:00.000Z');
    expect(filters.previousFrom.toISOString()).toBe('2026-02-25T00:00:00.000Z');
    expect(filters.grain).toBe('day');
  });

  it('reads the last 24 hours in whole hours, by the hour', () => {
    const filters = ok({ range: '24h' });
    expect(filters.from.toISOString()).toBe('2026-03-09T16:00:00.000Z');
    expect(filters.to.toISOString()).toBe('2026-03-10T16:00:00.000Z');
    expect(filters.grain).toBe('hour');
  });

  it("starts days at the workspace's midnight, across a daylight-saving change", () => {
    // Paris moves to summer time on 2026-03-29: the 30 days before April 1 span it.
    const filters = ok({ from: '2026-03-28', to: '2026-03-30' }, 'Europe/Paris');
    expect(filters.from.toISOString()).toBe('2026-03-27T23:00:00.000Z');
    expect(filters.to.toISOString()).toBe('2026-03-30T22:00:00.000Z');
    const week = ok({ range: '7d' }, 'America/New_York');
    expect(week.to.toISOString()).toBe('2026-03-11T04:00:00.000Z');
  });

  it('takes a custom range of calendar days, the last one included', () => {
    const filters = ok({ from: '2026-01-01', to: '2026-01-31', prompt: 'support-reply', model: 'gpt-4o' });
    expect(filters.preset).toBe('custom');
    expect(filters.to.getTime() - filters.from.getTime()).toBe(31 * 86_400_000);
    expect(filters.promptId).toBe('support-reply');
    expect(filters.model).toBe('gpt-4o');
    expect(filtersQuery(filters)).toBe('from=2026-01-01&to=2026-01-31&prompt=support-reply&model=gpt-4o');
  });

  it('says what is wrong with a bad range instead of failing', () => {
    expect(problems({ range: '2w' })).toEqual([expect.stringContaining('Unknown range “2w”')]);
    expect(problems({ from: '2026-02-30', to: '2026-03-01' })).toEqual([
      expect.stringContaining('“from” is not a date: “2026-02-30”'),
    ]);
    expect(problems({ from: '2026-03-01' })).toEqual([expect.stringContaining('needs both')]);
    expect(problems({ from: '2026-03-05', to: '2026-03-01' })).toEqual([
      'The range ends (2026-03-01) before it starts (2026-03-05).',
    ]);
    expect(problems({ from: '2024-01-01', to: '2026-01-01' })).toEqual([
      'The range covers 732 days; the dashboards show at most 400.',
    ]);
    expect(problems({ source: 'email' })).toEqual([expect.stringContaining('Unknown source “email”')]);
  });
});
