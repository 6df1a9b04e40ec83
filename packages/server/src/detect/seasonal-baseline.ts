/**
 * @module Seasonal baseline: a level times (counts) or plus (gauges) a daily and an hour-of-week
 * profile, learned online. It keeps three predictors (flat, daily, weekly) and uses whichever has
 * predicted best lately, so it finds by itself whether a series is daily, weekly or not seasonal.
 */
import type { BaselineState, SeriesKind } from './types.js';

/** Bins of the daily profile (30 minutes each). */
export const DAILY_BINS = 48;
/** Bins of the weekly profile (one per hour of the week). */
export const WEEKLY_BINS = 168;
const DAY = 86_400;
const WEEK = 604_800;
/** Data needed before a profile may be used: a full pass (daily), two passes (weekly). */
const DAILY_AFTER = DAY;
const WEEKLY_AFTER = 2 * WEEK;
/** Half-life of the predictors' error scores: long enough to span a week's rhythm. */
const ERR_HALF_LIFE = 3 * DAY;
/** A predictor must beat the one in use by this factor to replace it (hysteresis). */
const SWITCH_GAIN = 0.97;

/** A new baseline centred on the first reading (counts: events per second). */
export function createBaseline(kind: SeriesKind, level: number): BaselineState {
  const neutral = kind === 'count' ? 1 : 0;
  return {
    level,
    daily: new Array<number>(DAILY_BINS).fill(neutral),
    weekly: new Array<number>(WEEKLY_BINS).fill(neutral),
    err: [0, 0, 0],
    mode: 0,
    spread: 0,
    spreadNorm: 0,
    day: 0,
  };
}

/** The bin of local time t. Bins are piecewise constant: business rhythms and NAB's synthetic series
 * both change on the hour, where interpolation would blur the step. */
function binPos(localTs: number, period: number, bins: number): number {
  const r = localTs % period;
  return Math.min(bins - 1, Math.floor(((r < 0 ? r + period : r) / period) * bins));
}

function profileAt(p: number[], pos: number): number {
  return p[pos] as number;
}

function profileLearn(p: number[], pos: number, target: number, rate: number): void {
  p[pos] = (p[pos] as number) + rate * (target - (p[pos] as number));
}

function combine(kind: SeriesKind, level: number, season: number): number {
  return kind === 'count' ? level * season : level + season;
}

/** The season factor (counts) or offset (gauges) of the predictor in use, at local time t. */
export function seasonAt(b: BaselineState, t: number): number {
  if (b.mode === 2) return profileAt(b.weekly, binPos(t, WEEK, WEEKLY_BINS));
  if (b.mode === 1) return profileAt(b.daily, binPos(t, DAY, DAILY_BINS));
  return Number.NaN;
}

/** Expected rate (counts, per second) or reading (gauges) at local time t. */
export function expectAt(kind: SeriesKind, b: BaselineState, t: number): number {
  const s = seasonAt(b, t);
  return Number.isNaN(s) ? b.level : combine(kind, b.level, s);
}

function renormalise(kind: SeriesKind, b: BaselineState): void {
  for (const [p, used] of [
    [b.daily, b.mode === 1],
    [b.weekly, b.mode === 2],
  ] as const) {
    let sum = 0;
    for (const v of p) sum += v;
    const mean = sum / p.length;
    if (kind === 'count') {
      if (!(mean > 0)) continue;
      for (let i = 0; i < p.length; i++) p[i] = (p[i] as number) / mean;
      if (used) b.level *= mean;
    } else {
      for (let i = 0; i < p.length; i++) p[i] = (p[i] as number) - mean;
      if (used) b.level += mean;
    }
  }
}

/**
 * Learns from one observation (already clipped to a plausible range by the caller).
 * `obs` is a rate per second (counts) or a reading (gauges); `dt` the seconds it covers;
 * `age` the seconds of history so far.
 */
export function learn(
  kind: SeriesKind,
  b: BaselineState,
  t: number,
  obs: number,
  dt: number,
  age: number,
  opts: { levelHalfLife: number; seasonRate: number },
  weight = 1,
): void {
  const dPos = binPos(t, DAY, DAILY_BINS);
  const wPos = binPos(t, WEEK, WEEKLY_BINS);
  const d = profileAt(b.daily, dPos);
  const w = profileAt(b.weekly, wPos);
  const ea = 1 - 2 ** (-dt / ERR_HALF_LIFE);
  const e = b.err;
  e[0] = (e[0] as number) + ea * (Math.abs(obs - b.level) - (e[0] as number));
  e[1] = (e[1] as number) + ea * (Math.abs(obs - combine(kind, b.level, d)) - (e[1] as number));
  e[2] = (e[2] as number) + ea * (Math.abs(obs - combine(kind, b.level, w)) - (e[2] as number));

  // Each pass through a bin moves it by `rate`, however many points the pass holds; early passes
  // learn fast (a plain average of the passes so far), later ones at the configured rate.
  const dRate = weight * (1 - (1 - Math.max(opts.seasonRate, 1 / (1 + Math.floor(age / DAY)))) ** Math.min(1, (dt / DAY) * DAILY_BINS));
  const wRate = weight * (1 - (1 - Math.max(opts.seasonRate, 1 / (1 + Math.floor(age / WEEK)))) ** Math.min(1, (dt / WEEK) * WEEKLY_BINS));
  const lvl = b.level;
  if (kind === 'count') {
    if (lvl > 0) {
      profileLearn(b.daily, dPos, obs / lvl, dRate);
      profileLearn(b.weekly, wPos, obs / lvl, wRate);
    }
  } else {
    profileLearn(b.daily, dPos, obs - lvl, dRate);
    profileLearn(b.weekly, wPos, obs - lvl, wRate);
  }
  const s = b.mode === 2 ? w : b.mode === 1 ? d : Number.NaN;
  const deseason = Number.isNaN(s) ? obs : kind === 'count' ? (s > 1e-6 ? obs / s : lvl) : obs - s;
  // While young the level is a running mean, so it does not lean on whatever the first point was.
  const la = weight * Math.max(1 - 2 ** (-dt / opts.levelHalfLife), Math.min(1, dt / (age + dt)));
  b.level += la * (deseason - b.level);

  let best = b.mode;
  const allowed = age >= WEEKLY_AFTER ? 3 : age >= DAILY_AFTER ? 2 : 1;
  if (best >= allowed) best = 0;
  for (let i = 0; i < allowed; i++) if ((b.err[i] as number) < (b.err[best] as number) * SWITCH_GAIN) best = i;
  b.mode = best;
  const day = Math.floor(t / DAY);
  if (day !== b.day) {
    b.day = day;
    renormalise(kind, b);
  }
}
