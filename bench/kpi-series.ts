/**
 * @module Generator of realistic per-minute business count series: daily and weekly rhythm,
 * overdispersed noise, a declared holiday, a weekly promotion (a decoy), and one labelled incident.
 */
import { seededRandom } from '../packages/server/src/kernel/index.js';
import { normalDraw, poissonDraw } from '../packages/server/src/test-support/index.js';

/** Kinds of labelled incidents. */
export type IncidentKind = 'drop-to-zero' | 'drop-80' | 'drop-50' | 'drop-20' | 'segment-drop' | 'spike' | 'slow-decline' | 'level-shift';

export const INCIDENT_KINDS: readonly IncidentKind[] = [
  'drop-to-zero',
  'drop-80',
  'drop-50',
  'drop-20',
  'segment-drop',
  'spike',
  'slow-decline',
  'level-shift',
];

/** One generated series with its labels. */
export interface KpiSeries {
  perMinute: number;
  kind: IncidentKind;
  /** Minute indexes: [start, end) of the incident; the level shift never ends (end = length). */
  start: number;
  end: number;
  t0: number;
  counts: Int32Array;
  /** Declared holiday, epoch seconds [from, to). */
  holiday: [number, number];
}

/** Deterministic uniform numbers (mulberry32). */
export const rng = seededRandom;
const normal = normalDraw;

/** Gamma(k, 1/k): mean 1, variance 1/k (Marsaglia-Tsang, k >= 1). */
function gammaMean1(k: number, u: () => number): number {
  const d = k - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const x = normal(u);
    const v = (1 + c * x) ** 3;
    if (v <= 0) continue;
    if (Math.log(u() || 1e-12) < 0.5 * x * x + d - d * v + d * Math.log(v)) return (d * v) / k;
  }
}

/** A Poisson draw (normal approximation above 60). */
export const poisson = (rate: number, u: () => number): number => poissonDraw(rate, u, 60);

const DAY_MIN = 1440;
const WEEK_MIN = 7 * DAY_MIN;
/** Share of traffic in the segment that fails alone (e.g. browser=Safari), judged on its own series. */
export const SEGMENT_SHARE = 0.3;

/** Business-day shape: quiet night, morning ramp, lunch and evening peaks. */
function daily(minuteOfDay: number): number {
  const h = minuteOfDay / 60;
  const bump = (c: number, w: number) => Math.exp(-(((h - c) / w) ** 2));
  return 0.15 + 0.9 * bump(12.5, 3.5) + 0.7 * bump(20, 2.5);
}

/** Generates `weeks` weeks; the incident falls in the last `weeks - learnWeeks` weeks. */
export function generate(opts: { perMinute: number; kind: IncidentKind; seed: number; weeks: number; learnWeeks: number }): KpiSeries {
  const u = rng(opts.seed);
  const n = opts.weeks * WEEK_MIN;
  const t0 = 1_704_067_200; // a Monday, 00:00 UTC
  const counts = new Int32Array(n);
  const evalStart = opts.learnWeeks * WEEK_MIN;
  // Incidents start at a random minute of the evaluation weeks, during the day so there is traffic.
  const day = Math.floor(evalStart / DAY_MIN) + Math.floor(u() * (opts.weeks - opts.learnWeeks) * 7 - 1);
  const start = day * DAY_MIN + 540 + Math.floor(u() * 600);
  const dur =
    opts.kind === 'slow-decline' ? 720 : opts.kind === 'level-shift' ? n - start : opts.kind === 'spike' ? 30 : 60 + Math.floor(u() * 120);
  const end = Math.min(n, start + dur);
  // The holiday is a decoy of its own: never the incident's day, where it would hide the incident.
  const firstHoliday = Math.floor(evalStart / DAY_MIN) + 3;
  const holidayDay = firstHoliday === day ? firstHoliday + 1 : firstHoliday;
  const holiday: [number, number] = [t0 + holidayDay * 86_400, t0 + (holidayDay + 1) * 86_400];
  const segment = opts.kind === 'segment-drop';
  let ar = 0;
  for (let i = 0; i < n; i++) {
    const dow = Math.floor(i / DAY_MIN) % 7;
    const mod = i % DAY_MIN;
    const weekend = dow >= 5 ? 0.6 : 1;
    const promo = dow === 4 && mod >= 18 * 60 && mod < 20 * 60 ? 1.8 : 1;
    const hol = i >= holidayDay * DAY_MIN && i < (holidayDay + 1) * DAY_MIN ? 0.4 : 1;
    ar = 0.97 * ar + 0.03 * normal(u) * 0.6;
    let incident = 1;
    if (i >= start && i < end) {
      const k = opts.kind;
      if (k === 'drop-to-zero' || k === 'segment-drop') incident = 0;
      else if (k === 'drop-80') incident = 0.2;
      else if (k === 'drop-50') incident = 0.5;
      else if (k === 'drop-20') incident = 0.8;
      else if (k === 'spike') incident = 3;
      else if (k === 'slow-decline') incident = 1 - 0.6 * Math.min(1, (i - start) / 360);
      else if (k === 'level-shift') incident = 1.4;
    }
    const share = segment ? SEGMENT_SHARE : 1;
    const rate = opts.perMinute * share * daily(mod) * weekend * promo * hol * Math.exp(ar) * incident;
    counts[i] = poisson(rate * gammaMean1(50, u), u);
  }
  return { perMinute: opts.perMinute, kind: opts.kind, start, end, t0, counts, holiday };
}
