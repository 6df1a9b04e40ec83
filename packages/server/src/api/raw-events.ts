/** @module Drill-down: the raw events of a KPI in a time range, newest first. */
import type { Storage } from '../store/index.js';

/** A raw event as stored. */
export interface RawEvent {
  name: string;
  ts: number;
  value: number;
  count?: number;
  type?: 'gauge';
  tags?: Record<string, string>;
}

/** Reads up to `limit` events of `kpi` (or of every KPI) with fromMs <= ts < toMs. */
export async function readRawEvents(
  store: Storage,
  q: { projectId: number; kpi?: string; fromMs: number; toMs: number; limit: number; where?: Record<string, string> },
): Promise<RawEvent[]> {
  const out: RawEvent[] = [];
  const where = Object.entries(q.where ?? {});
  // Batches are read newest first; a bounded number keeps one query from scanning the retention.
  const batches = await store.readRaw(q.projectId, q.fromMs, q.toMs, 2000);
  for (const b of batches) {
    for (const e of JSON.parse(b.events) as RawEvent[]) {
      if (e.ts < q.fromMs || e.ts >= q.toMs) continue;
      if (q.kpi && e.name !== q.kpi) continue;
      if (!where.every(([k, v]) => e.tags?.[k] === v)) continue;
      out.push(e);
    }
    if (out.length >= q.limit * 4) break;
  }
  out.sort((a, b) => b.ts - a.ts);
  return out.slice(0, q.limit);
}
