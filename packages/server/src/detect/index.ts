/**
 * @module The detection room: pure, benchmarked detectors for business KPIs. A detector's `step`
 * takes a series' state and one point and returns the new state, a score and a verdict.
 */

export { type Attribution, attributeSegments, type SegmentInput, type SegmentShare } from './attribution.js';
export { type BacktestAlert, type BacktestResult, inferKind, runBacktest } from './backtest.js';
export {
  createDetector,
  DEFAULT_TUNING,
  type Detector,
  type DetectorOptions,
  detectorConfig,
  KIND_DEFAULTS,
} from './detector.js';
export { createDetectionEngine, type DetectionEngine, type EngineDeps, type EngineEvent, type SavedSeries } from './engine.js';
export { type ExpectedBand, type ExpectedInput, type ExpectedPoint, expectedBand } from './expected-band.js';
export { createLiveDetection, type LiveDetection, type LiveDetectionDeps } from './live-detection.js';
export { primedState } from './prime.js';
export { createBaseline, expectAt, learn } from './seasonal-baseline.js';
export { ATTRIBUTION_MEMORY_SECONDS } from './segment-memory.js';
export { restingSurprise, SURPRISE_TUNING, type SurpriseState, surprise } from './surprise.js';
export { lnGamma } from './tail-probability.js';
export type {
  BaselineState,
  CusumState,
  DetectorConfig,
  DetectorState,
  Direction,
  Point,
  SeriesKind,
  StepResult,
  Tuning,
  Verdict,
} from './types.js';
