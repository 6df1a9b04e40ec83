/**
 * @module @heed/sdk/experimental: lower-level pieces whose shape may still change (own clients, custom
 * runtimes and transports, fetch instrumentation). Not covered by semver until promoted.
 */
export { type Client, createClient } from '../core/client.js';
export { type Dsn, parseDsn } from '../core/dsn.js';
export { HTTP_CLIENT_KPI, instrumentFetch } from '../core/fetch-instrument.js';
export { setClient } from '../core/hub.js';
export type { Platform } from '../core/platform.js';
export { createFetchTransport, type Transport, type TransportRequest, type TransportResponse } from '../core/transport.js';
