/** @module The read API: queries over the store for the web UI and the CLI. */

export { eventView, issueView, readIssueDetail, releaseHealth } from './issues.js';
export { createLiveHub, type LiveHub, type LiveTick } from './live-hub.js';
export { AGGS, type Agg, type KpiQuery, type QueryLine, type QueryResult, querySeries } from './query-series.js';
export { type RawEvent, readRawEvents } from './raw-events.js';
export { parseDuration, parseTime, type Range, type RetentionSeconds, resolveRange } from './time-range.js';
