/**
 * @module The detector: `step(state, point)` judges one point against the seasonal baseline,
 * accumulates evidence, and decides. Pure: no clock, no I/O; the state is plain JSON. For speed the
 * state passed in is updated in place and returned; keep a copy (structuredClone) to branch.
 */
import { PEAK_BINS, recordExcursion } from './calibration.js';
import { COUNT_ALTERNATIVES, countEvidence, gaugeEvidence, MIN_DISPERSION, restingCusum } from './evidence.js';
import { explainCount, explainGauge, explainShift } from './explain.js';
import { holidayLookup } from './holiday-ranges.js';
import { fixed, sig } from './rounding.js';
import { createBaseline, expectAt, learn, upgradeBaseline } from './seasonal-baseline.js';
import { restingSurprise, surprise } from './surprise.js';
import type { DetectorConfig, DetectorState, Point, SeriesKind, StepResult, Tuning, Verdict } from './types.js';

/** The global tuning; see bench/nab.bench.ts for how (and how few) these were chosen. */
export const DEFAULT_TUNING: Readonly<Tuning> = Object.freeze({
  thresholdBase: 1,
  levelHalfLifeHours: 72,
  seasonRate: 0.15,
  shiftAfterHours: 3,
  gaugeShift: 1.5,
  memoryWeeks: 3,
});

/** Sensible defaults per kind of series. */
export const KIND_DEFAULTS: Readonly<
  Record<SeriesKind, Readonly<Pick<DetectorConfig, 'direction' | 'falseAlarmsPerWeek' | 'label' | 'warmupHours'>>>
> = Object.freeze({
  // Two days: the first day's pass is learned against a level that is itself still being learned.
  count: Object.freeze({ direction: 'both', falseAlarmsPerWeek: 0.5, label: 'events', warmupHours: 48 }),
  gauge: Object.freeze({ direction: 'both', falseAlarmsPerWeek: 1, label: 'value', warmupHours: 24 }),
});

/** Settings a caller may give; everything else takes the kind's defaults. */
export type DetectorOptions = Partial<Omit<DetectorConfig, 'tuning'>> & { kind: SeriesKind; tuning?: Partial<Tuning> };

/** A detector for one kind of series and its settings; states are per series. */
export interface Detector {
  readonly config: Readonly<DetectorConfig>;
  /** The evidence threshold h, in log-likelihood units, for a series whose points are `spacing` seconds apart. */
  threshold(spacing: number): number;
  init(): DetectorState;
  step(state: DetectorState, point: Point): StepResult;
}

export const MIN_POINTS = 30;
const SPREAD_HALF_LIFE = 86_400;
/** Observations are clipped to this many standard deviations before they are learned from. */
const LEARN_CLIP = 3;
/**
 * While an incident is open the baseline still learns, at this share of its usual rate and from
 * clipped values: an outage moves next week's expectation by a percent or two, while a profile that
 * was simply wrong at some hour still corrects itself over a few days.
 */
const INCIDENT_WEIGHT = 0.1;
/** A drop to below this share of the baseline is an outage, never a new normal. */
const OUTAGE_RATIO = 0.3;
/** A lasting change smaller than this (in ln of the ratio) closes the incident instead of re-baselining. */
const MIN_SHIFT = 0.15;
/** While an incident is open its score is damped, so one incident raises one alert. */
const ONGOING_DAMP = 0.2;
/**
 * A count re-baselines only once its hour-of-week residual has seen a whole week: before that, a
 * first weekend is a rhythm still being learned, not a new level.
 */
const COUNT_SHIFT_AGE = 9 * 86_400;
const DAY = 86_400;
/** Learned statistics are stored to eight significant digits: far below any effect, a smaller state. */
const sig8 = (v: number) => sig(v, 8);
/** Seconds a seasonal gauge's changed level must last before it becomes the new baseline. */
const GAUGE_SEASONAL_SHIFT = DAY;
const WEEK = 604_800;

