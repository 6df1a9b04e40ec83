/**
 * @module One series' timeline: where its bucket deltas wait (open seconds, backfilled minutes),
 * how late its data learns to arrive (the grace before silence is judged), and the replay of
 * everything due as points in time order: history a minute a point, live seconds, then silence
 * (zero counts) up to now - grace. The detector step behind each point is the engine's.
 */
import type { BucketDelta } from '../store/index.js';

/** Data older than this when it arrives is history (a backfill), judged per minute. */
export const HISTORY_AGE_SECONDS = 600;
/** While history or a catch-up keeps arriving (and this long after), silence up to now is not judged. */
const BACKFILL_QUIET_MS = 5000;
/** Live data this late (s) is a catch-up (a client back online, the recent part of a backfill), not a client's cadence. */
const CATCH_UP_LATE_S = 10;

/** What waits to be judged of one series, and how far it was judged. */
export interface Timeline {
  /** Epoch second (fractional) up to which the series has been judged (exclusive). */
  cursor: number;
  /** Open seconds: count (counts) or last reading (gauges). */
  open: Map<number, number>;
  /** History (backfilled) minutes: count or last reading, by epoch minute. */
  history: Map<number, number>;
  /** Wall time (ms) until which a backfill is taken to be in progress. */
  backfillUntil: number;
  /**
   * How late (s) this series' events arrive, the latest per commit: a maximum halving each minute.
   * Measured from the newest event's own time, not from the end of its second: a client that sends
   * each second's events once the second is over holds them up to a second longer than that says.
   */
  lag: number;
  lagAt: number;
}

/** A timeline judged up to `cursor` (0: from its first data), with nothing open. */
export function createTimeline(cursor: number): Timeline {
  return { cursor, open: new Map(), history: new Map(), backfillUntil: 0, lag: 1, lagAt: 0 };
}

/**
 * Files one delta (arrival `nowMs`, if known) as history or as an open second.
 * Returns how late live data is (s after its newest event, or after its second ended when the delta
 * has no event time); undefined for history or unknown arrival.
 */
export function intake(t: Timeline, d: BucketDelta, isCount: boolean, nowMs: number | undefined): number | undefined {
  if (nowMs !== undefined && d.ts < nowMs / 1000 - HISTORY_AGE_SECONDS) {
    const m = Math.floor(d.ts / 60);
    t.history.set(m, isCount ? (t.history.get(m) ?? 0) + d.count : d.last);
    t.backfillUntil = nowMs + BACKFILL_QUIET_MS;
    return undefined;
  }
  // A late bucket (its second already judged) counts towards the second being judged now.
  const sec = t.cursor > 0 && d.ts + 1 <= t.cursor ? Math.floor(t.cursor) : d.ts;
  if (isCount) t.open.set(sec, (t.open.get(sec) ?? 0) + d.count);
  else t.open.set(sec, d.last);
  if (nowMs === undefined) return undefined;
  const late = nowMs / 1000 - d.ts - 1;
  // A catch-up sent in several batches: the seconds after this one may still be on their way, so
  // the time up to now is not judged silent until it has stopped arriving (as for history).
  if (late > CATCH_UP_LATE_S) t.backfillUntil = Math.max(t.backfillUntil, nowMs + BACKFILL_QUIET_MS);
  // From the newest event's own time (ms): a batch a second (events at .05 arriving at 1.01) is 0.96 s
  // late, not 0.01, and silence judged 0.25 s back would cut into a second whose events are in flight.
  // A record stamped with its second's start (pre-counted) tells only when its second ended.
  const newest = d.lastTs > d.ts * 1000 && d.lastTs < (d.ts + 1) * 1000 ? d.lastTs / 1000 : d.ts + 1;
  return nowMs / 1000 - newest;
}

/** Learns the lateness of a commit's latest-arriving data (`late`, s, from intake) at `nowMs`: a client's batching cadence. */
export function learnLag(t: Timeline, late: number, nowMs: number): void {
  const decayed = t.lag * 2 ** (-(nowMs - t.lagAt) / 60_000);
  // A commit whose oldest data is a catch-up (a client back online or a backfill) is not the
  // client's cadence: it does not lengthen the wait.
  t.lag = late <= CATCH_UP_LATE_S ? Math.max(late, decayed) : decayed;
  t.lagAt = nowMs;
}

/** How long (ms) the present stays open: the least grace, or the learned lag plus 200 ms, at most 10 s. */
export function graceOf(t: Timeline, graceMs: number): number {
  return Math.min(10_000, Math.max(graceMs, t.lag * 1250 + 200));
}

/**
 * Replays what is due up to `until` (epoch s) at wall time `nowMs` as points `emit(ts, value, dt)`,
 * in time order, advancing the cursor: history minutes, live seconds, then silence for counts.
 */
export function replay(
  t: Timeline,
  isCount: boolean,
  until: number,
  nowMs: number,
  emit: (ts: number, value: number, dt: number) => void,
): void {
  // History first, a minute a point; minutes already behind the cursor cannot be judged again.
  for (const m of [...t.history.keys()].sort((a, b) => a - b)) {
    const start = m * 60;
    if (t.cursor === 0) t.cursor = start;
    if (start >= t.cursor) {
      if (isCount && start > t.cursor) emit(start, 0, start - t.cursor);
      emit(start + 60, t.history.get(m) as number, 60);
      t.cursor = start + 60;
    }
    t.history.delete(m);
  }
  // While a backfill is arriving, live seconds wait: the history before them may not be in yet.
  const secs = nowMs < t.backfillUntil ? [] : [...t.open.keys()].filter((sec) => sec + 1 <= until).sort((a, b) => a - b);
  if (t.cursor === 0 && secs.length > 0) t.cursor = secs[0] as number;
  for (const sec of secs) {
    if (isCount && sec > t.cursor) emit(sec, 0, sec - t.cursor);
    const from = Math.max(sec, t.cursor);
    emit(sec + 1, t.open.get(sec) as number, sec + 1 - from);
    t.open.delete(sec);
    t.cursor = Math.max(t.cursor, sec + 1);
  }
  // Silence is evidence for counts: judge the time with no events, up to the first second
  // that has data still open, in steps of a quarter second or more.
  if (isCount && t.cursor > 0 && nowMs >= t.backfillUntil) {
    const firstOpen = Math.min(...t.open.keys());
    const limit = Math.min(until, firstOpen);
    if (limit - t.cursor >= 0.25) {
      emit(limit, 0, limit - t.cursor);
      t.cursor = limit;
    }
  }
}
