/** @module Issues: the error pipeline from Sentry envelopes to grouped issues, with signals and the `errors` KPI. */
export { type CheckInItem, checkInItem } from './check-in-item.js';
export {
  createErrorPipeline,
  type ErrorPipeline,
  type ErrorPipelineDeps,
  type ErrorSignal,
  type IngestMeta,
  type IngestSummary,
} from './error-pipeline.js';
export { clientReportRows, itemCategory, sessionAggregateRows, sessionRow } from './sdk-items.js';
export { breakdownValues, toRecord, userKey } from './to-record.js';
