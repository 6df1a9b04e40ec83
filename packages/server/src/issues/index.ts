/** @module Issues: the error pipeline from Sentry envelopes to grouped issues, with signals and the `errors` KPI (in total, and `errors.by_issue` for busy issues). */
export { type CheckInItem, checkInItem } from './check-in-item.js';
export { errorKpiEvents } from './error-kpi.js';
export {
  createErrorPipeline,
  type ErrorPipeline,
  type ErrorPipelineDeps,
  type ErrorSignal,
  type IngestMeta,
  type IngestSummary,
} from './error-pipeline.js';
export {
  createIssueRates,
  DEFAULT_ISSUE_SERIES,
  ERRORS_KPI,
  FRESH_ISSUE_RATE,
  ISSUE_ERRORS_KPI,
  ISSUE_TAG,
  type IssueRates,
} from './issue-rates.js';
export { clientReportRows, itemCategory, sessionAggregateRows, sessionRow } from './sdk-items.js';
export { breakdownValues, toRecord, userKey } from './to-record.js';
