/** @module Shared test fixtures. */

export { type ChildHeed, startChildHeed } from './child-heed.js';
export { loadSentryRecords, readFixture, retarget, type SentryRecord } from './sentry-fixtures.js';
export { createTestHeed, type TestHeed } from './test-heed.js';
