/** @module Checks: active HTTP/TCP checks of dependencies and heartbeats of scheduled jobs, as series and signals. */
export { type CheckDetail, type CheckRunner, type CheckRunnerDeps, type CheckView, createCheckRunner } from './check-runner.js';
export { type CheckChange, type CheckState, initialCheckState, stepCheck } from './check-state.js';
export { type Checks, createChecks, type SentryCheckIn } from './checks.js';
export { type Cron, nextSlot, parseCron, validTimezone } from './cron.js';
export {
  type CheckInOutcome,
  createHeartbeatMonitor,
  type HeartbeatDetail,
  type HeartbeatMonitor,
  type HeartbeatMonitorDeps,
  type HeartbeatView,
} from './heartbeat-monitor.js';
export { dueAfter, type HeartbeatState, heartbeatCheckIn, heartbeatTick, initialHeartbeatState } from './heartbeat-state.js';
export { probe, probeHttp, probeTcp, statusMatches } from './probe.js';
export { renderStatusPage, type StatusComponent, type StatusSummary, statusSummary } from './status-page.js';
export type {
  CheckIn,
  CheckSignal,
  CheckSpec,
  CheckStatus,
  HeartbeatSpec,
  HeartbeatStatus,
  ProbeResult,
  ResultEntry,
  Schedule,
  Transition,
} from './types.js';
export { validateCheck, validateHeartbeat } from './validate.js';
