/** @module Per-second pre-aggregation of high-rate measurements (requests, dependency calls) into counted records. */
import type { KpiEvent, Tags } from './types.js';

/** Sums measurements per second and series, and hands them out as `{count, value: sum}` records. */
export interface Aggregator {
  /** Adds one measurement; false when the table is full (the caller counts the drop). */
  add(name: string, tags: Tags, value: number): boolean;
  /** Takes every record so far. */
  take(): KpiEvent[];
}

/** Creates an aggregator holding at most `maxKeys` series-seconds between takes. */
export function createAggregator(maxKeys: number): Aggregator {
  let rows = new Map<string, KpiEvent & { count: number; value: number }>();
  return {
    add(name, tags, value) {
      const sec = Math.floor(Date.now() / 1000);
      const key = `${sec}\u0001${name}\u0001${JSON.stringify(tags)}`;
      const row = rows.get(key);
      if (row) {
        row.count++;
        row.value += value;
        return true;
      }
      if (rows.size >= maxKeys) return false;
      rows.set(key, { name, ts: sec * 1000, count: 1, value, tags });
      return true;
    },
    take() {
      const out = [...rows.values()];
      rows = new Map();
      return out;
    },
  };
}
