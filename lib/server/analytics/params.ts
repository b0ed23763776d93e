import 'server-only';
import { DEFAULT_PRESET, RANGE_PRESETS, type RangePreset } from '@/components/dashboards/types';
import { viewHref } from '@/components/dashboards/view-href';
import { RUN_SOURCES, type RunSource } from './recorder';

// The dashboards' filters as they travel in the URL (so a view can be shared): a range preset or
// a custom from/to in calendar days of the workspace's time zone, and optional prompt, model and
// source. Parsing never throws: bad input becomes a message the page shows in place of the charts.

/** Longer ranges read more than a year of rollups for one page: refuse them rather than time out. */
export const MAX_RANGE_DAYS = 400;

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const PRESET_DAYS: Record<Exclude<RangePreset, '24h'>, number> = { '7d': 7, '30d': 30, '90d': 90 };

export interface DashboardFilters {
  /** The preset, or 'custom' when the URL gave from/to. */
  preset: RangePreset | 'custom';
  /** Inclusive start (an instant). */
  from: Date;
  /** Exclusive end (an instant). */
  to: Date;
  /** The previous period of equal length, for the KPI changes. */
  previousFrom: Date;
  /** Hourly series for ranges up to two days, daily beyond. */
  grain: 'hour' | 'day';
  timeZone: string;
  promptId?: string;
  model?: string;
  source?: RunSource;
  /** The custom range as the URL spelt it (YYYY-MM-DD, `to` inclusive), for the form. */
  fromDay?: string;
  toDay?: string;
}

export type ParsedFilters = { ok: true; filters: DashboardFilters } | { ok: false; problems: string[] };

export type SearchParams = Record<string, string | string[] | undefined>;

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

export interface LocalDay {
  year: number;
  month: number;
  day: number;
}

function zoneParts(timeZone: string, date: Date) {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(date);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return {
    year: get('year'),
    month: get('month'),
    day: get('day'),
    hour: get('hour'),
    minute: get('minute'),
    second: get('second'),
  };
}

/** How far the zone's wall clock is ahead of UTC at `date`, in ms. */
function offsetAt(timeZone: string, date: Date): number {
  const p = zoneParts(timeZone, date);
  const wall = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return wall - Math.floor(date.getTime() / 1000) * 1000;
}

/** The instant a calendar day starts in the zone (its local midnight; DST-safe). */
export function startOfLocalDay({ year, month, day }: LocalDay, timeZone: string): Date {
  const wall = Date.UTC(year, month - 1, day);
  let instant = wall - offsetAt(timeZone, new Date(wall));
  // Once more with the offset at the first guess, for days whose offset differs from UTC midnight's.
  instant = wall - offsetAt(timeZone, new Date(instant));
  return new Date(instant);
}

/** The calendar day an instant falls on in the zone. */
export function localDayOf(date: Date, timeZone: string): LocalDay {
  const { year, month, day } = zoneParts(timeZone, date);
  return { year, month, day };
}

export function addDays({ year, month, day }: LocalDay, days: number): LocalDay {
  const d = new Date(Date.UTC(year, month - 1, day + days));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

export function formatLocalDay({ year, month, day }: LocalDay): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** A YYYY-MM-DD day that exists on the calendar, or undefined. */
function parseDay(text: string): LocalDay | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const check = new Date(Date.UTC(year, month - 1, day));
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day)
    return undefined;
  return { year, month, day };
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/**
 * Reads the dashboards' filters from a page's search params. `now` and the workspace's time zone
 * decide where the presets' days start. Whether a prompt or model exists is checked by the loader
 * (it needs the database); everything else is checked here.
 */
export function parseDashboardParams(search: SearchParams, now: Date, timeZone: string): ParsedFilters {
  const problems: string[] = [];
  const range = first(search.range);
  const fromText = first(search.from);
  const toText = first(search.to);
  let preset: DashboardFilters['preset'] = DEFAULT_PRESET;
  let from: Date | undefined;
  let to: Date | undefined;
  let fromDay: string | undefined;
  let toDay: string | undefined;

  if (fromText !== undefined || toText !== undefined) {
    preset = 'custom';
    const start = fromText ? parseDay(fromText) : undefined;
    const end = toText ? parseDay(toText) : undefined;
    if (!fromText || !toText) problems.push('A custom range needs both “from” and “to” (YYYY-MM-DD).');
    else if (!start) problems.push(`“from” is not a date: “${fromText}” (expected YYYY-MM-DD).`);
    else if (!end) problems.push(`“to” is not a date: “${toText}” (expected YYYY-MM-DD).`);
    if (start && end) {
      from = startOfLocalDay(start, timeZone);
      to = startOfLocalDay(addDays(end, 1), timeZone);
      fromDay = formatLocalDay(start);
      toDay = formatLocalDay(end);
      const days = Math.round((to.getTime() - from.getTime()) / DAY_MS);
      if (to <= from) problems.push(`The range ends (${toDay}) before it starts (${fromDay}).`);
      else if (days > MAX_RANGE_DAYS)
        problems.push(`The range covers ${days} days; the dashboards show at most ${MAX_RANGE_DAYS}.`);
    }
  } else if (range !== undefined && !(RANGE_PRESETS as readonly string[]).includes(range)) {
    problems.push(`Unknown range “${range}”: choose one of ${RANGE_PRESETS.join(', ')} or a custom from/to.`);
  } else {
    preset = (range as RangePreset | undefined) ?? DEFAULT_PRESET;
    if (preset === '24h') {
      to = new Date(Math.ceil(now.getTime() / HOUR_MS) * HOUR_MS);
      from = new Date(to.getTime() - DAY_MS);
    } else {
      const tomorrow = addDays(localDayOf(now, timeZone), 1);
      to = startOfLocalDay(tomorrow, timeZone);
      from = startOfLocalDay(addDays(tomorrow, -PRESET_DAYS[preset]), timeZone);
    }
  }

  const promptId = first(search.prompt)?.trim() || undefined;
  const model = first(search.model)?.trim() || undefined;
  const sourceText = first(search.source)?.trim() || undefined;
  if (promptId !== undefined && promptId.length > 200) problems.push('The prompt in the URL is too long.');
  if (model !== undefined && model.length > 200) problems.push('The model in the URL is too long.');
  if (sourceText !== undefined && !(RUN_SOURCES as readonly string[]).includes(sourceText))
    problems.push(`Unknown source “${sourceText}”: choose one of ${RUN_SOURCES.join(', ')}.`);

  if (problems.length > 0 || !from || !to) return { ok: false, problems };
  const span = to.getTime() - from.getTime();
  return {
    ok: true,
    filters: {
      preset,
      from,
      to,
      previousFrom: new Date(from.getTime() - span),
      grain: span <= 2 * DAY_MS ? 'hour' : 'day',
      timeZone,
      ...(promptId ? { promptId } : {}),
      ...(model ? { model } : {}),
      ...(sourceText ? { source: sourceText as RunSource } : {}),
      ...(fromDay ? { fromDay, toDay } : {}),
    },
  };
}

/** The URL query of a set of filters (only what differs from the defaults), for links and exports. */
export function filtersQuery(filters: DashboardFilters): string {
  return viewHref('', filters).replace(/^\?/, '');
}
