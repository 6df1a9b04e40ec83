/**
 * @module Seasonal baseline, learned online. Counts: a level times a daily profile (interpolated)
 * times an hour-of-week residual shrunk by how many events back it, so a sparse series is not misled
 * by a noisy week while a busy one learns its Friday promotion. Gauges: a level plus a daily or an
 * hour-of-week profile, whichever has predicted best lately (so it finds whether a series is daily,
 * weekly or not seasonal). Bins learn once per pass through them and are stored rounded: small state
 * (a count's factors as whole steps of ln(factor), see LOG_STEPS; a gauge's offsets to three digits).
 */
import { fixed, sig } from './rounding.js';
import type { BaselineState, SeriesKind } from './types.js';

/** Bins of the daily profile (30 minutes each). */
export const DAILY_BINS = 48;
/** Bins of the weekly profile (one per hour of the week). */
export const WEEKLY_BINS = 168;
const DAY = 86_400;
const WEEK = 604_800;
/** Data needed before a gauge profile may be used: a full pass (daily), two passes (weekly). */
const DAILY_AFTER = DAY;
const WEEKLY_AFTER = 2 * WEEK;
/** A count's daily profile learns from its second day and is used from its third. */
const COUNT_DAILY_AFTER = 2 * DAY;
/** Half-life of the predictors' error scores: long enough to span a week's rhythm. */
const ERR_HALF_LIFE = 3 * DAY;
/** A predictor must beat the one in use by this factor to replace it (hysteresis). */
const SWITCH_GAIN = 0.97;
/** Events an hour-of-week residual needs behind it to count for half its value. */
const WEEKLY_PRIOR_EVENTS = 30;
/** Most a pass may move the target of an hour-of-week residual, as a factor. */
const WEEKLY_CLAMP = 2;

/**
 * A count's profile factors are stored as integers: round(ln(factor) * LOG_STEPS), so 1 is 0 and
 * the rounding error is at most 0.1% of any factor (the three significant digits stored before
 * were 0.05% to 0.5%), in about a third fewer characters of saved state.
 */
export const LOG_STEPS = 500;
/** Stored steps are clamped to this many either side of 0: factors from e^-12 to e^12. */
const LOG_RANGE = 12 * LOG_STEPS;
/** exp(q / LOG_STEPS) for every storable q, offset by LOG_RANGE: reading a factor is a lookup. */
const EXP = Float64Array.from({ length: 2 * LOG_RANGE + 1 }, (_, i) => Math.exp((i - LOG_RANGE) / LOG_STEPS));

/** The stored step of a count factor. */
export function encodeFactor(v: number): number {
  const q = v > 0 ? Math.round(Math.log(v) * LOG_STEPS) : -LOG_RANGE;
  return Math.min(LOG_RANGE, Math.max(-LOG_RANGE, q));
}

/** The count factor a stored step stands for (a lookup; computed for a step no encoding gives). */
const factor = (q: number): number => EXP[q + LOG_RANGE] ?? Math.exp(q / LOG_STEPS);

/**
 * A new baseline centred on the first reading (counts: events per second). Either kind's profiles
 * start neutral at 0: a factor of 1 (stored as its log step) or an offset of 0.
 */
export function createBaseline(_kind: SeriesKind, level: number): BaselineState {
  return {
    level,
    daily: new Array<number>(DAILY_BINS).fill(0),
    weekly: new Array<number>(WEEKLY_BINS).fill(0),
    err: [0, 0, 0],
    mode: 0,
    spread: 0,
    spreadNorm: 0,
    day: 0,
    acc: [-1, 0, 0, 0, -1, 0, 0, 0],
  };
}

function posIn(localTs: number, period: number): number {
  const r = localTs % period;
  return (r < 0 ? r + period : r) / period;
}

/** Bins are piecewise constant where rhythms change on the hour (promotions, NAB's synthetic series). */
function binPos(localTs: number, period: number, bins: number): number {
  return Math.min(bins - 1, Math.floor(posIn(localTs, period) * bins));
}

const at = (p: number[], i: number): number => p[i] as number;
/** A count's profile factor at bin i. */
const fac = (p: number[], i: number): number => factor(p[i] as number);

/** The daily factor of a count series, interpolated between bin centres: business days are smooth. */
function dailySmooth(p: number[], t: number): number {
  const x = posIn(t, DAY) * DAILY_BINS - 0.5;
  const i = Math.floor(x);
  const f = x - i;
  return fac(p, (i + DAILY_BINS) % DAILY_BINS) * (1 - f) + fac(p, (i + 1) % DAILY_BINS) * f;
}

/** Weeks of history behind the hour-of-week residual (0 until a whole week has been seen). */
function weeklyPasses(age: number, seasonRate: number): number {
  return Math.min(Math.floor(age / WEEK), 1 / Math.max(seasonRate, 1e-3));
}

