/**
 * @module Releases: deploys (explicit and from error events), the release in force, each deploy's
 * impact on every KPI and funnel with calibrated statistics, per-release errors, canary comparison,
 * and the reporter that sends a conclusive report once.
 */
export { type CanaryEstimate, type CanaryHour, compareCanary } from './canary.js';
export {
  createReleaseRegistry,
  type Deploy,
  type DeployRow,
  openReleaseRegistry,
  type ReleaseRegistry,
  validateDeploy,
} from './deploys.js';
export {
  describe,
  type EffectView,
  type Funnel,
  type ImpactDeps,
  type ImpactReport,
  impactReport,
  type KpiImpact,
  storedFunnels,
} from './impact.js';
export {
  baselineWindows,
  type Estimate,
  estimateKpi,
  estimateRelative,
  FINAL_P,
  type HourlySeries,
  INTERIM_P,
  priorWeekWindows,
  verdictOf,
  type WindowSet,
} from './impact-stats.js';
export { type ReleaseErrors, releaseErrors } from './release-errors.js';
export { createReleaseReporter, type ReporterDeps, reportMessage } from './reporter.js';
