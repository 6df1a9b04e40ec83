/** @module The KPI query: values over a range at a step, optionally split by a tag with top-K. */
import { ApiError } from '../kernel/index.js';
import type { BucketRow, SeriesRegistry, SeriesRow, Storage } from '../store/index.js';
import { mergeInto } from '../store/index.js';
import type { Range } from './time-range.js';

/** How to turn a bucket into one number. */
export type Agg = 'count' | 'sum' | 'mean' | 'min' | 'max' | 'last' | 'rate';
export const AGGS: readonly Agg[] = ['count', 'sum', 'mean', 'min', 'max', 'last', 'rate'];

/** A query of one KPI. */
export interface KpiQuery {
  projectId: number;
  kpi: string;
  range: Range;
  agg?: Agg;
  split?: string;
  top?: number;
  where?: Record<string, string>;
}

/** One line of the answer: a segment (or the total) with its points and total. */
export interface QueryLine {
  segment: string | null;
  points: Array<[number, number | null]>;
  total: number | null;
}

/** The answer to a KPI query. */
export interface QueryResult {
  kpi: string;
  type: 'count' | 'gauge';
  agg: Agg;
  from: number;
  to: number;
  step: number;
  resolution: number;
  split: string | null;
  lines: QueryLine[];
}

type Acc = Omit<BucketRow, 'seriesId'>;

function value(a: Acc | undefined, agg: Agg, step: number, gauge: boolean): number | null {
  if (!a) return gauge || agg === 'mean' || agg === 'min' || agg === 'max' || agg === 'last' ? null : 0;
  switch (agg) {
    case 'count':
      return a.count;
    case 'sum':
      return a.sum;
    case 'rate':
      return a.count / step;
    case 'mean':
      return a.count > 0 ? a.sum / a.count : null;
    case 'min':
      return a.min;
    case 'max':
      return a.max;
    case 'last':
      return a.last;
  }
}

function segmentOf(s: SeriesRow, split: string | undefined): string | null {
  if (!split) return null;
  if (s.other) return 'other';
  return s.tags[split] ?? '(none)';
}

/** Runs a KPI query against the store. */
export async function querySeries(store: Storage, registry: SeriesRegistry, q: KpiQuery): Promise<QueryResult> {
  const all = registry.ofKpi(q.projectId, q.kpi);
  if (all.length === 0)
    throw new ApiError('kpi.not_found', `Project ${q.projectId} has no KPI '${q.kpi}'. List KPIs at /api/v1/projects/${q.projectId}/kpis.`);
  const type = (all[0] as SeriesRow).type;
  const gauge = type === 'gauge';
  const agg = q.agg ?? (gauge ? 'last' : 'count');
  const where = Object.entries(q.where ?? {});
  const chosen = all.filter((s) => where.every(([k, v]) => s.tags[k] === v));
  const { range } = q;
  const rows = await store.readBuckets({
    seriesIds: chosen.map((s) => s.id),
    resolution: range.resolution,
    from: range.from,
    to: range.to,
    step: range.step,
  });
  const bySeries = new Map(chosen.map((s) => [s.id, s]));
  let lines: QueryLine[] = [];
  const groups = new Map<string | null, Map<number, Acc>>();
  for (const s of chosen) {
    const seg = segmentOf(s, q.split);
    if (!groups.has(seg)) groups.set(seg, new Map());
  }
  if (gauge) {
    // A gauge segment's level is the sum of its series' levels (logged-in users across browsers).
    const perTs = new Map<string | null, Map<number, number>>();
    for (const r of rows) {
      const seg = segmentOf(bySeries.get(r.seriesId) as SeriesRow, q.split);
      let m = perTs.get(seg);
      if (!m) perTs.set(seg, (m = new Map()));
      const v = value(r, agg, range.step, true) ?? 0;
      m.set(r.ts, (m.get(r.ts) ?? 0) + v);
    }
    for (const seg of groups.keys()) {
      const m = perTs.get(seg) ?? new Map<number, number>();
      const points: Array<[number, number | null]> = [];
      let lastV: number | null = null;
      let sum = 0;
      let n = 0;
      for (let t = range.from; t < range.to; t += range.step) {
        const v = m.get(t);
        points.push([t, v ?? null]);
        if (v !== undefined) {
          lastV = v;
          sum += v;
          n++;
        }
      }
      lines.push({ segment: seg, points, total: agg === 'last' ? lastV : n > 0 ? sum / n : null });
    }
  } else {
    for (const r of rows) {
      const seg = segmentOf(bySeries.get(r.seriesId) as SeriesRow, q.split);
      const g = groups.get(seg) as Map<number, Acc>;
      const cur = g.get(r.ts);
      if (cur) mergeInto(cur, r);
      else g.set(r.ts, { ts: r.ts, count: r.count, sum: r.sum, min: r.min, max: r.max, last: r.last, lastTs: r.lastTs });
    }
    for (const [segment, byTs] of groups) {
      const points: Array<[number, number | null]> = [];
      const whole: Acc = { ts: 0, count: 0, sum: 0, min: Infinity, max: -Infinity, last: 0, lastTs: -Infinity };
      for (let t = range.from; t < range.to; t += range.step) {
        const a = byTs.get(t);
        points.push([t, value(a, agg, range.step, false)]);
        if (a) mergeInto(whole, a);
      }
      const any = whole.lastTs > -Infinity;
      lines.push({ segment, points, total: any ? value(whole, agg, range.to - range.from, false) : value(undefined, agg, 1, false) });
    }
  }
  lines.sort((a, b) => (b.total ?? -Infinity) - (a.total ?? -Infinity));
  if (q.split && q.top && lines.length > q.top) lines = foldTop(lines, q.top, agg);
  return {
    kpi: q.kpi,
    type,
    agg,
    from: range.from,
    to: range.to,
    step: range.step,
    resolution: range.resolution,
    split: q.split ?? null,
    lines,
  };
}

function foldTop(lines: QueryLine[], top: number, agg: Agg): QueryLine[] {
  const kept = lines.slice(0, top);
  const rest = lines.slice(top);
  const additive = agg === 'count' || agg === 'sum' || agg === 'rate' || agg === 'last';
  if (!additive) return kept;
  const first = rest[0] as QueryLine;
  const points = first.points.map(([t], i): [number, number | null] => {
    let v: number | null = null;
    for (const l of rest) {
      const p = l.points[i]?.[1];
      if (p !== null && p !== undefined) v = (v ?? 0) + p;
    }
    return [t, v];
  });
  const total = rest.reduce<number | null>((s, l) => (l.total === null ? s : (s ?? 0) + l.total), null);
  const existing = kept.find((l) => l.segment === 'other');
  if (existing) {
    existing.points = existing.points.map(([t, v], i) => [
      t,
      v === null && points[i]?.[1] === null ? null : (v ?? 0) + (points[i]?.[1] ?? 0),
    ]);
    existing.total = (existing.total ?? 0) + (total ?? 0);
    return kept;
  }
  return [...kept, { segment: 'other', points, total }];
}
