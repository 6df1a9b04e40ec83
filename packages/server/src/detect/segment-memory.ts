/**
 * @module Segment memory for attribution: which tracked series are segments of the same counted KPI,
 * the contribution rings they keep (only once a KPI has two segments), and which tag values explain
 * a deviation over a window, or an alert over its alerting run. A series restored after a restart
 * joins with its saved ring (the engine tracks every saved series at load).
 */
import type { SeriesRow } from '../store/index.js';
import { type Attribution, attributeSegments } from './attribution.js';
import { CONTRIBUTION_MEMORY_SECONDS, type ContributionRing, createContributionRing } from './contribution-ring.js';
import type { CusumState } from './types.js';

/** Seconds of memory behind `attribution` windows. */
export const ATTRIBUTION_MEMORY_SECONDS = CONTRIBUTION_MEMORY_SECONDS;
/** Least window searched for an alert's onset. */
const MIN_ATTRIBUTION_SECONDS = 5;

/** A tracked series as segment memory sees it: the ring it may hold. */
export interface SegmentHolder {
  ring?: ContributionRing;
}

/** The KPIs' segments and their rings. */
export interface SegmentMemory {
  /**
   * A series starts being tracked: gives it (and its KPI's first series, when it is the second) a
   * ring when it is a segment; a ring it already holds (restored after a restart) is kept.
   */
  join(id: number, row: SeriesRow, holder: SegmentHolder): void;
  /** Which tag values of a counted KPI explain its deviation over [from, to) (epoch s); undefined under two segments. */
  attribution(projectId: number, kpi: string, from: number, to: number, now: number): Attribution | undefined;
  /** Attribution of an alert at `ts` over its alerting run (the CUSUM holding the most evidence), from its onset. */
  ofAlert(row: SeriesRow, holder: SegmentHolder, cusum: readonly CusumState[], ts: number, drop: boolean): Attribution | undefined;
}

/** Creates segment memory over the engine's tracked series (`tracked`) and rows (`series`). */
export function createSegmentMemory(
  tracked: (id: number) => SegmentHolder | undefined,
  series: (id: number) => SeriesRow | undefined,
): SegmentMemory {
  /** Per counted KPI (project and name): the id of its first tracked series until a second one comes, then all with rings. */
  const kpiSeries = new Map<string, number | Set<number>>();

  const attribution = (projectId: number, kpi: string, from: number, to: number, now: number) => {
    const segments = [];
    const ids = kpiSeries.get(`${projectId}\u0000${kpi}`);
    for (const id of typeof ids === 'object' ? ids : []) {
      const t = tracked(id);
      const row = series(id);
      if (!t?.ring || !row) continue;
      segments.push({ tags: row.other ? { '(other)': 'folded' } : row.tags, ...t.ring.sum(from, to, now) });
    }
    return segments.length < 2 ? undefined : attributeSegments(from, to, segments);
  };

  const join = (id: number, row: SeriesRow, t: SegmentHolder) => {
    // Rings only for a KPI's segments (its first series gets one when a second comes): attribution compares them.
    if (row.type !== 'count') return;
    const key = `${row.projectId}\u0000${row.kpi}`;
    const first = kpiSeries.get(key);
    const sibling = typeof first === 'number' && first !== id ? tracked(first) : undefined;
    if (typeof first === 'object' || sibling) {
      const ids = typeof first === 'object' ? first : new Set([first as number]);
      kpiSeries.set(key, ids.add(id));
      t.ring ??= createContributionRing();
      if (sibling) sibling.ring ??= createContributionRing();
    } else kpiSeries.set(key, id);
  };

  return {
    join,
    attribution,
    ofAlert(row, t, cusum, ts, drop) {
      if (!t.ring) return undefined;
      // The alerting run's window: the CUSUM holding the most evidence started it.
      const run = cusum.reduce((a, c) => (c.s > a.s ? c : a), { s: 0, from: 0 });
      const start = Math.max(ts - CONTRIBUTION_MEMORY_SECONDS, Math.min(run.from > 0 ? run.from : ts, ts - MIN_ATTRIBUTION_SECONDS));
      const from = t.ring.onset(start, ts, drop ? -1 : 1);
      return attribution(row.projectId, row.kpi, from, ts, ts);
    },
  };
}
