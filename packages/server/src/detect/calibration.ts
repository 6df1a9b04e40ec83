/**
 * @module Empirical calibration of the alert bar. Each finished excursion of the evidence (a CUSUM
 * run that went up and came back) is recorded by its peak, in half-octave bins, with exponential
 * forgetting. The bar is the lowest level that past excursions crossed no more often than the
 * allowed false alarms per week, and never below the model's own threshold: where the model is
 * right this changes nothing; where the data is wilder than the model, it keeps the alarm rate bounded.
 */
import { sig } from './rounding.js';
import type { DetectorState } from './types.js';

/** Bins of the peak record: half-octaves from 2^-2 to 2^8 thresholds. */
export const PEAK_BINS = 20;
const OFFSET = 4;
const WEEK = 604_800;
/** A week of calm assumed before any data, so a young series is not desensitised by one early excursion. */
const PRIOR_SECONDS = WEEK;

function binOf(peak: number): number {
  const k = Math.floor(2 * Math.log2(peak)) + OFFSET;
  return Math.min(PEAK_BINS - 1, Math.max(0, k));
}

function lowerEdge(k: number): number {
  return 2 ** ((k - OFFSET) / 2);
}

/** Records a finished excursion at time ts and recomputes the bar. */
export function recordExcursion(s: DetectorState, peak: number, ts: number, halfLife: number, falseAlarmsPerWeek: number): void {
  const since = Math.max(0, ts - s.peaksAt);
  const d = 2 ** (-since / halfLife);
  // Stored to four significant digits: the record is a rough tally, and small in the saved state.
  for (let i = 0; i < PEAK_BINS; i++) s.peaks[i] = sig((s.peaks[i] as number) * d, 4);
  s.watched = Math.round(s.watched * d + (halfLife / Math.LN2) * (1 - d));
  s.peaksAt = ts;
  const k = binOf(peak);
  s.peaks[k] = (s.peaks[k] as number) + 1;
  const weeks = (s.watched + PRIOR_SECONDS) / WEEK;
  let bar = 1;
  let above = 0;
  for (let i = PEAK_BINS - 1; i >= 0; i--) {
    above += s.peaks[i] as number;
    if (above / weeks > falseAlarmsPerWeek) {
      bar = Math.max(1, i + 1 < PEAK_BINS ? lowerEdge(i + 1) : 2 * lowerEdge(PEAK_BINS - 1));
      break;
    }
  }
  s.bar = sig(bar, 6);
}
