/**
 * @module Monitors as code: a declaration file validated (`heed verify`), synced idempotently to a
 * project (`heed apply`, diff first), compared with production (`heed status`), and live: KPI
 * settings handed to detection and funnels' conversions watched on every commit.
 */
export { type ApplyHooks, appliedDeclaration, applyDeclaration, type Change, DOC_KINDS, managedIds, planApply } from './apply.js';
export { type Declaration, durationSeconds, type KpiDecl, type Problem, verifyDeclaration } from './declaration.js';
export { FUNNEL_TUNING } from './funnel-watch.js';
export { type Holidays, holidayRanges, validateHolidays } from './holidays.js';
export {
  type EffectiveSettings,
  falseAlarmsPerWeek,
  type KpiSettings,
  SENSITIVITY_WORDS,
  type Sensitivity,
  validateKpiSettings,
} from './kpi-settings.js';
export { createLiveMonitors, HOLIDAYS_DOC, type LiveMonitors, type LiveMonitorsDeps, SETTINGS_DOC } from './live.js';
export { explainRatio, RATIO_DOC, type RatioSpec, validateRatio, validRatioName } from './ratios.js';
export { monitorStatus, type StatusLine } from './status.js';
