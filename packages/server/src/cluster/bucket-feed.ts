/**
 * @module The feed of a node in a cluster: any node may ingest any series, so each node reads the
 * recent per-second buckets of every series from the shared store (twice a second) and hands on
 * what changed since its last read, as bucket deltas: to detection for the series it owns, and to
 * the live stream, rules and funnels for all of them (so they see every node's data).
 */
import type { BucketDelta, BucketRow, Coordination } from '../store/index.js';

/** Options of the feed. */
export interface BucketFeedOptions {
  coord: Pick<Coordination, 'recentBuckets'>;
  /** How far back each read reaches (s): data committed later than this is missed. Default 120. */
  windowS?: number;
}

/** The feed. */
export interface BucketFeed {
  /**
   * Reads the recent buckets and returns the deltas since the last read, the rows read (whole
   * seconds, from `from` on), and how many rows are of series `known` says this node does not know
   * yet. The first read only learns what is there (it was judged before this node started).
   */
  poll(
    nowMs: number,
    known?: (seriesId: number) => boolean,
  ): Promise<{ deltas: BucketDelta[]; rows: BucketRow[]; from: number; unknown: number }>;
}

const same = (a: BucketRow, b: BucketRow) => a.count === b.count && a.sum === b.sum && a.lastTs === b.lastTs && a.last === b.last;

/** Creates the feed. */
export function createBucketFeed(opts: BucketFeedOptions): BucketFeed {
  const windowS = opts.windowS ?? 120;
  let seen = new Map<string, BucketRow>();
  let primed = false;
  return {
    async poll(nowMs, known) {
      const from = Math.floor(nowMs / 1000) - windowS;
      const rows = await opts.coord.recentBuckets(from);
      const next = new Map<string, BucketRow>();
      const out: BucketDelta[] = [];
      let unknown = 0;
      for (const r of rows) {
        if (known && !known(r.seriesId)) unknown++;
        const key = `${r.seriesId}:${r.ts}`;
        next.set(key, r);
        const prev = seen.get(key);
        if (!primed || (prev && same(prev, r))) continue;
        out.push({
          seriesId: r.seriesId,
          ts: r.ts,
          count: r.count - (prev?.count ?? 0),
          sum: r.sum - (prev?.sum ?? 0),
          min: r.min,
          max: r.max,
          last: r.last,
          lastTs: r.lastTs,
        });
      }
      seen = next;
      primed = true;
      return { deltas: out.sort((a, b) => a.ts - b.ts), rows, from, unknown };
    },
  };
}
