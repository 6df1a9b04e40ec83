/**
 * @module Generated hourly KPI counts for release-impact trials: a business day (quiet nights, a
 * steep 8-10 a.m. rise, a busier Monday morning), quieter weekends, a wandering level (AR(1) on
 * the log scale) and gamma-Poisson (negative binomial) noise, with a known multiplicative effect
 * injected from the deploy hour on.
 */
import { seededRandom } from '../kernel/index.js';

/** 2026-01-05T00:00:00Z, a Monday. */
export const MONDAY = Date.UTC(2026, 0, 5) / 1000;

/** Deterministic uniform numbers (mulberry32). */
export const seeded = seededRandom;

function normal(r: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
}

/** Gamma(shape, 1) by Marsaglia and Tsang (shape >= 1). */
function gamma(r: () => number, shape: number): number {
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const x = normal(r);
    const v = (1 + c * x) ** 3;
    if (v > 0 && Math.log(1 - r()) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
  }
}

function poisson(r: () => number, lambda: number): number {
  if (lambda > 500) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * normal(r)));
  let k = 0;
  let p = Math.exp(-lambda);
  let s = p;
  const u = r();
  while (u > s && k < 10_000) {
    k++;
    p *= lambda / k;
    s += p;
  }
  return k;
}

/** Relative traffic at an hour of the week (0 = Monday 00:00). */
export function weekShape(hourOfWeek: number): number {
  const day = Math.floor(hourOfWeek / 24);
  const h = hourOfWeek % 24;
  // Night trough, a steep rise from 7 to 10 a.m., a plateau, an evening shoulder.
  const daily = 0.15 + 1.2 / (1 + Math.exp(-(h - 8.5) * 1.6)) - 0.5 / (1 + Math.exp(-(h - 20) * 1.2));
  const weekly = day >= 5 ? 0.65 : day === 0 && h >= 7 && h < 13 ? 1.25 : 1;
  return daily * weekly;
}

/** Options of one generated series. */
export interface ReleaseSeriesOptions {
  seed: number;
  /** Weeks of data in total. */
  weeks?: number;
  /** Mean events per hour at the daytime plateau. */
  perHour?: number;
  /** Gamma shape of the per-hour noise (smaller: more overdispersed). */
  shape?: number;
  /** Standard deviation of the hourly log-level innovation (AR(1), phi 0.98). */
  wander?: number;
  /** Hour index of the deploy. */
  deployHour: number;
  /** Multiplicative effect from the deploy on (1: none). */
  effect: number;
}

/** Hourly counts from MONDAY, and each hour's true mean (level, season and effect; for oracle figures). */
export function releaseSeries(o: ReleaseSeriesOptions): { start: number; counts: number[]; means: number[] } {
  const r = seeded(o.seed);
  const n = (o.weeks ?? 5) * 168;
  const shape = o.shape ?? 20;
  const wander = o.wander ?? 0.01;
  let x = 0;
  const counts: number[] = [];
  const means: number[] = [];
  for (let i = 0; i < n; i++) {
    x = 0.98 * x + wander * normal(r);
    const mean = (o.perHour ?? 200) * weekShape(i % 168) * Math.exp(x) * (i >= o.deployHour ? o.effect : 1);
    means.push(mean);
    counts.push(poisson(r, (mean * gamma(r, shape)) / shape));
  }
  return { start: MONDAY, counts, means };
}
