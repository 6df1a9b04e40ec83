/**
 * @module Release impact statistics, pure. The effect of a deploy on a count KPI is the log ratio
 * of what was observed in the hours after it to what the seasonal baseline (frozen at the deploy)
 * expected, taken relative to the same ratio at the same hours of the three weeks before (the
 * baseline's bias at that hour of the week). Its null distribution is measured, not assumed: the
 * same statistic over placebo windows before the deploy (one a day at the deploy's hour of the
 * day, same length, the baseline frozen at each placebo's start, sharing no hour with the post
 * statistic) carries the series' overdispersion, the baseline's own error and the correction's.
 * The estimate is bias-corrected by the placebos' mean, and the interval is a t interval on their
 * spread, counted in effective independent windows (they share the level's slow wander). The
 * week-on-week comparison is calibrated the same way, on week-on-week placebos.
 */
import { createBaseline, expectAt, learn } from '../detect/index.js';
import { effectiveWindows } from './effective-windows.js';
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
  /** Days before the deploy that placebo windows may come from (28 against the baseline, 42 week on week). */
  placeboDays?: number;
}

/** Observed and expected sums of one window. */
export interface WindowSums {
  observed: number;
  expected: number;
}

/** Observed and expected sums of the post window, and of each placebo window (same length). */
export interface WindowSet {
  observed: number;
  expected: number;
  /**
   * Each with its start (hour index) and, against the baseline, the same hours of the
   * `sameHourOfWeek.length` weeks before it, oldest first.
   */
  placebos: Array<WindowSums & { start?: number; before?: WindowSums[] }>;
  /** Hours covered by the placebo windows together (their starts' span plus one window). */
  coverage: number;
  hours: number;
  /** The post window's same hours 1, 2, 3 weeks earlier, oldest first (the baseline's bias there). */
  sameHourOfWeek: WindowSums[];
}

/** One effect with its 95% interval (relative: 0.061 is +6.1%). */
export interface Estimate {
  effect: number;
  low: number;
  high: number;
  p: number;
  /** Degrees of freedom of the interval (effective independent placebo windows - 1). */
  df: number;
  hours: number;
  observed: number;
  expected: number;
}

const HOUR = 3600;
const LEARN = { levelHalfLife: 72 * HOUR, seasonRate: 0.15 };
/** The baseline needs a week before its hour-of-week profile is in use: placebos start after it. */
const WARMUP_HOURS = 7 * 24;

/** Baseline placebos come from four weeks before the deploy (after the weeks their correction reads). */
const BASELINE_PLACEBO_DAYS = 28;
/** Week-on-week placebos come from six weeks, so their spread sees the level's slow wander often. */
const PRIOR_WEEK_PLACEBO_DAYS = 42;

/** Fewer placebos than this say too little about the spread: the KPI has not enough history. */
const MIN_PLACEBOS = 4;

/** The baseline's bias at a window's hours of the week is read from this many weeks before it. */
const SAME_HOUR_WEEKS = 3;

/** Log of a ratio of sums, with a half-count continuity correction so empty hours stay finite. */
export const logRatio = (observed: number, expected: number) => Math.log((observed + 0.5) / (expected + 0.5));

/**
 * Placebo windows start at the deploy's own hour of the day, one a day, so their spread is that of
 * windows like the post window (a night window is noisier than a daytime one). None shares an hour
 * with the post window or with the windows it is compared with (`refs` hours before it): a placebo
 * whose data is also the post statistic's would be correlated with it.
 */
function placeboStarts(o: WindowOptions, first: number, refs: readonly number[]): number[] {
  const h = o.hours;
  const d = o.deployIndex;
  const from = Math.max(first + WARMUP_HOURS, d - (o.placeboDays ?? BASELINE_PLACEBO_DAYS) * 24 - h);
  const out: number[] = [];
  for (let s = d - 24 * Math.ceil(h / 24); s >= from; s -= 24) {
    if (refs.some((r) => Math.abs(s - (d - r)) < h)) continue;
    out.unshift(s);
  }
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
  // Weeks of the deploy's own hours of the week before it (after the warm-up), at most three.
  const weeks = Math.min(SAME_HOUR_WEEKS, Math.floor((d - first - WARMUP_HOURS) / 168));
  const k = weeks >= 2 ? weeks : 0;
  const starts = placeboStarts(
    o,
    first + 168 * k,
    Array.from({ length: k }, (_, j) => 168 * (j + 1)),
  );
  const coverage = starts.length ? (starts[starts.length - 1] as number) + o.hours - (starts[0] as number) : 0;
  if (starts.length < MIN_PLACEBOS || coverage < 3 * o.hours) return undefined;
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
  // Every window the estimate needs: the placebos, the same hours 1..k weeks before each of them
  // and before the deploy, each with the baseline frozen at its start.
  const needed = new Set<number>();
  for (const s0 of [...starts, d]) for (let j = s0 === d ? 1 : 0; j <= k; j++) needed.add(s0 - 168 * j);
  const at = new Map<number, WindowSums>();
  for (let i = first; i < d; i++) {
    if (needed.has(i)) at.set(i, predict(i));
    const rate = (counts[i] ?? 0) / HOUR;
    const t = series.start + i * HOUR + tz;
    // Two half-hour points per hour: the daily profile has 30-minute bins, and each must learn.
    learn('count', b, t, rate, 1800, age, LEARN, 1, rate);
    age += 1800;
    learn('count', b, t + 1800, rate, 1800, age, LEARN, 1, rate);
    age += 1800;
  }
  const weeksBefore = (s0: number) => {
    const out: WindowSet['placebos'] = [];
    for (let j = k; j >= 1; j--) out.push(at.get(s0 - 168 * j) as WindowSums);
    return out;
  };
  const placebos = starts.map((s0) => ({ ...(at.get(s0) as WindowSums), start: s0, before: weeksBefore(s0) }));
  return { ...predict(d), placebos, coverage, hours: o.hours, sameHourOfWeek: weeksBefore(d) };
}