/** Fills in defaults and validates nothing: config is validated where it is loaded. */
export function detectorConfig(opts: DetectorOptions): DetectorConfig {
  const d = KIND_DEFAULTS[opts.kind];
  return {
    kind: opts.kind,
    direction: opts.direction ?? d.direction,
    falseAlarmsPerWeek: opts.falseAlarmsPerWeek ?? d.falseAlarmsPerWeek,
    label: opts.label ?? d.label,
    warmupHours: opts.warmupHours ?? d.warmupHours,
    tzOffsetMinutes: opts.tzOffsetMinutes ?? 0,
    holidays: opts.holidays ?? [],
    tuning: { ...DEFAULT_TUNING, ...opts.tuning },
  };
}

/** Creates a detector. */
export function createDetector(opts: DetectorOptions): Detector {
  const config = detectorConfig(opts);
  const { kind, tuning } = config;
  const isCount = kind === 'count';
  // Lorden: a CUSUM with threshold h waits at least e^h steps between false alarms, so a week of
  // steps at the series' spacing needs h >= ln(steps per week / false alarms per week).
  const hBase = tuning.thresholdBase + Math.log(1 / Math.max(config.falseAlarmsPerWeek, 1e-6));
  const thresholdFor = (spacing: number) => Math.max(1, hBase + Math.log(Math.max(1, WEEK / Math.max(spacing, 1e-3))));
  const drops = config.direction !== 'spike';
  const spikes = config.direction !== 'drop';
  const tz = config.tzOffsetMinutes * 60;
  const warmup = config.warmupHours * 3600;
  const shiftAfter = tuning.shiftAfterHours * 3600;
  const learnOpts = { levelHalfLife: tuning.levelHalfLifeHours * 3600, seasonRate: tuning.seasonRate };
  const nCusums = isCount ? COUNT_ALTERNATIVES.length : 2;
  const memory = tuning.memoryWeeks * 604_800;

  const dispersion = (s: DetectorState) =>
    s.base.spreadNorm > 0 ? Math.max(MIN_DISPERSION, s.base.spread / s.base.spreadNorm) : MIN_DISPERSION;
  const gaugeScale = (s: DetectorState) => Math.max(1.2533 * s.base.spread, 1e-3 * Math.abs(s.base.level), 1e-9);
  const onHoliday = holidayLookup(config.holidays);
  /** Caps the evidence at the alert bar, so an incident's end is seen soon after it ends. */
  const cap = (s: DetectorState, h: number) => {
    const top = h * s.bar;
    for (const c of s.cusum) if (c.s > top) c.s = top;
  };
  const rest = (s: DetectorState) => {
    for (const c of s.cusum) {
      c.s = 0;
      c.from = 0;
      c.expected = 0;
      c.observed = 0;
      c.n = 0;
    }
  };

  /** Learns from a point judged normal: clipped, so one wild point moves nothing much. */
  const learnPoint = (s: DetectorState, t: number, x: number, dt: number, expected: number, weight: number) => {
    const b = s.base;
    // Bias-corrected: early points are averaged, not blended with the zero the spread starts at.
    const a = Math.max(1 - 2 ** (-dt / SPREAD_HALF_LIFE), 1 / s.n);
    // A gauge learns its first day unclipped: a rhythm with sharp steps (a shift starting at 09:00)
    // is many spreads away from a flat start, and clipped it would never be learned.
    const settled = s.n > MIN_POINTS && (isCount || s.last - s.first >= warmup);
    if (isCount) {
      const mu = expected * dt;
      // The +1 keeps room to learn upwards from a rate estimated at (nearly) zero.
      const sd = Math.sqrt(mu + dispersion(s) * mu * mu + 1);
      const xc = settled ? Math.min(Math.max(x, mu - LEARN_CLIP * sd), mu + LEARN_CLIP * sd) : x;
      const dev = settled ? Math.min((x - mu) ** 2, (2 * LEARN_CLIP * sd) ** 2) : (x - mu) ** 2;
      b.spread = sig8(b.spread + a * weight * (dev - mu - b.spread));
      b.spreadNorm = sig8(b.spreadNorm + a * weight * (mu * mu - b.spreadNorm));
      learn(kind, b, t, xc / dt, dt, s.last - s.first, learnOpts, weight, x / dt);
    } else {
      const sigma = gaugeScale(s);
      const e = x - expected;
      const lim = LEARN_CLIP * sigma;
      const ec = settled ? Math.min(Math.max(e, -lim), lim) : e;
      b.spread = sig8(b.spread + a * (Math.min(Math.abs(e), settled ? 2 * lim : Number.POSITIVE_INFINITY) - b.spread));
      learn(kind, b, t, expected + ec, dt, s.last - s.first, learnOpts, weight);
    }
  };

  const init = (): DetectorState => ({
    v: 2,
    first: 0,
    last: 0,
    n: 0,
    spacing: 0,
    base: createBaseline(kind, 0),
    cusum: Array.from({ length: nCusums }, restingCusum),
    incident: { since: 0, dir: 0, ratio: 1 },
    peak: 0,
    peaks: new Array<number>(PEAK_BINS).fill(0),
    watched: 0,
    peaksAt: 0,
    bar: 1,
    sur: restingSurprise(),
  });

  /** Judges a point: the baseline, the evidence and the verdict (everything but the anomaly score). */
  const judge = (s: DetectorState, p: Point): StepResult => {
    const { ts, value: x } = p;
    if (!Number.isFinite(ts) || !Number.isFinite(x)) return { state: s, score: 0, surprise: 0, expected: 0, verdict: { status: 'normal' } };
    if (s.n === 0) {
      s.first = ts;
      s.last = ts;
      s.n = 1;
      s.base.level = isCount ? x / (p.dt ?? 1) : x;
      s.base.day = Math.floor((ts + tz) / DAY);
      return { state: s, score: 0, surprise: 0, expected: x, verdict: { status: 'learning', readyInHours: config.warmupHours } };
    }
    const gap = ts - s.last;
    // The spacing is the series' resolution: learned from gaps, or from explicit intervals that are
    // not finer-grained ticks (a ticker reporting silence must not change what a step means).
    const sp = p.dt ?? gap;
    if (sp > 0 && (s.n === 1 || sp >= s.spacing / 2)) {
      s.spacing = s.n === 1 ? sp : s.spacing + 0.1 * (Math.min(sp, s.spacing * 2) - s.spacing);
    }
    if (gap > 0) s.last = ts;
    const dt = p.dt ?? (gap > 0 ? Math.min(gap, 2 * s.spacing) : s.spacing);
    if (!(dt > 0)) return { state: s, score: 0, surprise: 0, expected: 0, verdict: { status: 'normal' } };
    if (isCount && s.n === 1 && p.dt === undefined) s.base.level = x / dt;
    s.n++;
    // A count covers the interval ending at ts (placed at its middle); a gauge is read at ts.
    const t = isCount ? ts + tz - dt / 2 : ts + tz;
    const b = s.base;
    const expected = expectAt(kind, b, t, s.last - s.first, tuning.seasonRate);

    if (onHoliday(ts)) {
      rest(s);
      return { state: s, score: 0, surprise: 0, expected: isCount ? expected * dt : expected, verdict: { status: 'holiday' } };
    }

    let bi: number;
    let mu = 0;
    let sigma = 0;
    if (isCount) {
      mu = Math.max(expected * dt, 1e-9);
      bi = countEvidence(s.cusum, x, mu, dispersion(s), ts, dt, drops, spikes);
    } else {
      sigma = gaugeScale(s);
      bi = gaugeEvidence(s.cusum, (x - expected) / sigma, tuning.gaugeShift, ts, dt, expected, x, drops, spikes);
    }
    const expectedOut = isCount ? mu : expected;
    const age = ts - s.first;
    if (age < warmup || s.n < MIN_POINTS) {
      rest(s);
      learnPoint(s, t, x, dt, expected, 1);
      const readyInHours = Math.max(1, Math.ceil((warmup - age) / 3600));
      return { state: s, score: 0, surprise: 0, expected: expectedOut, verdict: { status: 'learning', readyInHours } };
    }
    const h = thresholdFor(s.spacing);
    const run = bi >= 0 ? s.cusum[bi] : undefined;
    const raw = run ? run.s / h : 0;
    if (raw > s.peak) s.peak = fixed(raw, 4);
    if (raw === 0 && s.peak > 0) {
      if (memory > 0) recordExcursion(s, s.peak, ts, memory, config.falseAlarmsPerWeek);
      s.peak = 0;
    }
    const e = raw / s.bar;
    const dir = isCount ? ((COUNT_ALTERNATIVES[bi] ?? 1) < 1 ? -1 : 1) : bi === 0 ? -1 : 1;
    const inc = s.incident;

    if (run && e >= 1 && (inc.since === 0 || dir !== inc.dir)) {
      const drop = dir < 0;
      const explanation = isCount
        ? explainCount(config.label, run, ts, dispersion(s), drop)
        : explainGauge(config.label, run, ts, sigma, drop);
      inc.since = ts;
      inc.dir = dir;
      inc.ratio = sig(isCount ? x / mu : x - expected, 6);
      cap(s, h);
      const verdict: Verdict = { status: 'alert', direction: drop ? 'drop' : 'spike', explanation };
      return { state: s, score: e / (1 + e), surprise: 0, expected: expectedOut, verdict };
    }
    if (inc.since === 0) {
      learnPoint(s, t, x, dt, expected, 1);
      return { state: s, score: e / (1 + e), surprise: 0, expected: expectedOut, verdict: { status: 'normal' } };
    }

    // An incident is open: follow how far the series has moved, without learning it as normal.
    const ra = 1 - 2 ** (-dt / Math.max(shiftAfter / 4, 1));
    inc.ratio = sig(inc.ratio + ra * ((isCount ? x / mu : x - expected) - inc.ratio), 6);
    cap(s, h);
    learnPoint(s, t, x, dt, expected, INCIDENT_WEIGHT);
    let active = false;
    for (let i = 0; i < s.cusum.length; i++) {
      const cdir = isCount ? ((COUNT_ALTERNATIVES[i] ?? 1) < 1 ? -1 : 1) : i === 0 ? -1 : 1;
      if (cdir === inc.dir && (s.cusum[i]?.s ?? 0) > 0) active = true;
    }
    if (!active) {
      inc.since = 0;
      return { state: s, score: 0, surprise: 0, expected: expectedOut, verdict: { status: 'normal' } };
    }
    const canShift = !isCount || age >= COUNT_SHIFT_AGE;
    // A seasonal gauge's new level must have been seen through a whole cycle: a few hours of a
    // daily rhythm the profile has not learned yet are not a new level.
    const needed = !isCount && b.mode > 0 ? Math.max(shiftAfter, GAUGE_SEASONAL_SHIFT) : shiftAfter;
    if (canShift && ts - inc.since >= needed && (!isCount || inc.dir > 0 || inc.ratio >= OUTAGE_RATIO)) {
      if (isCount && Math.abs(Math.log(Math.max(inc.ratio, 1e-9))) < MIN_SHIFT) {
        // The series came back to within a few percent of its baseline: a passing excursion, not a new level.
        rest(s);
        inc.since = 0;
        return { state: s, score: 0, surprise: 0, expected: expectedOut, verdict: { status: 'normal' } };
      }
      const before = b.level;
      b.level = isCount ? b.level * inc.ratio : b.level + inc.ratio;
      const explanation = explainShift(config.label, before, b.level, inc.since, ts, isCount);
      rest(s);
      inc.since = 0;
      return { state: s, score: 0, surprise: 0, expected: expectedOut, verdict: { status: 'shift', explanation } };
    }
    const score = (Math.min(e, 1) / (1 + Math.min(e, 1))) * ONGOING_DAMP;
    return {
      state: s,
      score,
      surprise: 0,
      expected: expectedOut,
      verdict: { status: 'ongoing', direction: inc.dir < 0 ? 'drop' : 'spike' },
    };
  };

  const step = (s: DetectorState, p: Point): StepResult => {
    // A state saved in an older format is upgraded on its first step after a restart: nothing re-learned.
    const version = Number(s.v) || 1;
    if (version < 2) {
      upgradeBaseline(kind, s.base, version);
      s.v = 2;
    }
    // The scale is the one the point is judged with, before the point is learned from.
    const scale = isCount ? dispersion(s) : gaugeScale(s);
    const n = s.n;
    const r = judge(s, p);
    if (s.n === n || r.verdict.status === 'holiday') return r;
    // A state saved before the anomaly score existed starts one.
    if (!Array.isArray(s.sur)) s.sur = restingSurprise();
    const mu = r.expected;
    const residual = isCount ? (p.value - mu) / Math.sqrt(mu + scale * mu * mu + 1) : (p.value - mu) / scale;
    r.surprise = surprise(s.sur, residual, p.value);
    return r;
  };

  return { config, threshold: thresholdFor, init, step };
}
