/** @module Shared test fixtures. */
export { createTestHeed, type TestHeed } from './test-heed.js';
