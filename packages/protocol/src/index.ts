/** @module @heed/protocol: wire types and validators shared by the SDK, the server and the web UI. */
export {
  type EventLimits,
  type EventRejection,
  isRejection,
  type KpiEvent,
  type NormalizedEvent,
  parseTimestamp,
  toKpiName,
  toTagKey,
  validateEvent,
} from './kpi-event.js';
