/** @module Alerts: signals from every source become incidents, routed, silenced, escalated, measured. */
export { ackLink, verifyAck } from './ack-link.js';
export { signalFromAnomaly } from './from-anomaly.js';
export { signalFromCheck } from './from-check.js';
export { signalsFromError } from './from-error.js';
export { errorRateDetection, signalFromErrorRate } from './from-error-rate.js';
export { type AlertEngine, type AlertEngineDeps, createAlertEngine } from './incident-engine.js';
export { isDependency, probableCause } from './probable-cause.js';
export { type RecoveryReport, recoveryReport, type Stat } from './report.js';
export { type Routing, routeIncident, routeMatches, silenceCovers } from './routing.js';
export { createRuleEvaluator, describeRule, type RuleDeps, type RuleEvaluator, windowValue } from './rules.js';
export {
  type AlertRecord,
  type AlertSettings,
  type Incident,
  type NotifyIntent,
  type ProbableCause,
  type Route,
  type Rule,
  SEVERITIES,
  type Severity,
  type Signal,
  type SignalSource,
  type Silence,
  type TimelineEntry,
} from './types.js';
export { validateRoute, validateRule, validateSilence } from './validate.js';
