/**
 * @module Canary comparison: while two releases run side by side (KPI events tagged `release`),
 * a KPI per unit of traffic in the canary against the baseline release, over the same hours, so
 * neither seasonality nor the traffic split can bias it. The interval is a bootstrap over hours
 * (which keeps each hour's overdispersion and any shared hourly swings), seeded for repeatability.
 */
import { seededRandom } from '../kernel/index.js';

/** One hour of both releases: the KPI's count and the traffic's count. */
export interface CanaryHour {
  canary: number;
  canaryTraffic: number;
  baseline: number;
  baselineTraffic: number;
}

/** The canary's effect per unit of traffic, relative to the baseline release. */
export interface CanaryEstimate {
  effect: number;
  low: number;
  high: number;
  p: number;
  hours: number;
  significant: boolean;
}

function lr(h: readonly CanaryHour[], idx: readonly number[]): number {
  let c = 0;
  let ct = 0;
  let b = 0;
  let bt = 0;
  for (const i of idx) {
    const x = h[i] as CanaryHour;
    c += x.canary;
    ct += x.canaryTraffic;
    b += x.baseline;
    bt += x.baselineTraffic;
  }
  return Math.log((c + 0.5) / (ct + 0.5)) - Math.log((b + 0.5) / (bt + 0.5));
}

/** Bootstrap over hours (`rounds` resamples); undefined with fewer than 3 shared hours. */
export function compareCanary(hours: readonly CanaryHour[], rounds = 2000, seed = 1): CanaryEstimate | undefined {
  const n = hours.length;
  if (n < 3) return undefined;
  const rand = seededRandom(seed);
  const all = hours.map((_, i) => i);
  const est = lr(hours, all);
  const draws: number[] = [];
  const idx = new Array<number>(n).fill(0);
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < n; i++) idx[i] = Math.floor(rand() * n);
    draws.push(lr(hours, idx));
  }
  draws.sort((x, y) => x - y);
  const q = (p: number) => draws[Math.min(rounds - 1, Math.max(0, Math.round(p * (rounds - 1))))] as number;
  const below = draws.filter((d) => d <= 0).length / rounds;
  const p = Math.min(1, 2 * Math.min(below, 1 - below));
  // Basic (reflected) percentile interval: centred on the estimate.
  const low = 2 * est - q(0.975);
  const high = 2 * est - q(0.025);
  return { effect: Math.expm1(est), low: Math.expm1(low), high: Math.expm1(high), p, hours: n, significant: low > 0 || high < 0 };
}
