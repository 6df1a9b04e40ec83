/**
 * @module Declared holidays: dates in a time zone (the API's `PUT .../holidays` or the monitors
 * file's `holidays` section), turned into the [from, to) epoch-second ranges detection takes. On a
 * declared day the detector neither learns nor alerts (its verdict is `holiday`): a quiet Christmas
 * pages nobody and does not teach next week's baseline to expect one.
 */
import { validTimezone, zonedInstant } from '../kernel/index.js';

/** Holidays of a project: local dates (YYYY-MM-DD) and the zone they are local to. */
export interface Holidays {
  dates: string[];
  /** An IANA time zone such as "Europe/Paris"; "UTC" when left out. */
  timeZone: string;
}

/** Most dates in one list (ten years of a dozen holidays). */
const MAX_DATES = 366;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const SHAPE = 'Send {"dates": ["2026-12-25", ...], "timeZone": "Europe/Paris"} (timeZone optional, UTC by default).';

/** Validates a holidays body; dates come back sorted and without repeats. */
export function validateHolidays(body: unknown): { ok: true; value: Holidays } | { ok: false; message: string } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { ok: false, message: SHAPE };
  const b = body as Record<string, unknown>;
  const extra = Object.keys(b).find((k) => k !== 'dates' && k !== 'timeZone');
  if (extra) return { ok: false, message: `Unknown field '${extra}'; allowed: dates, timeZone.` };
  if (!Array.isArray(b.dates)) return { ok: false, message: `\`dates\` must be a list. ${SHAPE}` };
  if (b.dates.length > MAX_DATES) return { ok: false, message: `At most ${MAX_DATES} dates; drop past ones.` };
  for (const d of b.dates) {
    const m = typeof d === 'string' ? DATE.exec(d) : null;
    const valid = m && new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))).toISOString().slice(0, 10) === d;
    if (!valid) return { ok: false, message: `'${String(d)}' is not a date; write dates as YYYY-MM-DD, e.g. "2026-12-25".` };
  }
  const timeZone = b.timeZone ?? 'UTC';
  if (typeof timeZone !== 'string' || !validTimezone(timeZone))
    return { ok: false, message: `'${String(timeZone)}' is not a time zone; use an IANA name such as "Europe/Paris" or "UTC".` };
  return { ok: true, value: { dates: [...new Set(b.dates as string[])].sort(), timeZone } };
}

/** Epoch seconds of local midnight starting `date` in `tz` (correct across daylight-saving changes). */
function localMidnight(date: string, tz: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return zonedInstant(y, m, d, 0, 0, tz) / 1000;
}

/** The [from, to) epoch-second range of each declared day. */
export function holidayRanges(h: Holidays): Array<[number, number]> {
  return h.dates.map((date) => {
    const next = new Date(`${date}T00:00:00Z`);
    next.setUTCDate(next.getUTCDate() + 1);
    return [localMidnight(date, h.timeZone), localMidnight(next.toISOString().slice(0, 10), h.timeZone)];
  });
}
