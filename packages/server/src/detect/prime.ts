/**
 * @module Primed states: a counted series that starts from a rate known beforehand (a new error
 * issue is assumed rare) is judged from its first point, with no warm-up during which a burst
 * would be learned as its normal.
 */
import { type Detector, MIN_POINTS } from './detector.js';
import type { DetectorState } from './types.js';

const DAY = 86_400;

/**
 * A state as if the detector had watched the series at `ratePerSecond` through its whole warm-up,
 * ending at `ts` (epoch seconds), one point a second. Counted series only; flat, with no profile.
 */
export function primedState(det: Detector, ratePerSecond: number, ts: number): DetectorState {
  const s = det.init();
  const warmup = det.config.warmupHours * 3600;
  s.first = ts - warmup - 1;
  s.last = ts - 1;
  // As many points as a warm-up of seconds: the prior weighs like the history it stands for.
  s.n = Math.max(MIN_POINTS + 1, Math.round(warmup));
  s.spacing = 1;
  s.base.level = Math.max(0, ratePerSecond);
  // Poisson so far: no excess variance over a second's expected count (the dispersion's norm).
  s.base.spreadNorm = s.base.level * s.base.level;
  s.base.day = Math.floor((ts + det.config.tzOffsetMinutes * 60) / DAY);
  return s;
}