/**
 * The hour-of-week residual in use: its day's mean, trusted by the events of a whole day, plus the
 * hour's own deviation, trusted by the events of that hour. A sparse series thus learns its weekend
 * from whole days while only a busy one learns an hour-long promotion.
 */
function weeklyAt(b: BaselineState, t: number, age: number, seasonRate: number): number {
  const passes = weeklyPasses(age, seasonRate);
  if (passes < 1) return 1;
  const pos = binPos(t, WEEK, WEEKLY_BINS);
  const day = pos - (pos % 24);
  let sum = 0;
  for (let i = day; i < day + 24; i++) sum += fac(b.weekly, i);
  const dayMean = sum / 24;
  const events = b.level * 3600 * passes;
  const sDay = (24 * events) / (24 * events + WEEKLY_PRIOR_EVENTS);
  const sHour = events / (events + WEEKLY_PRIOR_EVENTS);
  return 1 + (dayMean - 1) * sDay + (fac(b.weekly, pos) - dayMean) * sHour;
}

function countSeason(b: BaselineState, t: number, age: number, seasonRate: number): number {
  const d = age >= COUNT_DAILY_AFTER ? dailySmooth(b.daily, t) : 1;
  return Math.max(d, 0) * Math.max(weeklyAt(b, t, age, seasonRate), 0);
}

/** Expected rate (counts, per second) or reading (gauges) at local time t, after `age` seconds of history. */
export function expectAt(kind: SeriesKind, b: BaselineState, t: number, age: number, seasonRate: number): number {
  if (kind === 'count') return b.level * countSeason(b, t, age, seasonRate);
  if (b.mode === 2) return b.level + at(b.weekly, binPos(t, WEEK, WEEKLY_BINS));
  if (b.mode === 1) return b.level + at(b.daily, binPos(t, DAY, DAILY_BINS));
  return b.level;
}

/** Bins are stored to three significant digits (0.1%, far below sampling noise): the state stays small. */
const round3 = (v: number) => Number(v.toPrecision(3));

/** Closes the pass through one bin: moves it by `rate` times the share of the pass learned at full weight. */
function closePass(log: boolean, p: number[], acc: number[], o: number, rate: number, binSeconds: number, clamp: number): void {
  const pos = at(acc, o);
  const wdt = at(acc, o + 2);
  if (pos >= 0 && wdt > 0) {
    const cover = Math.min(1, at(acc, o + 3) / binSeconds);
    const r = rate * cover * (wdt / at(acc, o + 3));
    const cur = log ? fac(p, pos) : at(p, pos);
    const mean = at(acc, o + 1) / wdt;
    const target = Number.isFinite(clamp) ? Math.min(Math.max(mean, cur / clamp), cur * clamp) : mean;
    const next = cur + r * (target - cur);
    p[pos] = log ? encodeFactor(next) : round3(next);
  }
  acc[o + 1] = 0;
  acc[o + 2] = 0;
  acc[o + 3] = 0;
}

function accumulate(
  log: boolean,
  p: number[],
  acc: number[],
  o: number,
  pos: number,
  target: number,
  dt: number,
  weight: number,
  rate: number,
  binSeconds: number,
  clamp = Number.POSITIVE_INFINITY,
) {
  if (pos !== at(acc, o)) {
    closePass(log, p, acc, o, rate, binSeconds, clamp);
    acc[o] = pos;
  }
  // The sum to ten significant digits, the seconds to the millisecond: a smaller saved state.
  acc[o + 1] = sig(at(acc, o + 1) + weight * dt * target, 10);
  acc[o + 2] = fixed(at(acc, o + 2) + weight * dt, 3);
  acc[o + 3] = fixed(at(acc, o + 3) + dt, 3);
}

function renormalise(kind: SeriesKind, b: BaselineState): void {
  if (kind === 'count') {
    // The hour-of-week residual keeps only what differs between days: at each hour of the day its
    // seven bins average 1, so the daily shape has one home and the two profiles cannot drift apart.
    const w = b.weekly;
    for (let h = 0; h < 24; h++) {
      let sum = 0;
      for (let d = 0; d < 7; d++) sum += fac(w, d * 24 + h);
      const mean = sum / 7;
      if (mean > 0) for (let d = 0; d < 7; d++) w[d * 24 + h] = encodeFactor(fac(w, d * 24 + h) / mean);
    }
  }
  for (const [p, used] of [
    [b.daily, kind === 'count' || b.mode === 1],
    [b.weekly, kind === 'count' || b.mode === 2],
  ] as const) {
    let sum = 0;
    for (let i = 0; i < p.length; i++) sum += kind === 'count' ? fac(p, i) : at(p, i);
    const mean = sum / p.length;
    if (kind === 'count') {
      if (!(mean > 0)) continue;
      for (let i = 0; i < p.length; i++) p[i] = encodeFactor(fac(p, i) / mean);
      if (used) b.level *= mean;
    } else {
      for (let i = 0; i < p.length; i++) p[i] = round3(at(p, i) - mean);
      if (used) b.level += mean;
    }
  }
}

