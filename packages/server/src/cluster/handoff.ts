/**
 * @module Handing a series over between nodes without losing an alert. The owner of a series
 * persists its detector state (with the cursor up to which it judged) every few seconds and at
 * once after each alert or recovery. A node that gains a series (its owner died or left, or this
 * node joined or started) resumes from that state and re-judges the seconds since its cursor from
 * the shared buckets, silence included, before it judges anything new: an outage that began under
 * the old owner is judged by the new one as the old one would have. If both raise the alert, the
 * leader folds the repeat into the alert it has (one incident).
 */
import type { DetectionEngine, SavedSeries } from '../detect/index.js';
import type { BucketDelta, BucketRow, Coordination } from '../store/index.js';

/** A state older than this (s) is resumed from this far back only (older seconds are not re-judged). */
const MAX_REJUDGE_S = 600;

/** Options of the hand-over. */
export interface HandoffOptions {
  coord: Pick<Coordination, 'bucketsOf' | 'saveStates' | 'loadStates' | 'stateIds'>;
  nodeId: string;
  owns(seriesId: number): boolean;
  /** Whether this node knows the series (its row): one it does not know has no owner here yet, and is reported unknown once. */
  known?(seriesId: number): boolean;
  detection: Pick<DetectionEngine, 'resume' | 'states' | 'onCommit'>;
  clock(): number;
}

/** What one feed read brought (see bucket-feed.ts). */
export interface FeedRead {
  deltas: readonly BucketDelta[];
  rows: readonly BucketRow[];
  /** First second the rows cover. */
  from: number;
}

/** The hand-over. */
export interface Handoff {
  /**
   * Judges one feed read: series this node has just gained are resumed from their persisted state
   * and re-judged from its cursor; the changes of the other owned series are judged as they come.
   * `rescan` (after a membership change) also considers series that sent nothing lately.
   * Returns how many series were resumed and how many could not be (unknown to this node yet).
   */
  step(nowMs: number, read: FeedRead, rescan: boolean): Promise<{ resumed: number; unknown: number }>;
  /** Persists the states of owned series that moved since their last persist (`only`: just those). */
  persist(only?: ReadonlySet<number>): Promise<number>;
}

/** Creates the hand-over of one node. */
export function createHandoff(opts: HandoffOptions): Handoff {
  const candidates = new Set<number>();
  let owned = new Set<number>();
  let scanned = false;
  const persistedAt = new Map<number, number>();
  /** Series reported unknown (so the node loads the series list once for them, not every read). */
  const reported = new Set<number>();
  let seq = 0;
  return {
    async step(nowMs, read, rescan) {
      if (rescan || !scanned) {
        for (const id of await opts.coord.stateIds()) candidates.add(id);
        scanned = true;
      }
      for (const r of read.rows) candidates.add(r.seriesId);
      const now = new Set<number>();
      const gained: number[] = [];
      let unknown = 0;
      for (const id of candidates) {
        if (!opts.owns(id)) {
          if (opts.known && !opts.known(id) && !reported.has(id)) {
            reported.add(id);
            unknown++;
          }
          continue;
        }
        now.add(id);
        if (!owned.has(id)) gained.push(id);
      }
      const since = new Map<number, number>();
      if (gained.length > 0) {
        const oldest = Math.floor(nowMs / 1000) - MAX_REJUDGE_S;
        for (const st of await opts.coord.loadStates(gained)) {
          let saved: SavedSeries;
          try {
            saved = JSON.parse(st.body) as SavedSeries;
          } catch {
            continue; // an unreadable state: the series is judged from now on, like a new one
          }
          if (!(saved.cursor >= oldest)) saved.cursor = oldest;
          if (!opts.detection.resume(st.seriesId, saved)) {
            now.delete(st.seriesId); // tried again once this node knows the series
            unknown++;
            continue;
          }
          since.set(st.seriesId, Math.floor(saved.cursor));
        }
      }
      owned = now;
      if (since.size > 0) {
        let first = Number.POSITIVE_INFINITY;
        for (const c of since.values()) if (c < first) first = c; // no spread: 100,000s of series
        const older = first < read.from ? await opts.coord.bucketsOf([...since.keys()], first, read.from) : [];
        const replay: BucketDelta[] = [];
        for (const r of [...older, ...read.rows]) if (r.ts >= (since.get(r.seriesId) ?? Number.POSITIVE_INFINITY)) replay.push(r);
        // Without an arrival time: these seconds are re-judged, not late data that should lengthen the wait.
        opts.detection.onCommit(replay.sort((a, b) => a.ts - b.ts));
      }
      // Resumed series are judged from their whole seconds since the cursor, not from this read's changes.
      const fresh = read.deltas.filter((d) => now.has(d.seriesId) && !since.has(d.seriesId));
      if (fresh.length > 0) opts.detection.onCommit(fresh, nowMs);
      return { resumed: since.size, unknown };
    },
    async persist(only) {
      const rows: Array<{ seriesId: number; cursor: number; body: string }> = [];
      for (const [id, s] of opts.detection.states()) {
        if (s.cursor === 0 || !opts.owns(id) || (only && !only.has(id)) || persistedAt.get(id) === s.cursor) continue;
        rows.push({ seriesId: id, cursor: s.cursor, body: JSON.stringify(s) });
      }
      // Versions: wall time (nodes' clocks agree within about a second), unique within this node.
      await opts.coord.saveStates(rows, opts.nodeId, opts.clock() * 1000 + (seq++ % 1000));
      for (const r of rows) persistedAt.set(r.seriesId, r.cursor);
      return rows.length;
    },
  };
}
