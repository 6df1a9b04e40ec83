/**
 * @module The anomaly score: how surprising the recent points are, as a tail probability, on one
 * scale for every series. Built like Numenta's "anomaly likelihood": the short-window mean of the
 * standardised residual |x - expected| / scale is compared with the long-window distribution of
 * that same mean, and scored by its Gaussian tail probability p. The size of each step of the
 * reading, |x - previous x| over its own long-run mean, is scored the same way (a short mean against
 * its long distribution, weighted by stepWeight), and so is how rare the recent readings are in the
 * series' own histogram of readings (NAB's "relative entropy" idea: a mean surprisal over a longer
 * short window, weighted by histWeight). The largest -log10 p of the three is the level: a change of
 * noise regime, a burst of jumps or a drift into values the series seldom takes, that the seasonal
 * residual misses (the baseline follows them), still shows. A reading beyond every reading so
 * far (by a margin) scores as p = 1e-6 at least. Any other p is then checked against the
 * series' own record: how often its level has climbed past 1, 2, 3, 4 (-log10 p) before. A series
 * whose level often crosses 2 (bursty tweets) has its 2 read as the rate it really happens at,
 * while a series that never went there keeps its p. The point that first reaches p <= 10^-2.76 is
 * the onset if it is a new extreme or its own residual is at least onsetResidual and at least the
 * recent points' mean (a point that is itself ordinary, such as the step back down after a spike,
 * which the step feature sees as a jump, scores 0 and leaves the onset to a later point): the
 * onset is raised by its own residual (a sharp onset ranks above a slow drift), and the
 * points after it score 0 until both short means are back at or below their long ones: the first sign
 * of an incident is news, the repeats are not, and the next incident is news again. The score is
 * L / (L + 5) with L = -log10 p (0.5 is p = 1e-5): comparable across series, so one threshold
 * serves them all. Separate from the alert verdict, which stays the CUSUM evidence's.
 */
import { fixed, sig } from './rounding.js';
import { lnNormalUpper } from './tail-probability.js';

/**
 * Global constants of the score, chosen on the NAB dev split (see bench/nab.bench.ts). Lengths are
 * in points of the series, as NAB's windows are. Read-only to the code (typed so); not frozen, so
 * that bench/nab-smooth.ts can score neighbouring values in process.
 */
const TUNING = {
  /** Points in the short windows (the means whose surprise is scored: of the residual, and of the steps). */
  shortPoints: 8,
  /** Points in the long window (the distribution it is compared with). */
  longPoints: 8000,
  /** Points before any score is given. */
  warmupPoints: 100,
  /** Standardised residuals are clipped here, so one wild point cannot dominate either window. */
  clip: 6,
  /** Floor on the long window's variance, in squared standardised units. */
  varianceFloor: 0.0791,
  /** -log10 p at or above which a point is an onset, and later points are suppressed until the short mean is calm again. */
  suppressAbove: 2.76,
  /** The steps' -log10 p is multiplied by this before it is compared with the residual's. */
  stepWeight: 1.3,
  /** An onset's own standardised residual must be at least this (and at least the short mean before it); else the point scores 0. */
  onsetResidual: 1,
  /** Levels added to an onset for its own residual, as a share of clip (0 to 1). */
  onsetWeight: 1,
  /** A reading beyond the range seen so far by this share of the range is a new extreme... */
  extremeMargin: 0.05,
  /** ...and scores at least this -log10 p. */
  extremeLevel: 6,
  /** Points of calm assumed behind the record of crossings, so a young series keeps its p. */
  calibPrior: 1266,
  /** Levels 1..calibLevels (-log10 p) whose crossings are recorded; above, the tail is extrapolated. */
  calibLevels: 4,
  /** Points a crossing stands for: the short mean stays above a level it crossed for a few points. */
  calibCluster: 3,
  /** Bins of the histogram of readings (over the range seen so far): the third feature is how rare the recent readings' bins are. */
  histBins: 10,
  /** Points in the histogram's short window (the mean surprisal -ln p of the readings' bins that is scored). */
  histShortPoints: 40,
  /** Points the histogram and the long distribution of that mean remember (it forgets faster than the long window). */
  histLongPoints: 875,
  /** The histogram's -log10 p is multiplied by this before it is compared with the others. */
  histWeight: 1.7,
};
export const SURPRISE_TUNING: Readonly<typeof TUNING> = TUNING;

