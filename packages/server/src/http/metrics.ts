/** @module The HTTP layer's metrics: requests, durations, ingest outcomes and drops, ack latency. */
import { createMetricsRegistry } from '../kernel/index.js';
import type { HttpMetrics } from './services.js';

const LATENCY = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

/** Creates a registry with the HTTP metrics registered. */
export function createHttpMetrics(): HttpMetrics {
  const registry = createMetricsRegistry();
  return {
    registry,
    requests: registry.counter('heed_http_requests_total', 'HTTP requests by route, status and error code.'),
    duration: registry.histogram('heed_http_request_duration_seconds', 'HTTP request duration by route.', LATENCY),
    events: registry.counter('heed_ingest_events_total', 'KPI events by outcome (accepted, rejected, folded).'),
    drops: registry.counter('heed_ingest_dropped_total', 'KPI events not kept, by reason (error code).'),
    ackLatency: registry.histogram('heed_ingest_ack_seconds', 'Time from request start to acknowledgement of a committed batch.', LATENCY),
  };
}
