/** @module Fixtures for tests of live detection: a counted bucket delta, and engine deps over series rows with an in-memory meta store. */
import type { BucketDelta, SeriesRow } from '../store/index.js';

/** One second of a counted series: `count` events, the newest at `lastTs` (ms; the second's start by default). */
export function countDelta(seriesId: number, ts: number, count: number, lastTs = ts * 1000): BucketDelta {
  return { seriesId, ts, count, sum: count, min: 1, max: 1, last: 1, lastTs };
}

/** What a detection engine needs to run in a test: the rows it knows, meta kept in `meta`, a 1-hour warm-up. */
export function memoryEngineDeps(rows: readonly SeriesRow[]) {
  const meta = new Map<string, string>();
  return {
    meta,
    series: (id: number) => rows.find((r) => r.id === id),
    getMeta: async (k: string) => meta.get(k),
    setMeta: async (k: string, v: string) => void meta.set(k, v),
    optionsFor: () => ({ warmupHours: 1 }),
  };
}
