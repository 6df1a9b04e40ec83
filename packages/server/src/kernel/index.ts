/** @module The kernel: leaf utilities every room may import (outcomes, errors, log, clock, metrics). */

export { type Clock, systemClock } from './clock.js';
export { ApiError, ERROR_CODES, type ErrorCode, errorBody } from './errors.js';
export { createLogger, type Logger, type LogLevel } from './log.js';
export {
  type Counter,
  createMetricsRegistry,
  type Gauge,
  type Histogram,
  type MetricsRegistry,
} from './metrics.js';
export { registerProcessMetrics } from './process-metrics.js';
export { seededRandom } from './random.js';
export { type Outcome, ok, reject } from './result.js';
export { validTimezone, wallClock, zonedInstant } from './time-zone.js';
