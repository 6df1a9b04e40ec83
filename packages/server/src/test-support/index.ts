/** @module Shared test fixtures. */

export { type ChildHeed, startChildHeed } from './child-heed.js';
export { adminApi, loggedLines, waitUntil } from './child-tools.js';
export { clickHouseAvailable, freePort, startTestClickHouse, type TestClickHouse } from './clickhouse-server.js';
export { countDelta, memoryEngineDeps } from './engine-fixtures.js';
export { normalDraw, poissonDraw } from './poisson.js';
export { MONDAY, type ReleaseSeriesOptions, releaseSeries, seeded, weekShape } from './release-series.js';
export { loadSentryRecords, readFixture, retarget, type SentryRecord } from './sentry-fixtures.js';
export { createTestHeed, type TestHeed } from './test-heed.js';