/**
 * Learns from one observation (already clipped to a plausible range by the caller).
 * `obs` is a rate per second (counts) or a reading (gauges); `dt` the seconds it covers;
 * `age` the seconds of history so far; `weight` below 1 while an incident is open.
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
  raw = obs,
): void {
  const dPos = binPos(t, DAY, DAILY_BINS);
  const wPos = binPos(t, WEEK, WEEKLY_BINS);
  // Early passes learn fast (a plain average of the passes so far), later ones at the configured rate.
  const dRate = Math.max(opts.seasonRate, 1 / (1 + Math.floor(age / DAY)));
  const wRate = Math.max(opts.seasonRate, 1 / (1 + Math.floor(age / WEEK)));
  const lvl = b.level;
  let deseason: number;
  if (kind === 'count') {
    // Day one learns only the level (a plain mean); the daily profile learns from day two, against a
    // level that has seen a whole day, and is used from day three (a profile learned against a
    // level still climbing through its first morning would be skewed for weeks).
    const dAge = age - DAY;
    const d = age >= COUNT_DAILY_AFTER ? Math.max(dailySmooth(b.daily, t), 1e-3) : 1;
    const w = weeklyAt(b, t, age, opts.seasonRate);
    if (lvl > 0 && dAge >= 0) {
      const rate = Math.max(opts.seasonRate, 1 / (1 + Math.floor(dAge / DAY)));
      accumulate(true, b.daily, b.acc, 0, dPos, obs / (lvl * Math.max(w, 1e-3)), dt, weight, rate, DAY / DAILY_BINS);
      // The weekly residual learns from every point, unclipped and at full weight, but each pass may
      // move its target at most a factor WEEKLY_CLAMP: a promotion that recurs each Friday is learned
      // in a week or two, while one outage moves next week's bin by a few percent.
      if (age >= COUNT_DAILY_AFTER)
        accumulate(true, b.weekly, b.acc, 4, wPos, raw / (lvl * d), dt, 1, wRate, WEEK / WEEKLY_BINS, WEEKLY_CLAMP);
    }
    const s = countSeason(b, t, age, opts.seasonRate);
    deseason = s > 1e-3 ? obs / s : lvl;
    b.mode = age >= WEEK ? 2 : age >= COUNT_DAILY_AFTER ? 1 : 0;
  } else {
    const d = at(b.daily, dPos);
    const w = at(b.weekly, wPos);
    const ea = 1 - 2 ** (-dt / ERR_HALF_LIFE);
    const e = b.err;
    e[0] = at(e, 0) + ea * (Math.abs(obs - lvl) - at(e, 0));
    e[1] = at(e, 1) + ea * (Math.abs(obs - lvl - d) - at(e, 1));
    e[2] = at(e, 2) + ea * (Math.abs(obs - lvl - w) - at(e, 2));
    accumulate(false, b.daily, b.acc, 0, dPos, obs - lvl, dt, weight, dRate, DAY / DAILY_BINS);
    accumulate(false, b.weekly, b.acc, 4, wPos, obs - lvl, dt, weight, wRate, WEEK / WEEKLY_BINS);
    deseason = obs - (b.mode === 2 ? w : b.mode === 1 ? d : 0);
    let best = b.mode;
    const allowed = age >= WEEKLY_AFTER ? 3 : age >= DAILY_AFTER ? 2 : 1;
    if (best >= allowed) best = 0;
    for (let i = 0; i < allowed; i++) if (at(b.err, i) < at(b.err, best) * SWITCH_GAIN) best = i;
    b.mode = best;
  }
  // While young the level is a running mean, so it does not lean on whatever the first point was.
  const mean = Math.min(1, dt / (age + dt));
  const young = kind === 'count' && age < COUNT_DAILY_AFTER;
  const la = weight * (young ? mean : Math.max(1 - 2 ** (-dt / opts.levelHalfLife), mean));
  // Ten significant digits: far finer than any step of the level, and a smaller saved state.
  b.level = sig(b.level + la * (deseason - b.level), 10);
  const day = Math.floor(t / DAY);
  if (day !== b.day) {
    b.day = day;
    renormalise(kind, b);
  }
}

/**
 * Brings a baseline saved in an older format up to date, in place: before format 2 a count's
 * profiles held the factors themselves. Gauge baselines are unchanged.
 */
export function upgradeBaseline(kind: SeriesKind, b: BaselineState, fromVersion: number): void {
  if (kind !== 'count' || fromVersion >= 2) return;
  for (const p of [b.daily, b.weekly]) for (let i = 0; i < p.length; i++) p[i] = encodeFactor(at(p, i));
}
