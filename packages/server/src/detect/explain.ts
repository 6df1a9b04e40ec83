/** @module Explanations a person can act on: "expected ~40 checkouts in the last 2 min, saw 0 (p < 1e-9)". */
import { formatP, lnCountTail, lnNormalUpper } from './tail-probability.js';
import type { CusumState } from './types.js';

/** "2 min", "45 s", "3 h", "2 days". */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, seconds);
  if (s < 1) return `${Math.max(1, Math.round(s * 1000))} ms`;
  if (s < 90) return `${Math.round(s)} s`;
  if (s < 90 * 60) return `${Math.round(s / 60)} min`;
  if (s < 48 * 3600) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 86400)} days`;
}

/** Two significant digits, plain: 0.42, 40, 1200. */
export function formatAmount(x: number): string {
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a >= 100) return String(Math.round(Number(x.toPrecision(2))));
  return String(Number(x.toPrecision(2)));
}

/** Explains a count CUSUM run that crossed its threshold. */
export function explainCount(label: string, run: CusumState, ts: number, dispersion: number, drop: boolean): string {
  // The run's total is a sum of n negative binomials of one size each: a negative binomial of size n * size.
  const size = run.n / Math.max(dispersion, 1e-12);
  const lnP = lnCountTail(run.observed, run.expected, size, !drop);
  return `expected ~${formatAmount(run.expected)} ${label} in the last ${formatDuration(ts - run.from)}, saw ${formatAmount(run.observed)} (${formatP(lnP)})`;
}

/** Explains a gauge CUSUM run that crossed its threshold. */
export function explainGauge(label: string, run: CusumState, ts: number, scale: number, drop: boolean): string {
  const n = Math.max(1, run.n);
  const expected = run.expected / n;
  const observed = run.observed / n;
  const z = ((observed - expected) / Math.max(scale, 1e-12)) * Math.sqrt(n);
  const lnP = lnNormalUpper(drop ? -z : z);
  const span = n === 1 ? '' : ` on average over the last ${formatDuration(ts - run.from)}`;
  return `expected ~${formatAmount(expected)} ${label}${span}, saw ~${formatAmount(observed)} (${formatP(lnP)})`;
}

/** Explains a re-baselining after a lasting change. */
export function explainShift(label: string, before: number, after: number, since: number, ts: number, perMinute: boolean): string {
  const unit = perMinute ? ' per min' : '';
  const k = perMinute ? 60 : 1;
  const pct = before !== 0 ? ` (${after >= before ? '+' : ''}${Math.round(((after - before) / Math.abs(before)) * 100)}%)` : '';
  return `level shift: ${label} now ~${formatAmount(after * k)}${unit}, was ~${formatAmount(before * k)}${unit}${pct}, for ${formatDuration(ts - since)}; re-baselined`;
}
