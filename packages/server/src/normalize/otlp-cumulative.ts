/**
 * @module Cumulative OTLP series to deltas: the last point of each series (metric, resource and
 * point attributes, start time), kept in a bounded in-memory map, least recently seen evicted first.
 *
 * A series seen for the first time (or reset: a new start time is a new series; a value below the
 * previous one is a reset in place) counts in full, as the delta from zero at its start time, only
 * when that start is recent: after this Heed process started (an earlier process may have counted
 * it already) and within `recentMs`. Otherwise the point is a baseline only, and counting starts
 * with the next point. So after a Heed restart every running app's first export is a baseline:
 * the increase between the last point before and the first after the restart is not counted
 * (the state is in memory only). Delta temporality has no such gap and needs no state.
 */

/** What is remembered of a series: its last point. */
export interface CumulativeState {
  timeMs: number;
  /** A counter's running total, or a histogram's count. */
  value: number;
  /** A histogram's running sum. */
  sum: number;
}

/** A state change made by one request, to be undone if its events could not be stored. */
export interface CumulativeUpdate {
  key: string;
  before: CumulativeState | undefined;
  after: CumulativeState;
}

/** The series map. */
export interface CumulativeTracker {
  get(key: string): CumulativeState | undefined;
  /** Applies updates (after the events were appended). */
  apply(updates: readonly CumulativeUpdate[]): void;
  /** Undoes updates, for series no other request has moved since. */
  revert(updates: readonly CumulativeUpdate[]): void;
  /** True when a first or reset point starting at `startMs` counts in full. */
  recent(startMs: number, nowMs: number): boolean;
  readonly size: number;
}

/** Options: how many series to remember, when this process started, how old a start counts as recent. */
export interface TrackerOptions {
  maxSeries: number;
  startedAt: number;
  recentMs: number;
}

/** Defaults: 100k series (about 20 MB), starts within 10 minutes. */
export const TRACKER_DEFAULTS = { maxSeries: 100_000, recentMs: 10 * 60_000 };

/** Creates an empty map. */
export function createCumulativeTracker(opts: TrackerOptions): CumulativeTracker {
  const series = new Map<string, CumulativeState>();
  const put = (key: string, state: CumulativeState) => {
    series.delete(key);
    series.set(key, state);
    if (series.size > opts.maxSeries) {
      const oldest = series.keys().next();
      if (!oldest.done) series.delete(oldest.value);
    }
  };
  return {
    get: (key) => series.get(key),
    apply(updates) {
      for (const u of updates) put(u.key, u.after);
    },
    revert(updates) {
      for (let i = updates.length - 1; i >= 0; i--) {
        const u = updates[i] as CumulativeUpdate;
        if (series.get(u.key) !== u.after) continue;
        if (u.before) put(u.key, u.before);
        else series.delete(u.key);
      }
    },
    recent: (startMs, nowMs) => startMs > 0 && startMs >= opts.startedAt && startMs >= nowMs - opts.recentMs,
    get size() {
      return series.size;
    },
  };
}
