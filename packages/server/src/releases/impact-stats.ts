/**
 * @module Release impact statistics, pure. The effect of a deploy on a count KPI is the log ratio
 * of what was observed in the hours after it to what the seasonal baseline (frozen at the deploy)
 * expected. Its null distribution is measured, not assumed: the same statistic over placebo
 * windows before the deploy (the baseline frozen at each placebo start, same length) carries the
 * series' overdispersion, the baseline's own error and its autocorrelation. The estimate is
 * bias-corrected by the placebos' mean, and the interval is a t interval on their spread with one
 * degree of freedom per non-overlapping placebo window.
 */
import { createBaseline, expectAt, learn } from '../detect/index.js';
import { tCritical, twoSidedP } from './student-t.js';

/** Hourly counts of one KPI (or segment) from `start` (epoch seconds, on the hour). */
export interface HourlySeries {
  start: number;
  counts: readonly number[];
}

/** Where the deploy is and how much of its aftermath is in. */
export interface WindowOptions {
  /** Index of the first full hour after the deploy. */
  deployIndex: number;
  /** Hours after the deploy to judge (complete hours only). */
  hours: number;
  tzOffsetMinutes?: number;
  /** Days before the deploy that placebo windows may come from. */
  placeboDays?: number;
}

/** Observed and expected sums of the post window, and of each placebo window (same length). */
export interface WindowSet {
  observed: number;
  expected: number;
  placebos: Array<{ observed: number; expected: number }>;
  /** Hours covered by the placebo windows together (their starts' span plus one window). */
  coverage: number;
  hours: number;
  /** Placebos at the deploy's own hour of the week, 1, 2, 3... weeks earlier (the baseline's bias there). */
  sameHourOfWeek: Array<{ observed: number; expected: number }>;
}

/** One effect with its 95% interval (relative: 0.061 is +6.1%). */
export interface Estimate {
  effect: number;
  low: number;
  high: number;
  p: number;
  /** Effective degrees of freedom of the interval (non-overlapping placebo windows - 1). */
  df: number;
  hours: number;
  observed: number;
  expected: number;
}

const HOUR = 3600;
const LEARN = { levelHalfLife: 72 * HOUR, seasonRate: 0.15 };
/** The baseline needs a week before its hour-of-week profile is in use: placebos start after it. */
const WARMUP_HOURS = 7 * 24;

/** Log of a ratio of sums, with a half-count continuity correction so empty hours stay finite. */
export const logRatio = (observed: number, expected: number) => Math.log((observed + 0.5) / (expected + 0.5));

function placeboStarts(o: WindowOptions, first: number): number[] {
  const h = o.hours;
  const from = Math.max(first + WARMUP_HOURS, o.deployIndex - (o.placeboDays ?? 14) * 24 - h);
  const to = o.deployIndex - h;
  const stride = Math.max(1, Math.round(h / 8));
  const out: number[] = [];
  for (let s = to; s >= from; s -= stride) out.unshift(s);
  return out;
}

const firstNonZero = (c: readonly number[], until: number) => {
  for (let i = 0; i < until; i++) if ((c[i] ?? 0) > 0) return i;
  return until;
};

/** The post window and placebo windows against the seasonal baseline; undefined without enough history. */
export function baselineWindows(series: HourlySeries, o: WindowOptions): WindowSet | undefined {
  const { counts } = series;
  const d = o.deployIndex;
  if (o.hours < 1 || d + o.hours > counts.length) return undefined;
  const first = firstNonZero(counts, d);
  const starts = placeboStarts(o, first);
  const coverage = starts.length ? (starts[starts.length - 1] as number) + o.hours - (starts[0] as number) : 0;
  if (coverage < 3 * o.hours) return undefined;
  const tz = (o.tzOffsetMinutes ?? 0) * 60;
  const b = createBaseline('count', (counts[first] ?? 0) / HOUR);
  let age = 0;
  const predict = (from: number) => {
    let observed = 0;
    let expected = 0;
    for (let i = from; i < from + o.hours; i++) {
      const t = series.start + i * HOUR + tz;
      expected += (expectAt('count', b, t, age, LEARN.seasonRate) + expectAt('count', b, t + 1800, age, LEARN.seasonRate)) * 1800;
      observed += counts[i] ?? 0;
    }
    return { observed, expected };
  };
  const placebos: WindowSet['placebos'] = [];
  const sameHourOfWeek: WindowSet['placebos'] = [];
  let next = 0;
  for (let i = first; i < d; i++) {
    if (starts[next] === i) {
      placebos.push(predict(i));
      next++;
    }
    if ((d - i) % 168 === 0 && i >= first + WARMUP_HOURS && i + o.hours <= d) sameHourOfWeek.push(predict(i));
    const rate = (counts[i] ?? 0) / HOUR;
    const t = series.start + i * HOUR + tz;
    // Two half-hour points per hour: the daily profile has 30-minute bins, and each must learn.
    learn('count', b, t, rate, 1800, age, LEARN, 1, rate);
    age += 1800;
    learn('count', b, t + 1800, rate, 1800, age, LEARN, 1, rate);
    age += 1800;
  }
  return { ...predict(d), placebos, coverage, hours: o.hours, sameHourOfWeek: sameHourOfWeek.slice(-3) };
}

