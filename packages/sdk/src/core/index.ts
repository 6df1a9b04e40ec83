/**
 * @module @heed/sdk: business events, errors, heartbeats and health checks for any JavaScript runtime.
 * Use `@heed/sdk/node` or `@heed/sdk/browser` for automatic capture and runtime integrations.
 */
export { type CheckIn, checkIn, monitor } from './check-in.js';
export type { CaptureContext, Client } from './client.js';
export { addHealthCheck, type HealthCheck, type HealthReport, runHealthChecks } from './health.js';
export {
  addBreadcrumb,
  captureException,
  captureMessage,
  close,
  flush,
  gauge,
  getClient,
  setContext,
  setTag,
  setTags,
  setUser,
  type TrackOptions,
  track,
} from './hub.js';
export { init } from './init.js';
export type { Options } from './options.js';
export type { Transport, TransportRequest, TransportResponse } from './transport.js';
export type { Breadcrumb, CheckInStatus, ErrorEvent, EventHint, KpiEvent, Level, MonitorConfig, Tags, User } from './types.js';
export { SDK_VERSION } from './version.js';
