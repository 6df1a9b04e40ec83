/**
 * @module Evidence accumulation: CUSUMs of log-likelihood ratios. Counts are judged with a
 * negative-binomial model against a few alternative rates (a collapse, a halving, a doubling, a
 * surge); gauges with a Gaussian model of the standardised residual. With threshold h, a CUSUM's
 * run length between false alarms is at least e^h steps (Lorden), which bounds the alarm rate.
 */
import { fixed, sig } from './rounding.js';
import type { CusumState } from './types.js';

/** Alternative rates, as multiples of the expected rate, that the count CUSUMs test against. */
export const COUNT_ALTERNATIVES: readonly number[] = [0.05, 0.5, 2, 5];
const LN_ALT = COUNT_ALTERNATIVES.map(Math.log);
/** Floor on the dispersion: even a perfect Poisson series is judged with a little slack. */
export const MIN_DISPERSION = 1e-3;

/** A CUSUM at rest. */
export function restingCusum(): CusumState {
  return { s: 0, from: 0, expected: 0, observed: 0, n: 0 };
}

/**
 * Stored rounded: the statistic to 1e-8 (thresholds are ~10), the run's sums to six significant
 * digits or four decimals (they only feed explanations). Far below any effect, and a smaller saved state.
 */
const round6 = (v: number) => (Math.abs(v) >= 100 ? fixed(v, 4) : sig(v, 6));

function add(c: CusumState, llr: number, ts: number, dt: number, expected: number, observed: number): void {
  const s = fixed(c.s + llr, 8);
  if (s <= 0) {
    c.s = 0;
    c.from = 0;
    c.expected = 0;
    c.observed = 0;
    c.n = 0;
    return;
  }
  if (c.s === 0) c.from = ts - dt;
  c.s = s;
  c.expected = round6(c.expected + expected);
  c.observed = Number.isInteger(observed) ? c.observed + observed : round6(c.observed + observed);
  c.n++;
}

/**
 * Feeds one count x (expected mu, dispersion phi) to the count CUSUMs enabled by the direction
 * flags; returns the index of the CUSUM with the largest statistic.
 */
export function countEvidence(
  cs: CusumState[],
  x: number,
  mu: number,
  phi: number,
  ts: number,
  dt: number,
  drops: boolean,
  spikes: boolean,
): number {
  const size = 1 / Math.max(phi, MIN_DISPERSION);
  let best = -1;
  let bestS = -1;
  for (let i = 0; i < COUNT_ALTERNATIVES.length; i++) {
    const rho = COUNT_ALTERNATIVES[i] as number;
    const c = cs[i] as CusumState;
    if (rho < 1 ? !drops : !spikes) {
      c.s = 0;
      continue;
    }
    // NB log-likelihood ratio of mean rho*mu against mu at the same size.
    const q = Math.log1p(((1 - rho) * mu) / (size + rho * mu));
    add(c, size * q + x * ((LN_ALT[i] as number) + q), ts, dt, mu, x);
    if (c.s > bestS) {
      bestS = c.s;
      best = i;
    }
  }
  return best;
}

/**
 * Feeds one standardised residual z of a gauge to the [drop, spike] CUSUMs, tuned to a shift of
 * `delta` standard deviations; returns the index with the larger statistic.
 */
export function gaugeEvidence(
  cs: CusumState[],
  z: number,
  delta: number,
  ts: number,
  dt: number,
  expected: number,
  observed: number,
  drops: boolean,
  spikes: boolean,
): number {
  const drop = cs[0] as CusumState;
  const spike = cs[1] as CusumState;
  const half = (delta * delta) / 2;
  if (drops) add(drop, -delta * z - half, ts, dt, expected, observed);
  else drop.s = 0;
  if (spikes) add(spike, delta * z - half, ts, dt, expected, observed);
  else spike.s = 0;
  if (!drops && !spikes) return -1;
  if (!drops) return 1;
  if (!spikes) return 0;
  return drop.s >= spike.s ? 0 : 1;
}
