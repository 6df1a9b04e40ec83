/** @module Types of the detection room: points, configs, serialisable states, verdicts. */

/** How a series is read: counted events per interval, or readings of a level. */
export type SeriesKind = 'count' | 'gauge';

/** Which moves to alert on. */
export type Direction = 'drop' | 'spike' | 'both';

/** One observation. Time comes from here, never from a clock. */
export interface Point {
  /** Epoch seconds at the end of the interval the point covers (fractions allowed). */
  ts: number;
  /** A count of events in the interval (count series) or a reading (gauge series). */
  value: number;
  /** Seconds the count covers; defaults to the gap since the previous point, capped at the usual spacing. */
  dt?: number;
}

/**
 * Global tuning shared by every series. These are the only knobs tuned on benchmarks
 * (see bench/nab.bench.ts), never per file or per series.
 */
export interface Tuning {
  /** Added to ln(1/false alarms per week) to give the evidence threshold h (log-likelihood units). */
  thresholdBase: number;
  /** Half-life, in hours, of the level that follows slow trends. */
  levelHalfLifeHours: number;
  /** Share of a seasonal bin learned on each pass (per day for the daily profile, per week for the weekly one). */
  seasonRate: number;
  /** Hours a changed level must last before it becomes the new baseline (a level shift). */
  shiftAfterHours: number;
  /** Shift, in standard deviations, that the gauge CUSUM is tuned to find. */
  gaugeShift: number;
  /**
   * Half-life, in weeks, of the record of past excursions of the evidence. The alert bar rises
   * above the model's threshold until excursions that high happen no more often than the
   * configured false alarms per week: a series the model fits badly calibrates itself.
   */
  memoryWeeks: number;
}

/** Per-series settings. */
export interface DetectorConfig {
  kind: SeriesKind;
  direction: Direction;
  /** Sensitivity: the false alarms per week one is willing to accept on a normal series. */
  falseAlarmsPerWeek: number;
  /** What one unit is called in explanations ("checkouts"). */
  label: string;
  /** History needed before alerting. */
  warmupHours: number;
  /** Offset of the business' local time from UTC, for day and week boundaries. */
  tzOffsetMinutes: number;
  /** Declared holidays, [from, to) in epoch seconds: neither learned from nor alerted on. */
  holidays: ReadonlyArray<readonly [number, number]>;
  tuning: Tuning;
}

/** One CUSUM run: its statistic and what the run has seen since it left zero. */
export interface CusumState {
  /** Accumulated evidence (log-likelihood ratio units for counts, z units for gauges). */
  s: number;
  /** Epoch seconds when the current run started (0 when s is 0). */
  from: number;
  expected: number;
  observed: number;
  /** Points in the run. */
  n: number;
}

/** The learned baseline of one series. */
export interface BaselineState {
  /** Counts: events per second; gauges: the mean reading. */
  level: number;
  /** Daily profile over DAILY_BINS bins: factors (counts, stored as round(ln(factor) * LOG_STEPS)) or offsets (gauges). */
  daily: number[];
  /** Weekly profile over WEEKLY_BINS hour-of-week bins, stored like the daily one. */
  weekly: number[];
  /** Smoothed absolute errors of the three predictors: flat, daily, weekly. */
  err: number[];
  /** The predictor in use: 0 flat, 1 daily, 2 weekly. */
  mode: number;
  /** Counts: smoothed excess variance, (x - mu)^2 - mu; gauges: smoothed absolute residual. */
  spread: number;
  /** Counts: smoothed mu^2, so dispersion = spread / spreadNorm; gauges: unused. */
  spreadNorm: number;
  /** Day index of the last renormalisation of the profiles. */
  day: number;
  /** The passes in progress: [bin, sum of weight*dt*target, sum of weight*dt, sum of dt] for daily, then weekly. */
  acc: number[];
}

/** Everything a detector remembers about one series; survives a JSON round trip. */
export interface DetectorState {
  /** Format: 2 since count profiles are stored as log steps; older states are upgraded by `step`. */
  v: 2;
  first: number;
  last: number;
  n: number;
  /** Usual spacing of points, in seconds. */
  spacing: number;
  base: BaselineState;
  /** CUSUMs: for counts one per alternative rate in COUNT_ALTERNATIVES; for gauges [drop, spike]. */
  cusum: CusumState[];
  /** Open incident: start time (0 when none), direction (-1 drop, 1 spike) and how the level moved since. */
  incident: { since: number; dir: number; ratio: number };
  /** Largest evidence (in thresholds) of the current excursion. */
  peak: number;
  /** Decayed counts of past excursion peaks, by half-octave of evidence (see calibration.ts). */
  peaks: number[];
  /** Decayed seconds watched, and when the record was last brought up to date. */
  watched: number;
  peaksAt: number;
  /** The alert bar, in thresholds (at least 1). */
  bar: number;
  /** The anomaly score's statistics (see surprise.ts). */
  sur: number[];
}

/** What the detector says about the latest point. */
export type Verdict =
  | { status: 'learning'; readyInHours: number }
  | { status: 'holiday' }
  | { status: 'normal' }
  | { status: 'alert'; direction: 'drop' | 'spike'; explanation: string }
  | { status: 'ongoing'; direction: 'drop' | 'spike' }
  | { status: 'shift'; explanation: string };

/** The result of one step. */
export interface StepResult {
  state: DetectorState;
  /** In [0, 1): 0.5 and above is alert-strength evidence; the scale is shared by every series. */
  score: number;
  /**
   * The anomaly score in [0, 1): L / (L + 5) with L = -log10 of the tail probability of the recent
   * points' surprise, read against the series' own record, repeats suppressed (see surprise.ts). A
   * ranking of how anomalous points are, on one scale for every series; whether to alert stays the
   * verdict's call.
   */
  surprise: number;
  /** The value the baseline expected for this point (per point, not per second). */
  expected: number;
  verdict: Verdict;
}
