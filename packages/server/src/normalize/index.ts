/** @module Normalize: validated events with per-item outcomes. */
export { type Normalized, normalizeEvents, type Rejected } from './normalize-events.js';
