/**
 * @module Declared holidays as a lookup: the [from, to) ranges sorted and merged once, then found by
 * binary search, so a year of holidays costs a detector step a few comparisons, not a scan of 366.
 */

/** Returns whether `ts` (epoch s) falls on one of `ranges` ([from, to), any order, may overlap). */
export function holidayLookup(ranges: ReadonlyArray<readonly [number, number]>): (ts: number) => boolean {
  const sorted = ranges.filter(([a, b]) => b > a).sort((x, y) => x[0] - y[0]);
  const from: number[] = [];
  const to: number[] = [];
  for (const [a, b] of sorted) {
    const last = to.length - 1;
    if (last >= 0 && a <= (to[last] as number)) to[last] = Math.max(to[last] as number, b);
    else {
      from.push(a);
      to.push(b);
    }
  }
  if (from.length === 0) return () => false;
  return (ts) => {
    // The last range starting at or before ts.
    let lo = 0;
    let hi = from.length - 1;
    if (!(ts >= (from[0] as number))) return false;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((from[mid] as number) <= ts) lo = mid;
      else hi = mid - 1;
    }
    return ts < (to[lo] as number);
  };
}