/** The post window against the same hours one week earlier (and placebos likewise). */
export function priorWeekWindows(series: HourlySeries, o: WindowOptions): WindowSet | undefined {
  const { counts } = series;
  const d = o.deployIndex;
  if (o.hours < 1 || d + o.hours > counts.length) return undefined;
  const first = firstNonZero(counts, d) + 168;
  const starts = placeboStarts({ ...o, placeboDays: o.placeboDays ?? PRIOR_WEEK_PLACEBO_DAYS }, first - WARMUP_HOURS, [168]);
  const coverage = starts.length ? (starts[starts.length - 1] as number) + o.hours - (starts[0] as number) : 0;
  if (starts.length < MIN_PLACEBOS || coverage < 3 * o.hours) return undefined;
  const sums = (from: number) => {
    let observed = 0;
    let expected = 0;
    for (let i = from; i < from + o.hours; i++) {
      observed += counts[i] ?? 0;
      expected += counts[i - 168] ?? 0;
    }
    return { observed, expected };
  };
  return { ...sums(d), placebos: starts.map((s0) => ({ ...sums(s0), start: s0 })), coverage, hours: o.hours, sameHourOfWeek: [] };
}

/**
 * The estimate from a post statistic and its placebo statistics (log ratios, in time order). The
 * placebos overlap and share the level's slow wander, so their spread and its degrees of freedom
 * count their effective number of independent windows (effectiveWindows), not their number.
 */
export function estimateFrom(
  post: number,
  placebos: readonly number[],
  w: Pick<WindowSet, 'coverage' | 'hours' | 'observed' | 'expected'>,
): Estimate {
  const n = placebos.length;
  const mean = placebos.reduce((a, b) => a + b, 0) / n;
  const neff = effectiveWindows(placebos, Math.max(2, Math.floor(w.coverage / w.hours)));
  // The spread around the placebos' own mean misses the share of the variance their mean carries
  // (1 / neff of it): the usual n - 1, for autocorrelated windows.
  const variance = placebos.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, n * (1 - 1 / neff));
  const df = Math.max(1, Math.floor(neff) - 1);
  // Bias-corrected by the placebos' mean, whose own uncertainty is that of neff windows.
  const se = Math.sqrt(variance * (1 + 1 / neff));
  const est = post - mean;
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

const meanLogRatio = (ws: readonly WindowSums[]) => ws.reduce((a, x) => a + logRatio(x.observed, x.expected), 0) / ws.length;

/**
 * A KPI's effect from its windows. Against the baseline, each window's log ratio is first taken
 * relative to the same hours of the weeks before it (a profile still learning under-predicts the
 * same hours each week, a Monday-morning rise most): the post window and every placebo alike, so
 * the placebos' spread is that of the corrected statistic, the correction's own noise included,
 * and not inflated by the misfit at other hours of the week.
 */
export function estimateKpi(w: WindowSet): Estimate {
  const k = w.sameHourOfWeek.length;
  const lr = (x: WindowSums) => logRatio(x.observed, x.expected);
  if (k < 2) return estimateFrom(lr(w), w.placebos.map(lr), w);
  return estimateFrom(
    lr(w) - meanLogRatio(w.sameHourOfWeek),
    w.placebos.map((p) => lr(p) - meanLogRatio(p.before ?? [])),
    w,
  );
}

/**
 * The effect on `b` relative to `a`, e.g. the conversion from funnel step `a` to step `b`, or a
 * segment against its whole: the difference of their log ratios, with placebos paired window by
 * window (aligned from the deploy backwards), so what moves both cancels.
 */
export function estimateRelative(a: WindowSet, b: WindowSet): Estimate | undefined {
  // Paired by start hour (the two may have different histories, hence different placebos).
  const byStart = new Map(b.placebos.map((x, i) => [x.start ?? i - b.placebos.length, x]));
  const pairs = a.placebos.flatMap((x, i) => {
    const y = byStart.get(x.start ?? i - a.placebos.length);
    return y ? [[x, y] as const] : [];
  });
  if (pairs.length < 2) return undefined;
  const post = logRatio(b.observed, b.expected) - logRatio(a.observed, a.expected);
  const placebos = pairs.map(([x, y]) => logRatio(y.observed, y.expected) - logRatio(x.observed, x.expected));
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
