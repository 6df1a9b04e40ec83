/**
 * @module What a series saw and what its baseline expected, remembered for the last hour: per second
 * for five minutes, per minute for the hour, so a segment's share of an anomaly can be told over the
 * anomaly's own window. Fixed size (a few KB a series), written as the engine judges each point.
 */

const FINE_SECONDS = 300;
const COARSE_SLOTS = 60;
const COARSE_SECONDS = 60;

/** Most seconds back that a window may start. */
export const CONTRIBUTION_MEMORY_SECONDS = COARSE_SLOTS * COARSE_SECONDS;

/** Observed and expected sums over a window. */
export interface Contribution {
  observed: number;
  expected: number;
}

interface Ring {
  size: number;
  ids: Int32Array;
  observed: Float32Array;
  expected: Float32Array;
}

const ring = (slots: number, size: number): Ring => ({
  size,
  ids: new Int32Array(slots).fill(-1),
  observed: new Float32Array(slots),
  expected: new Float32Array(slots),
});

function add(r: Ring, t: number, observed: number, expected: number): void {
  const id = Math.floor(t / r.size);
  const i = id % r.ids.length;
  if (r.ids[i] !== id) {
    r.ids[i] = id;
    r.observed[i] = 0;
    r.expected[i] = 0;
  }
  r.observed[i] = (r.observed[i] as number) + observed;
  r.expected[i] = (r.expected[i] as number) + expected;
}

function sum(r: Ring, from: number, to: number): Contribution {
  const out = { observed: 0, expected: 0 };
  const first = Math.floor(from / r.size);
  const last = Math.ceil(to / r.size) - 1;
  for (let id = Math.max(first, last - r.ids.length + 1); id <= last; id++) {
    const i = id % r.ids.length;
    if (r.ids[i] !== id) continue;
    out.observed += r.observed[i] as number;
    out.expected += r.expected[i] as number;
  }
  return out;
}

/** One series' recent observed and expected counts. */
export interface ContributionRing {
  /** Records a judged point covering (ts - dt, ts]. */
  add(ts: number, dt: number, observed: number, expected: number): void;
  /** Sums over [from, to): per second when the window is within the last five minutes, else per minute. */
  sum(from: number, to: number, now: number): Contribution;
  /**
   * Where, within [from, to), the move in direction `sign` (-1 fewer, 1 more) most probably began:
   * the start (a whole second) whose window to `to` deviates most, in z. Runs longer than five minutes are kept.
   * A run of evidence often starts a few seconds early on a chance low; the segments are compared from here.
   */
  onset(from: number, to: number, sign: number): number;
}

/** Creates an empty ring. */
export function createContributionRing(): ContributionRing {
  const fine = ring(FINE_SECONDS, 1);
  const coarse = ring(COARSE_SLOTS, COARSE_SECONDS);
  return {
    add(ts, dt, observed, expected) {
      // A point is filed under the middle of the time it covers.
      const t = ts - dt / 2;
      add(fine, t, observed, expected);
      add(coarse, t, observed, expected);
    },
    sum: (from, to, now) => (from >= now - FINE_SECONDS + 1 ? sum(fine, from, to) : sum(coarse, from, to)),
    onset(from, to, sign) {
      // A run longer than the per-second memory is taken whole, per minute.
      if (from < Math.ceil(to) - FINE_SECONDS) return from;
      let best = from;
      let bestZ = Number.NEGATIVE_INFINITY;
      let o = 0;
      let e = 0;
      // Suffixes, longest last: walk back from the end one second at a time.
      for (let id = Math.ceil(to) - 1; id >= Math.max(Math.floor(from), Math.ceil(to) - FINE_SECONDS); id--) {
        const i = id % FINE_SECONDS;
        if (fine.ids[i] === id) {
          o += fine.observed[i] as number;
          e += fine.expected[i] as number;
        }
        const z = (sign * (o - e)) / Math.sqrt(e + 1);
        if (z > bestZ) {
          bestZ = z;
          best = Math.max(from, id);
        }
      }
      return best;
    },
  };
}
