// Days in a workspace's time zone, computed from UTC hours so that hourly rollups can answer them.
//
// Rule: a run belongs to the local day that contains the start of its UTC hour. For every zone whose
// offset is a whole number of hours (all but a handful) that is exactly the local day of the run.
// For zones offset by a half or quarter hour (Asia/Kolkata, Australia/Adelaide, Asia/Kathmandu...)
// the runs in the last 30 or 45 minutes before local midnight count towards the next day: the
// hourly rollups cannot split an hour, and every store follows the same rule so totals agree.

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterOf(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** True for an IANA zone name this runtime knows ("UTC", "Europe/Paris"). */
export function isValidTimeZone(timeZone: string): boolean {
  if (timeZone.length === 0 || timeZone.length > 100) return false;
  try {
    formatterOf(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** Local wall-clock time minus UTC at an instant, in ms (+3 600 000 for Paris in winter). */
export function zoneOffsetMs(at: number, timeZone: string): number {
  if (timeZone === 'UTC') return 0;
  const parts: Record<string, number> = {};
  for (const part of formatterOf(timeZone).formatToParts(new Date(at))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const wall = Date.UTC(
    parts.year ?? 1970,
    (parts.month ?? 1) - 1,
    parts.day ?? 1,
    parts.hour ?? 0,
    parts.minute ?? 0,
    parts.second ?? 0,
  );
  return wall - Math.floor(at / 1000) * 1000;
}

/** The instant local midnight of a wall-clock date (given as UTC midnight of that date) happens. */
export function zonedMidnight(localDate: number, timeZone: string): Date {
  const guess = localDate - zoneOffsetMs(localDate, timeZone);
  return new Date(localDate - zoneOffsetMs(guess, timeZone));
}

/** The start of the local day (see the rule above) of an instant, as an instant. */
export function startOfZonedDay(date: Date, timeZone: string): Date {
  const hour = Math.floor(date.getTime() / HOUR_MS) * HOUR_MS;
  const local = hour + zoneOffsetMs(hour, timeZone);
  return zonedMidnight(Math.floor(local / DAY_MS) * DAY_MS, timeZone);
}

/** Hours starting in [from, to) share one offset. */
export interface OffsetSegment {
  from: number;
  to: number;
  offsetMs: number;
}

/**
 * The zone's offsets over [from, to), split where they change, at UTC hour starts: what a store
 * adds to an hour's start before truncating it to a day. Checked once a day, then bisected by hour,
 * so a 400-day range costs about 400 look-ups (zones change offset at most twice a year).
 */
export function offsetSegments(from: Date, to: Date, timeZone: string): OffsetSegment[] {
  const start = Math.floor(from.getTime() / HOUR_MS) * HOUR_MS;
  const end = to.getTime();
  const segments: OffsetSegment[] = [];
  let segmentStart = start;
  let offset = zoneOffsetMs(start, timeZone);
  for (let probe = start; probe < end;) {
    const next = Math.min(probe + DAY_MS, Math.ceil(end / HOUR_MS) * HOUR_MS);
    const nextOffset = zoneOffsetMs(next, timeZone);
    if (nextOffset !== offset && next < end) {
      // The first hour in (probe, next] with the new offset.
      let low = probe;
      let high = next;
      while (high - low > HOUR_MS) {
        const middle = low + Math.floor((high - low) / HOUR_MS / 2) * HOUR_MS;
        if (zoneOffsetMs(middle, timeZone) === offset) low = middle;
        else high = middle;
      }
      segments.push({ from: segmentStart, to: high, offsetMs: offset });
      segmentStart = high;
      offset = zoneOffsetMs(high, timeZone);
      probe = high;
      continue;
    }
    probe = next;
  }
  segments.push({ from: segmentStart, to: end, offsetMs: offset });
  return segments;
}
