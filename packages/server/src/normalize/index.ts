/** @module Normalize: validated events with per-item outcomes. */

export { type ErrorEventContext, normalizeErrorEvent, sentryTimestamp } from './error-event.js';
export type { Breadcrumb, ClientInfo, DebugImage, ErrorEvent, ErrorException, ErrorFrame } from './error-types.js';
export { groupEvent, isMessageEvent, normalizeFilename, normalizeFunction, templateMessage } from './fingerprint.js';
export { type Normalized, normalizeEvents, type Rejected } from './normalize-events.js';
export {
  type CumulativeTracker,
  type CumulativeUpdate,
  createCumulativeTracker,
  TRACKER_DEFAULTS,
  type TrackerOptions,
} from './otlp-cumulative.js';
export { type OtlpConversion, type OtlpEventItem, type OtlpTarget, otlpToEvents } from './otlp-points.js';
export { createScrubber, FILTERED, type Scrubber } from './scrub.js';
export { majorVersion, parseUserAgent } from './user-agent.js';