const LN10 = Math.LN10;
/** Half-saturation of the output scale, in -log10 p. */
const SCALE = 5;
/** Where the record of crossings starts in the state. */
const REC = 8;
/** Where the step statistics start in the state (after the record). */
const STEP = REC + SURPRISE_TUNING.calibLevels;
/** Where the histogram feature starts: points counted, short mean, long mean, long variance, then the bins. */
const HIST = STEP + 5;
const SIZE = HIST + 4 + SURPRISE_TUNING.histBins;

/**
 * The score's state: [short mean, long mean, long variance, points seen, lowest, highest,
 * suppressing (1 after an onset until the short mean is calm again; a count in older states),
 * last level, then the rate per point of upward crossings of levels 1..calibLevels, then the steps':
 * previous reading, long-run mean step, short mean, long mean and long variance of the short mean
 * of the standardised step], then the histogram's: points counted, short mean, long mean and long
 * variance of the short mean of the bin surprisal, and the histBins frequencies. States saved
 * without the step or histogram statistics start them.
 */
export type SurpriseState = number[];

/** A score that has seen nothing. */
export function restingSurprise(): SurpriseState {
  return new Array<number>(SIZE).fill(0);
}

/** Six decimals (the statistics are in standardised units): far finer than their noise, and a small saved state. */
const r6 = (v: number) => fixed(v, 6);

/**
 * The level after checking it against the series' record: p is raised to the share of points the
 * series' own level has spent this high (its rate of crossings times calibCluster, interpolated
 * between recorded levels on a log scale and extrapolated a decade per level above the last),
 * blended with calibPrior points of the model's own p. Levels below 1 (p > 0.1) are left as they are.
 */
function calibrated(st: SurpriseState, level: number, n: number): number {
  const T = SURPRISE_TUNING;
  const J = T.calibLevels;
  const rate = (i: number) => Math.max(i < 1 ? 1 : (st[REC + i - 1] ?? 0), 1e-12);
  const j = Math.min(Math.floor(level), J);
  const f = level - j;
  const q = j >= J ? rate(J) * 10 ** (J - level) : Math.exp((1 - f) * Math.log(rate(j)) + f * Math.log(rate(j + 1)));
  const p = (q * T.calibCluster * n + T.calibPrior * 10 ** -level) / (n + T.calibPrior);
  return Math.min(level, -Math.log10(p));
}

/**
 * The third feature, a change of distribution: the surprisal -ln p of the reading's bin (of
 * histBins over the range before it) under the histogram's long-run frequencies (half a count of
 * prior per bin, as Jeffreys'), its short mean scored against that mean's long distribution.
 * Updates its part of the state; returns its -log10 p times histWeight (0 while it warms up).
 */
function histogramLevel(st: SurpriseState, x: number, lo: number, hi: number): number {
  const T = SURPRISE_TUNING;
  const nb = T.histBins;
  const n0 = st[HIST] ?? 0;
  const span = hi - lo;
  const bin = span > 0 && Number.isFinite(x) ? Math.max(0, Math.min(nb - 1, Math.floor((nb * (x - lo)) / span))) : 0;
  const n = Math.min(n0 + 1, T.histLongPoints);
  const a = 1 / n;
  const u = n0 > 0 ? Math.min(-Math.log(((st[HIST + 4 + bin] ?? 0) * n0 + 0.5) / (n0 + 0.5 * nb)), T.clip) : 0;
  const m0 = st[HIST + 1] ?? 0;
  const mu0 = st[HIST + 2] ?? 0;
  const v0 = st[HIST + 3] ?? 0;
  const m = m0 + Math.max(1 / T.histShortPoints, a) * (u - m0);
  const level = n0 >= T.warmupPoints && v0 > 0 ? (T.histWeight * -lnNormalUpper((m - mu0) / Math.sqrt(v0 + T.varianceFloor))) / LN10 : 0;
  const d = m - mu0;
  st[HIST] = n;
  st[HIST + 1] = fixed(m, 4);
  st[HIST + 2] = r6(mu0 + a * d);
  st[HIST + 3] = r6((1 - a) * (v0 + a * d * d));
  // The frequencies to five decimals (a point moves them by 1/histLongPoints).
  for (let i = 0; i < nb; i++) {
    const h = st[HIST + 4 + i] ?? 0;
    st[HIST + 4 + i] = fixed(h + a * ((i === bin ? 1 : 0) - h), 5);
  }
  return level;
}

/**
 * Scores one point, given its standardised residual (|x - expected| / scale) and its reading, and
 * updates the state in place. Returns the score in [0, 1).
 */
