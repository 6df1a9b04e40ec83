/** @module Backtest: one series through the same detector `step` the live engine uses. */
import { createDetector, type DetectorOptions } from './detector.js';
import type { Point, SeriesKind } from './types.js';

/** One alert of a backtest, as live Heed would have raised it. */
export interface BacktestAlert {
  index: number;
  ts: number;
  direction: 'drop' | 'spike';
  explanation: string;
}

/** What a backtest says about each point. */
export interface BacktestResult {
  kind: SeriesKind;
  /** The anomaly score of each point (StepResult.surprise). */
  scores: Float64Array;
  /** 1 exactly where live Heed would alert. */
  alerts: Uint8Array;
  raised: BacktestAlert[];
  shifts: Array<{ index: number; explanation: string }>;
}

/**
 * Below this share of Poisson noise, whole numbers are readings (a speed in mph), not counted
 * events: counts of independent events vary from point to point at least as much as Poisson.
 */
const MIN_COUNT_NOISE = 0.9;

/**
 * Counts when every value is a non-negative integer that varies from point to point at least
 * about as much as Poisson counts would (half the mean squared step >= the mean), else a gauge.
 */
export function inferKind(values: readonly number[]): SeriesKind {
  let sum = 0;
  let steps = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (!(Number.isInteger(v) && v >= 0)) return 'gauge';
    sum += v;
    if (i > 0) steps += (v - (values[i - 1] as number)) ** 2;
  }
  const n = values.length;
  if (n < 2 || sum === 0) return 'count';
  return steps / (2 * (n - 1)) >= MIN_COUNT_NOISE * (sum / n) ? 'count' : 'gauge';
}

/** Runs a series, in time order, through a fresh detector. */
export function runBacktest(points: readonly Point[], opts: Omit<DetectorOptions, 'kind'> & { kind: SeriesKind | 'auto' }): BacktestResult {
  const kind = opts.kind === 'auto' ? inferKind(points.map((p) => p.value)) : opts.kind;
  const det = createDetector({ ...opts, kind });
  let state = det.init();
  const scores = new Float64Array(points.length);
  const alerts = new Uint8Array(points.length);
  const raised: BacktestAlert[] = [];
  const shifts: BacktestResult['shifts'] = [];
  points.forEach((p, i) => {
    const r = det.step(state, p);
    state = r.state;
    scores[i] = r.surprise;
    if (r.verdict.status === 'alert') {
      alerts[i] = 1;
      raised.push({ index: i, ts: p.ts, direction: r.verdict.direction, explanation: r.verdict.explanation });
    } else if (r.verdict.status === 'shift') shifts.push({ index: i, explanation: r.verdict.explanation });
  });
  return { kind, scores, alerts, raised, shifts };
}
