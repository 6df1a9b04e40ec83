/**
 * @module What the detector expected over a range, with a 95% band, from hourly history. Pure. The
 * seasonal baseline learns hour by hour (two half-hour points, as the releases room does) and each
 * bucket is predicted before the hours it covers are learned: a one-step-ahead forecast, as live
 * detection sees it. Counts get a negative-binomial band (variance mu + phi mu^2, phi measured on
 * the hourly residuals), gauges mean +- 1.96 sd of the hourly residuals.
 */
import { createBaseline, expectAt, learn } from './seasonal-baseline.js';
import type { SeriesKind } from './types.js';

const HOUR = 3600;
const HALF = 1800;
const DAY = 86_400;
const LEARN = { levelHalfLife: 72 * HOUR, seasonRate: 0.15 };
/** History before the band is shown: the level has seen a whole day. */
const WARMUP = DAY;
/** Hourly points before observations are clipped (as the detector does once settled). */
const SETTLED = 48;
const CLIP = 3;
const Z95 = 1.96;
/** Floor of the dispersion: even a Poisson-perfect series varies a little from day to day. */
const MIN_DISPERSION = 0.002;
/** Most samples per bucket: a bucket is integrated over sub-intervals of at most 15 minutes. */
const SAMPLE_SECONDS = 900;
const MAX_SAMPLES = 60_000;

/** Hourly history of a KPI and the range to predict. */
export interface ExpectedInput {
  kind: SeriesKind;
  /** Epoch seconds of the first hour of `hourly` (on the hour). */
  start: number;
  /** Counts per hour (counts), or the hour's mean reading (gauges, null when none). */
  hourly: ReadonlyArray<number | null>;
  /** How many leading hours of `hourly` are complete (only those are learned). */
  complete: number;
  /** Buckets [from + k*step, from + (k+1)*step) up to `to`, epoch seconds. */
  from: number;
  to: number;
  step: number;
  tzOffsetMinutes?: number;
}

/** One bucket: start, expected value, and the 95% band (null while learning). */
export type ExpectedPoint = [number, number | null, number | null, number | null];

/** The expected values of the range, and how much history stood behind the last one. */
export interface ExpectedBand {
  points: ExpectedPoint[];
  /** Hours of history learned before the end of the range. */
  learnedHours: number;
}

const firstData = (h: ReadonlyArray<number | null>, kind: SeriesKind) => h.findIndex((v) => v !== null && (kind === 'gauge' || v > 0));

/** Predicts every bucket of the range from the history before it. */
export function expectedBand(input: ExpectedInput): ExpectedBand {
  const { kind, start, hourly, from, to, step } = input;
  const tz = (input.tzOffsetMinutes ?? 0) * 60;
  const buckets = Math.max(0, Math.ceil((to - from) / step));
  const per = Math.max(1, Math.min(Math.ceil(step / SAMPLE_SECONDS), Math.floor(MAX_SAMPLES / Math.max(1, buckets))));
  const width = step / per;
  const mean = new Array<number>(buckets).fill(0);
  const vars = new Array<number>(buckets).fill(0);
  const ready = new Array<boolean>(buckets).fill(true);
  const first = firstData(hourly, kind);
  const complete = Math.min(input.complete, hourly.length);
  if (first < 0 || first >= complete) {
    return { points: Array.from({ length: buckets }, (_, k): ExpectedPoint => [from + k * step, null, null, null]), learnedHours: 0 };
  }
  const tFirst = start + first * HOUR;
  const v0 = hourly[first] as number;
  const b = createBaseline(kind, kind === 'count' ? v0 / HOUR : v0);
  // Counts: smoothed (x - mu)^2 - mu and mu^2 (hourly); gauges: smoothed |residual|.
  let spread = 0;
  let norm = 0;
  let n = 0;
  let learnedHours = 0;
  const phi = () => (norm > 0 ? Math.max(MIN_DISPERSION, spread / norm) : MIN_DISPERSION);
  const gaugeSd = () => Math.max(1.2533 * spread, 1e-3 * Math.abs(b.level));
  const rate = (t: number, age: number) => expectAt(kind, b, t + tz, age, LEARN.seasonRate);
  const hourExpected = (t: number, age: number) => (rate(t, age) + rate(t + HALF, age)) * HALF;

  // Samples are visited in time order; each is predicted with the baseline as it stood before its hour.
  let k = 0;
  let j = 0;
  const predictUntil = (limit: number, learnedUpTo: number) => {
    for (; k < buckets; k++, j = 0) {
      for (; j < per; j++) {
        const t = from + k * step + (j + 0.5) * width;
        if (t >= limit) return;
        const age = learnedUpTo - tFirst;
        if (t < tFirst || age < WARMUP) {
          ready[k] = false;
          continue;
        }
        if (kind === 'count') mean[k] = (mean[k] as number) + rate(t, age) * width;
        else {
          mean[k] = (mean[k] as number) + rate(t, age) / per;
          vars[k] = gaugeSd() ** 2;
        }
      }
    }
  };

  for (let i = first; i < complete; i++) {
    const t = start + i * HOUR;
    predictUntil(t + HOUR, t);
    if (k >= buckets) break;
    const x = hourly[i];
    const age = t - tFirst;
    if (x !== null && x !== undefined) {
      n++;
      const a = Math.max(1 - 2 ** (-HOUR / DAY), 1 / n);
      const settled = n > SETTLED;
      if (kind === 'count') {
        const mu = hourExpected(t, age);
        const sd = Math.sqrt(mu + phi() * mu * mu + 1);
        const xc = settled ? Math.min(Math.max(x, mu - CLIP * sd), mu + CLIP * sd) : x;
        const dev = settled ? Math.min((x - mu) ** 2, (2 * CLIP * sd) ** 2) : (x - mu) ** 2;
        if (age >= WARMUP) {
          spread += a * (dev - mu - spread);
          norm += a * (mu * mu - norm);
        }
        learn(kind, b, t + tz, xc / HOUR, HALF, age, LEARN, 1, x / HOUR);
        learn(kind, b, t + HALF + tz, xc / HOUR, HALF, age + HALF, LEARN, 1, x / HOUR);
      } else {
        const e = x - (rate(t, age) + rate(t + HALF, age)) / 2;
        const lim = CLIP * gaugeSd();
        const ec = settled ? Math.min(Math.max(e, -lim), lim) : e;
        if (age >= WARMUP) spread += a * (Math.min(Math.abs(e), settled ? 2 * lim : Number.POSITIVE_INFINITY) - spread);
        learn(kind, b, t + tz, x - e + ec, HALF, age, LEARN);
        learn(kind, b, t + HALF + tz, x - e + ec, HALF, age + HALF, LEARN);
      }
    }
    learnedHours = i + 1 - first;
  }
  predictUntil(Number.POSITIVE_INFINITY, start + complete * HOUR);

  const points = mean.map((m, i): ExpectedPoint => {
    const ts = from + i * step;
    if (!ready[i]) return [ts, null, null, null];
    const sd = kind === 'count' ? Math.sqrt(m + phi() * m * m) : Math.sqrt(vars[i] as number);
    const round = (v: number) => Math.round(v * 1000) / 1000;
    const low = m - Z95 * sd;
    return [ts, round(m), round(kind === 'count' ? Math.max(0, low) : low), round(m + Z95 * sd)];
  });
  return { points, learnedHours };
}
