/** @module Merging aggregates: the one rule every backend and rollup uses. */
import type { Aggregate, BucketDelta, Resolution } from './types.js';

/** Folds `b` into `a` (in place) and returns `a`. */
export function mergeInto<T extends Aggregate>(a: T, b: Aggregate): T {
  a.count += b.count;
  a.sum += b.sum;
  if (b.min < a.min) a.min = b.min;
  if (b.max > a.max) a.max = b.max;
  if (b.lastTs >= a.lastTs) {
    a.last = b.last;
    a.lastTs = b.lastTs;
  }
  return a;
}

/** Rolls per-second deltas up to a coarser resolution, merging deltas that land in the same bucket. */
export function rollUp(deltas: readonly BucketDelta[], resolution: Resolution): BucketDelta[] {
  if (resolution === 1) return deltas.slice();
  const out = new Map<string, BucketDelta>();
  for (const d of deltas) {
    const ts = Math.floor(d.ts / resolution) * resolution;
    const key = `${d.seriesId}:${ts}`;
    const cur = out.get(key);
    if (cur) mergeInto(cur, d);
    else out.set(key, { ...d, ts });
  }
  return [...out.values()];
}
