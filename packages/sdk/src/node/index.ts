/**
 * @module @heed/sdk/node: the SDK for Node, with automatic capture, flush on exit, HTTP server metrics for
 * node:http, Express and Fastify, dependency health, heartbeats and a health endpoint.
 */
export {
  addBreadcrumb,
  addHealthCheck,
  type Breadcrumb,
  type CaptureContext,
  type CheckIn,
  type Client,
  captureException,
  captureMessage,
  checkIn,
  close,
  flush,
  gauge,
  getClient,
  type HealthCheck,
  type HealthReport,
  type KpiEvent,
  type Level,
  type MonitorConfig,
  monitor,
  type Options,
  runHealthChecks,
  SDK_VERSION,
  setContext,
  setTag,
  setTags,
  setUser,
  type Tags,
  type TrackOptions,
  track,
  type User,
} from '../core/index.js';
export { expressErrorHandler, expressMiddleware } from './express.js';
export { type FastifyLike, instrumentFastify } from './fastify.js';
export { type HealthHandlerOptions, healthHandler } from './health-handler.js';
export { HTTP_SERVER_KPI, type WrapOptions, wrapHandler } from './http-server.js';
export { init, type NodeOptions } from './init.js';
export { normalizePath } from './route.js';
