/**
 * @module Wall clocks in IANA time zones: whether a zone exists, the wall-clock fields of an
 * instant, and the instant of a wall-clock minute (correct across daylight-saving changes). Cron
 * schedules and declared holidays both stand on it.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(tz, f);
  }
  return f;
}

/** True when `tz` is an IANA time zone this runtime knows. */
export function validTimezone(tz: string): boolean {
  try {
    formatter(tz);
    return true;
  } catch {
    return false;
  }
}

/** The wall-clock fields of an instant (ms) in `tz` (month 1-12). */
export function wallClock(ms: number, tz: string): { y: number; mo: number; d: number; h: number; mi: number } {
  const p: Record<string, number> = {};
  for (const part of formatter(tz).formatToParts(ms)) if (part.type !== 'literal') p[part.type] = Number(part.value);
  return { y: p.year as number, mo: p.month as number, d: p.day as number, h: p.hour as number, mi: p.minute as number };
}

/** The offset of `tz` from UTC at an instant, in ms (whole minutes). */
function offset(ms: number, tz: string): number {
  const w = wallClock(ms, tz);
  return Date.UTC(w.y, w.mo - 1, w.d, w.h, w.mi) - Math.floor(ms / 60_000) * 60_000;
}

/** The instant (ms) of a wall-clock minute in `tz` (month 1-12; a minute skipped by DST maps just past the gap). */
export function zonedInstant(y: number, mo: number, d: number, h: number, mi: number, tz: string): number {
  const guess = Date.UTC(y, mo - 1, d, h, mi);
  const first = guess - offset(guess, tz);
  const second = guess - offset(first, tz);
  return second === first ? first : Math.max(first, second);
}
