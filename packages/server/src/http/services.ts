/** @module Everything the HTTP routes need, handed in by the composition root. */

import type { AlertEngine, RuleEvaluator } from '../alert/index.js';
import type { LiveHub } from '../api/index.js';
import type { CheckRunner, HeartbeatMonitor } from '../checks/index.js';
import type { Config } from '../config/index.js';
import type { DetectionEngine, EngineEvent } from '../detect/index.js';
import type { ErrorPipeline } from '../issues/index.js';
import type { Clock, Counter, Histogram, Logger, MetricsRegistry } from '../kernel/index.js';
import type { LiveMonitors } from '../monitors/index.js';
import type { Outbox } from '../notify/index.js';
import type { ReleaseRegistry } from '../releases/index.js';
import type { SeriesRegistry, Storage, Writer } from '../store/index.js';
import type { ProjectKeys } from './auth.js';
import type { RateLimiter } from './rate-limit.js';

/** Metrics the HTTP layer records. */
export interface HttpMetrics {
  registry: MetricsRegistry;
  requests: Counter;
  duration: Histogram;
  events: Counter;
  drops: Counter;
  ackLatency: Histogram;
}

/** The services of one running server. */
export interface Services {
  config: Config;
  store: Storage;
  registry: SeriesRegistry;
  writer: Writer;
  hub: LiveHub;
  /** The latest anomalies raised by detection, oldest first. */
  anomalies: readonly EngineEvent[];
  /** Live detection, for segment attribution over recent windows (absent in tools that do not detect). */
  detection?: Pick<DetectionEngine, 'attribution'>;
  alerts: AlertEngine;
  rules: RuleEvaluator;
  outbox: Outbox;
  /** Signs acknowledgement links. */
  linkSecret: string;
  /** Error tracking: Sentry envelopes to issues. */
  errors: ErrorPipeline;
  /** Active checks of dependencies. */
  checks: CheckRunner;
  /** Heartbeats of scheduled jobs. */
  heartbeats: HeartbeatMonitor;
  /** Releases and deploys (the release in force). */
  releases: ReleaseRegistry;
  /** KPI settings and live funnels (monitors as code). */
  monitors: LiveMonitors;
  keys: ProjectKeys;
  limiter: RateLimiter;
  metrics: HttpMetrics;
  clock: Clock;
  log: Logger;
  adminToken: string;
  publicUrl: string;
  state: { shuttingDown: boolean };
}
