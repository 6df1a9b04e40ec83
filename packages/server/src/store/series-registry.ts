/** @module Series registry: maps (project, KPI, tags) to a series id, with the cardinality guard. */
import { createHash } from 'node:crypto';
import type { NormalizedEvent } from '@heed/protocol';
import type { SeriesRow } from './types.js';

/** The tag key of the series that holds tag combinations beyond the limit. */
export const OTHER_TAG_KEY = '\u0000other';

interface KpiEntry {
  type: 'count' | 'gauge';
  byTag: Map<string, number>;
  tracked: number;
  folded: number;
}

/** How an event maps to a series. */
export type Resolved =
  | { ok: true; seriesId: number; folded: boolean; created?: SeriesRow }
  | { ok: false; code: 'event.type_conflict'; message: string };

/** Summary of one KPI, for listings. */
export interface KpiSummary {
  name: string;
  type: 'count' | 'gauge';
  series: number;
  folded: number;
}

/** The registry of every series, kept in memory and mirrored in the store. */
export interface SeriesRegistry {
  resolve(projectId: number, ev: NormalizedEvent, now: number): Resolved;
  get(id: number): SeriesRow | undefined;
  ofKpi(projectId: number, kpi: string): SeriesRow[];
  kpis(projectId: number): KpiSummary[];
  /** Forgets a series that could not be written (its commit failed), so it is created again. */
  forget(row: SeriesRow): void;
  /** Adds series another node created (shared store); rows whose id or key is already taken are skipped. Returns how many were added. */
  absorb(rows: readonly SeriesRow[]): number;
  size(): number;
}

/** How new series get their ids. */
export interface RegistryOptions {
  /**
   * `sequential` (default): max + 1, for a store one process owns. `hash`: from a hash of the
   * series key, so several nodes sharing one store give a series the same id without talking.
   */
  ids?: 'sequential' | 'hash';
}

/** Largest hashed id: ids stay within 31 bits (the ClickHouse columns are UInt32, some readers Int32). */
const HASH_SPACE = 0x7fffffff;

/**
 * The id of a series key under hashing: the first candidate not already taken by another key
 * (probing is deterministic, so nodes that know the same series agree). A collision that two
 * nodes create at the same moment is caught by the store's commit check.
 */
export function hashedSeriesId(projectId: number, kpi: string, tagKey: string, taken: (id: number) => boolean): number {
  for (let attempt = 0; ; attempt++) {
    const h = createHash('sha1').update(`${projectId}\u0000${kpi}\u0000${tagKey}\u0000${attempt}`).digest();
    const id = (h.readUInt32BE(0) % HASH_SPACE) + 1;
    if (!taken(id)) return id;
  }
}

/** Builds the registry from the series already stored. */
export function createSeriesRegistry(existing: SeriesRow[], maxSeriesPerKpi: number, opts: RegistryOptions = {}): SeriesRegistry {
  const byId = new Map<number, SeriesRow>();
  const projects = new Map<number, Map<string, KpiEntry>>();
  let nextId = 1;

  const entry = (projectId: number, kpi: string, type: 'count' | 'gauge'): KpiEntry => {
    let p = projects.get(projectId);
    if (!p) projects.set(projectId, (p = new Map()));
    let e = p.get(kpi);
    if (!e) p.set(kpi, (e = { type, byTag: new Map(), tracked: 0, folded: 0 }));
    return e;
  };
  const add = (row: SeriesRow) => {
    byId.set(row.id, row);
    const e = entry(row.projectId, row.kpi, row.type);
    e.byTag.set(row.tagKey, row.id);
    if (!row.other) e.tracked++;
    if (row.id >= nextId) nextId = row.id + 1;
  };
  for (const row of existing) add(row);

  return {
    resolve(projectId, ev, now) {
      const e = entry(projectId, ev.name, ev.type);
      if (e.type !== ev.type) {
        return {
          ok: false,
          code: 'event.type_conflict',
          message: `KPI '${ev.name}' is a ${e.type === 'gauge' ? 'gauge' : 'counted KPI'}; send it with type "${e.type}" or use another name.`,
        };
      }
      const id = e.byTag.get(ev.tagKey);
      if (id !== undefined) return { ok: true, seriesId: id, folded: false };
      const fold = e.tracked >= maxSeriesPerKpi;
      if (fold) {
        e.folded++;
        const otherId = e.byTag.get(OTHER_TAG_KEY);
        if (otherId !== undefined) return { ok: true, seriesId: otherId, folded: true };
      }
      const tagKey = fold ? OTHER_TAG_KEY : ev.tagKey;
      const row: SeriesRow = {
        id: opts.ids === 'hash' ? hashedSeriesId(projectId, ev.name, tagKey, (n) => byId.has(n)) : nextId,
        projectId,
        kpi: ev.name,
        type: ev.type,
        tagKey,
        tags: fold ? {} : Object.fromEntries(ev.tags),
        other: fold,
        createdAt: now,
      };
      add(row);
      return { ok: true, seriesId: row.id, folded: fold, created: row };
    },
    get: (id) => byId.get(id),
    ofKpi(projectId, kpi) {
      const e = projects.get(projectId)?.get(kpi);
      if (!e) return [];
      return [...e.byTag.values()].map((id) => byId.get(id) as SeriesRow);
    },
    kpis(projectId) {
      const p = projects.get(projectId);
      if (!p) return [];
      return [...p]
        .filter(([, e]) => e.byTag.size > 0)
        .map(([name, e]) => ({ name, type: e.type, series: e.byTag.size, folded: e.folded }))
        .sort((a, b) => a.name.localeCompare(b.name));
    },
    forget(row) {
      byId.delete(row.id);
      const e = projects.get(row.projectId)?.get(row.kpi);
      if (e && e.byTag.get(row.tagKey) === row.id) {
        e.byTag.delete(row.tagKey);
        if (!row.other) e.tracked--;
        if (e.byTag.size === 0) projects.get(row.projectId)?.delete(row.kpi);
      }
    },
    absorb(rows) {
      let n = 0;
      for (const row of rows) {
        const e = projects.get(row.projectId)?.get(row.kpi);
        if (byId.has(row.id) || e?.byTag.has(row.tagKey) || (e && e.type !== row.type)) continue;
        add(row);
        n++;
      }
      return n;
    },
    size: () => byId.size,
  };
}