/** The post window against the same hours one week earlier (and placebos likewise). */
export function priorWeekWindows(series: HourlySeries, o: WindowOptions): WindowSet | undefined {
  const { counts } = series;
  const d = o.deployIndex;
  if (o.hours < 1 || d + o.hours > counts.length) return undefined;
  const first = firstNonZero(counts, d) + 168;
  const starts = placeboStarts(o, first - WARMUP_HOURS);
  const coverage = starts.length ? (starts[starts.length - 1] as number) + o.hours - (starts[0] as number) : 0;
  if (coverage < 3 * o.hours) return undefined;
  const sums = (from: number) => {
    let observed = 0;
    let expected = 0;
    for (let i = from; i < from + o.hours; i++) {
      observed += counts[i] ?? 0;
      expected += counts[i - 168] ?? 0;
    }
    return { observed, expected };
  };
  return { ...sums(d), placebos: starts.map(sums), coverage, hours: o.hours, sameHourOfWeek: [] };
}

/**
 * The estimate from a post statistic and its placebo statistics (log ratios). `coverage / hours`
 * non-overlapping windows give the degrees of freedom.
 */
export function estimateFrom(
  post: number,
  placebos: readonly number[],
  w: Pick<WindowSet, 'coverage' | 'hours' | 'observed' | 'expected'>,
  sameHourOfWeek: readonly number[] = [],
): Estimate {
  const n = placebos.length;
  const mean = placebos.reduce((a, b) => a + b, 0) / n;
  const variance = placebos.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, n - 1);
  const windows = Math.max(2, Math.floor(w.coverage / w.hours));
  const df = windows - 1;
  // The baseline's bias: at the deploy's own hour of the week when two or more weeks show it (a
  // profile still learning under-predicts the same hours each week), else over all placebos. The
  // correction's own uncertainty is that of a mean of that many independent windows.
  const k = sameHourOfWeek.length >= 2 ? sameHourOfWeek.length : windows;
  const bias = sameHourOfWeek.length >= 2 ? sameHourOfWeek.reduce((a, b) => a + b, 0) / k : mean;
  // Windows a week apart share the level's slow wander: count each as a third of a window.
  const se = Math.sqrt(variance * (1 + (sameHourOfWeek.length >= 2 ? 3 : 1) / k));
  const est = post - bias;
  const t = tCritical(0.05, df);
  const p = se > 0 ? twoSidedP(est / se, df) : est === 0 ? 1 : 0;
  return {
    effect: Math.expm1(est),
    low: Math.expm1(est - t * se),
    high: Math.expm1(est + t * se),
    p,
    df,
    hours: w.hours,
    observed: w.observed,
    expected: w.expected,
  };
}

/** A KPI's effect from its windows. */
export function estimateKpi(w: WindowSet): Estimate {
  return estimateFrom(
    logRatio(w.observed, w.expected),
    w.placebos.map((p) => logRatio(p.observed, p.expected)),
    w,
    w.sameHourOfWeek.map((p) => logRatio(p.observed, p.expected)),
  );
}

/**
 * The effect on `b` relative to `a`, e.g. the conversion from funnel step `a` to step `b`, or a
 * segment against its whole: the difference of their log ratios, with placebos paired window by
 * window (aligned from the deploy backwards), so what moves both cancels.
 */
export function estimateRelative(a: WindowSet, b: WindowSet): Estimate | undefined {
  const n = Math.min(a.placebos.length, b.placebos.length);
  if (n < 2) return undefined;
  const pa = a.placebos.slice(-n);
  const pb = b.placebos.slice(-n);
  const post = logRatio(b.observed, b.expected) - logRatio(a.observed, a.expected);
  const placebos = pa.map((x, i) => logRatio(pb[i]?.observed ?? 0, pb[i]?.expected ?? 0) - logRatio(x.observed, x.expected));
  const conv = (x: number, y: number) => (y > 0 ? x / y : 0);
  return estimateFrom(post, placebos, {
    coverage: Math.min(a.coverage, b.coverage),
    hours: a.hours,
    observed: conv(b.observed, a.observed),
    expected: conv(b.expected, a.expected),
  });
}

/** Interim looks stop early only at p < 0.001 (Haybittle-Peto); the horizon uses p < 0.05. */
export const INTERIM_P = 0.001;
export const FINAL_P = 0.05;

/** Whether an estimate is conclusive at this look, and what it says. */
export function verdictOf(e: Estimate, atHorizon: boolean): { conclusive: boolean; significant: boolean } {
  if (e.p < INTERIM_P) return { conclusive: true, significant: true };
  if (atHorizon) return { conclusive: true, significant: e.p < FINAL_P };
  return { conclusive: false, significant: false };
}
