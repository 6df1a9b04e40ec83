/**
 * @module The anomaly score: how surprising the recent points are, as a tail probability, on one
 * scale for every series. Built like Numenta's "anomaly likelihood": the short-window mean of the
 * standardised residual |x - expected| / scale is compared with the long-window distribution of
 * that same mean, and scored by its Gaussian tail probability p. A reading beyond every reading so
 * far (by a margin) scores as p = 1e-6 at least. After a score of p <= 1e-2 the next points score 0
 * for a while: the first sign of an incident is news, the repeats are not. The score is
 * L / (L + 5) with L = -log10 p (0.5 is p = 1e-5): comparable across series, so one threshold
 * serves them all. Separate from the alert verdict, which stays the CUSUM evidence's.
 */
import { lnNormalUpper } from './tail-probability.js';

/**
 * Global constants of the score, chosen on the NAB dev split (see bench/nab.bench.ts). Lengths are
 * in points of the series, as NAB's windows are.
 */
export const SURPRISE_TUNING = Object.freeze({
  /** Points in the short window (the mean whose surprise is scored). */
  shortPoints: 10,
  /** Points in the long window (the distribution it is compared with). */
  longPoints: 8000,
  /** Points before any score is given. */
  warmupPoints: 100,
  /** Standardised residuals are clipped here, so one wild point cannot dominate the long window. */
  clip: 20,
  /** Floor on the long window's variance, in squared standardised units. */
  varianceFloor: 0.1,
  /** -log10 p at or above which later points are suppressed... */
  suppressAbove: 2,
  /** ...for this many points. */
  suppressPoints: 200,
  /** A reading beyond the range seen so far by this share of the range is a new extreme... */
  extremeMargin: 0.05,
  /** ...and scores at least this -log10 p. */
  extremeLevel: 6,
});

const LN10 = Math.LN10;
/** Half-saturation of the output scale, in -log10 p. */
const SCALE = 5;

/** The score's state: [short mean, long mean, long variance, points seen, lowest, highest, points left to suppress]. */
export type SurpriseState = number[];

/** A score that has seen nothing. */
export function restingSurprise(): SurpriseState {
  return [0, 0, 0, 0, 0, 0, 0];
}

/** Six decimals (the statistics are in standardised units): far finer than their noise, and a small saved state. */
const r6 = (v: number) => Math.round(v * 1e6) / 1e6;

/**
 * Scores one point, given its standardised residual (|x - expected| / scale) and its reading, and
 * updates the state in place. Returns the score in [0, 1).
 */
export function surprise(st: SurpriseState, residual: number, x: number): number {
  const T = SURPRISE_TUNING;
  const m0 = st[0] ?? 0;
  const mu0 = st[1] ?? 0;
  const v0 = st[2] ?? 0;
  const k0 = st[3] ?? 0;
  const lo0 = st[4] ?? x;
  const hi0 = st[5] ?? x;
  const quiet = st[6] ?? 0;
  const k = Math.min(k0 + 1, T.longPoints);
  const r = Number.isFinite(residual) ? Math.min(Math.abs(residual), T.clip) : 0;
  const m = m0 + Math.max(1 / T.shortPoints, 1 / k) * (r - m0);
  let level = 0;
  if (k0 >= T.warmupPoints && v0 > 0) {
    level = -lnNormalUpper((m - mu0) / Math.sqrt(v0 + T.varianceFloor)) / LN10;
    const margin = T.extremeMargin * (hi0 - lo0);
    if (x > hi0 + margin || x < lo0 - margin) level = Math.max(level, T.extremeLevel);
  }
  const a = Math.max(1 / T.longPoints, 1 / k);
  const d = m - mu0;
  const lo = k0 === 0 ? x : Math.min(lo0, x);
  const hi = k0 === 0 ? x : Math.max(hi0, x);
  let left = Math.max(0, quiet - 1);
  if (quiet > 0) level = 0;
  else if (level >= T.suppressAbove) left = T.suppressPoints;
  st[0] = r6(m);
  st[1] = r6(mu0 + a * d);
  st[2] = r6((1 - a) * (v0 + a * d * d));
  st[3] = k;
  st[4] = lo;
  st[5] = hi;
  st[6] = left;
  return level / (level + SCALE);
}
