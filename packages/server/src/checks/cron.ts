/**
 * @module Cron schedules: five-field expressions (minute hour day-of-month month day-of-week, with
 * lists, ranges, steps, names and @hourly-style macros) and the next slot after an instant in an
 * IANA time zone. Day-of-month and day-of-week combine with OR when both are restricted (Vixie cron).
 */
import { type Outcome, ok, reject, validTimezone, wallClock, zonedInstant } from '../kernel/index.js';

export { validTimezone };

/** A parsed cron expression: the allowed values of each field. */
export interface Cron {
  minutes: number[];
  hours: number[];
  days: Set<number>;
  months: Set<number>;
  weekdays: Set<number>;
  domStar: boolean;
  dowStar: boolean;
}

const MACROS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const FIELDS: Array<{ name: string; min: number; max: number; names?: string[]; base?: number }> = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTHS, base: 1 },
  { name: 'day of week', min: 0, max: 7, names: DAYS, base: 0 },
];

function field(text: string, f: (typeof FIELDS)[number]): number[] | string {
  const value = (s: string): number => {
    const i = f.names?.indexOf(s.toLowerCase()) ?? -1;
    return i >= 0 ? i + (f.base ?? 0) : /^\d+$/.test(s) ? Number(s) : Number.NaN;
  };
  const out = new Set<number>();
  for (const part of text.split(',')) {
    const m = /^(\*|[a-z0-9]+(?:-[a-z0-9]+)?)(?:\/(\d+))?$/i.exec(part);
    if (!m) return `'${part}' in the ${f.name} field is not a value, range or step`;
    const step = m[2] === undefined ? 1 : Number(m[2]);
    let lo = f.min;
    let hi = f.max;
    if (m[1] !== '*') {
      const [a, b] = (m[1] as string).split('-');
      lo = value(a as string);
      hi = b === undefined ? (m[2] === undefined ? lo : f.max) : value(b);
    }
    if (!(lo >= f.min && hi <= f.max && lo <= hi && step >= 1)) {
      return `'${part}' in the ${f.name} field is outside ${f.min}-${f.max}`;
    }
    for (let v = lo; v <= hi; v += step) out.add(f.name === 'day of week' && v === 7 ? 0 : v);
  }
  return [...out].sort((a, b) => a - b);
}

/** Parses a cron expression such as `0 3 * * *` or `@hourly`. */
export function parseCron(expr: string): Outcome<Cron> {
  const text = MACROS[expr.trim().toLowerCase()] ?? expr.trim();
  const parts = text.split(/\s+/);
  if (parts.length !== 5) {
    return reject('check.invalid', `'${expr.slice(0, 60)}' must have 5 fields (minute hour day month weekday), e.g. '0 3 * * *'.`);
  }
  const vals: number[][] = [];
  for (let i = 0; i < 5; i++) {
    const v = field(parts[i] as string, FIELDS[i] as (typeof FIELDS)[number]);
    if (typeof v === 'string') return reject('check.invalid', `Cron '${expr.slice(0, 60)}': ${v}.`);
    vals.push(v);
  }
  const [minutes, hours, days, months, weekdays] = vals as [number[], number[], number[], number[], number[]];
  return ok({
    minutes,
    hours,
    days: new Set(days),
    months: new Set(months),
    weekdays: new Set(weekdays),
    domStar: parts[2] === '*',
    dowStar: parts[4] === '*',
  });
}

/** The first slot of `cron` strictly after `afterMs`, in time zone `tz` (undefined if none within 5 years). */
export function nextSlot(cron: Cron, afterMs: number, tz: string): number | undefined {
  const start = wallClock(afterMs, tz);
  const day0 = Date.UTC(start.y, start.mo - 1, start.d);
  for (let i = 0; i < 366 * 5; i++) {
    const date = new Date(day0 + i * 86400_000);
    const mo = date.getUTCMonth() + 1;
    const d = date.getUTCDate();
    if (!cron.months.has(mo)) continue;
    const domOk = cron.days.has(d);
    const dowOk = cron.weekdays.has(date.getUTCDay());
    const dayOk = cron.domStar || cron.dowStar ? domOk && dowOk : domOk || dowOk;
    if (!dayOk) continue;
    for (const h of cron.hours) {
      if (i === 0 && h < start.h) continue;
      for (const mi of cron.minutes) {
        if (i === 0 && h === start.h && mi < start.mi) continue;
        const t = zonedInstant(date.getUTCFullYear(), mo, d, h, mi, tz);
        if (t > afterMs) return t;
      }
    }
  }
  return undefined;
}
