/** @module HTTP: the request listener and what it needs. */

export { projectView } from './admin-routes.js';
export { type App, createApp } from './app.js';
export { createProjectKeys, type ProjectKeys } from './auth.js';
export { createHttpMetrics } from './metrics.js';
export { createRateLimiter, type RateLimiter } from './rate-limit.js';
export type { HttpMetrics, Services } from './services.js';