export function surprise(st: SurpriseState, residual: number, x: number): number {
  const T = SURPRISE_TUNING;
  if (st.length < STEP + 5 && (st[3] ?? 0) > 0) {
    // A state saved before the step statistics existed: they start here, and the score warms up
    // again (its statistics re-learn from the next point on, as a young series' do; the range stays).
    for (let i = st.length; i < STEP + 5; i++) st[i] = 0;
    st[3] = 1;
    st[STEP] = x;
  }
  // A state saved before the histogram existed: it starts here (its own count warms it up).
  for (let i = st.length; i < SIZE; i++) st[i] = 0;
  const m0 = st[0] ?? 0;
  const mu0 = st[1] ?? 0;
  const v0 = st[2] ?? 0;
  const k0 = st[3] ?? 0;
  const lo0 = st[4] ?? x;
  const hi0 = st[5] ?? x;
  const quiet = st[6] ?? 0;
  const last = st[7] ?? 0;
  const k = Math.min(k0 + 1, T.longPoints);
  const r = Number.isFinite(residual) ? Math.min(Math.abs(residual), T.clip) : 0;
  const m = m0 + Math.max(1 / T.shortPoints, 1 / k) * (r - m0);
  let raw = 0;
  let extreme = false;
  if (k0 >= T.warmupPoints && v0 > 0) {
    raw = -lnNormalUpper((m - mu0) / Math.sqrt(v0 + T.varianceFloor)) / LN10;
    const margin = T.extremeMargin * (hi0 - lo0);
    extreme = x > hi0 + margin || x < lo0 - margin;
  }
  // The step, standardised by the mean step so far (an EMA like the long window's), clipped like a residual.
  const dx = k0 === 0 ? 0 : Math.abs(x - (st[STEP] ?? x));
  const meanStep = st[STEP + 1] ?? 0;
  const z = meanStep > 0 && Number.isFinite(dx) ? Math.min(dx / meanStep, T.clip) : 0;
  const sm0 = st[STEP + 2] ?? 0;
  const smu0 = st[STEP + 3] ?? 0;
  const sv0 = st[STEP + 4] ?? 0;
  const sm = sm0 + Math.max(1 / T.shortPoints, 1 / k) * (z - sm0);
  if (k0 >= T.warmupPoints && sv0 > 0) {
    raw = Math.max(raw, (T.stepWeight * -lnNormalUpper((sm - smu0) / Math.sqrt(sv0 + T.varianceFloor))) / LN10);
  }
  raw = Math.max(raw, histogramLevel(st, x, lo0, hi0));
  let level = raw >= 1 ? calibrated(st, raw, k0) : raw;
  // A new extreme keeps its level (it is news however often the series has been noisy) and is
  // recorded as a crossing of every level.
  if (extreme) {
    level = Math.max(level, T.extremeLevel);
    raw = Math.max(raw, T.extremeLevel);
  }
  const a = Math.max(1 / T.longPoints, 1 / k);
  for (let i = 1; i <= T.calibLevels; i++) {
    const c = st[REC + i - 1] ?? 0;
    // Nine decimals: coarser rounding would swallow the decay of a rate (a share 1/longPoints a point).
    st[REC + i - 1] = fixed(c + a * ((raw >= i && last < i ? 1 : 0) - c), 9);
  }
  const d = m - mu0;
  const sd = sm - smu0;
  // Repeats score 0 until both short means are back at or below their long ones.
  let left = quiet > 0 && (d > 0 || sd > 0) ? 1 : 0;
  if (quiet > 0) level = 0;
  else if (level >= T.suppressAbove) {
    // An onset is a new extreme or a point that is itself off the expected: one that is not (the way
    // back after a spike, a quiet point in a burst of steps) scores 0 and starts no suppression.
    if (extreme || r >= Math.max(m0, T.onsetResidual)) {
      left = 1;
      level += (T.onsetWeight * r) / T.clip;
    } else level = 0;
  }
  // The short means to four decimals (a point moves them by 1/shortPoints of a residual); the long
  // statistics to six (a point moves them by 1/longPoints).
  st[0] = fixed(m, 4);
  st[1] = r6(mu0 + a * d);
  st[2] = r6((1 - a) * (v0 + a * d * d));
  st[3] = k;
  st[4] = k0 === 0 ? x : Math.min(lo0, x);
  st[5] = k0 === 0 ? x : Math.max(hi0, x);
  st[6] = left;
  st[7] = fixed(raw, 2);
  st[STEP] = x;
  // The mean step to five significant digits (it only scales the steps), in the reading's units.
  st[STEP + 1] = Number.isFinite(dx) ? sig(meanStep + a * (dx - meanStep), 5) : meanStep;
  st[STEP + 2] = fixed(sm, 4);
  st[STEP + 3] = r6(smu0 + a * sd);
  st[STEP + 4] = r6((1 - a) * (sv0 + a * sd * sd));
  return level / (level + SCALE);
}
