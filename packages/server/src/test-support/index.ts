/** @module Shared test fixtures. */

export { type ChildHeed, startChildHeed } from './child-heed.js';
export { createTestHeed, type TestHeed } from './test-heed.js';
