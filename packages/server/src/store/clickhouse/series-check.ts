/**
 * @module The commit-time check of new series on a store several nodes share. Ids come from a hash
 * of the series key (series-registry.ts), so two nodes that create the same series write the same
 * row: the second write is skipped. A key stored under another id, or an id stored for another key
 * (a hash collision two nodes hit at the same moment), fails the commit like a unique constraint.
 */
import type { SeriesRow } from '../types.js';
import { type Db, num, str } from './sql.js';

const keyOf = (projectId: number, kpi: string, tagKey: string) => `${projectId}\u0000${kpi}\u0000${tagKey}`;

/** The series of a batch not yet stored; throws on a key or id already stored for something else. */
export async function newSeries(d: Db, series: readonly SeriesRow[]): Promise<SeriesRow[]> {
  if (series.length === 0) return [];
  const keys = series.map((s) => `(${num(s.projectId)}, ${str(s.kpi)}, ${str(s.tagKey)})`).join(', ');
  const ids = series.map((s) => num(s.id)).join(', ');
  const stored = await d.rows<{ id: number | string; project_id: number | string; kpi: string; tag_key: string }>(
    `SELECT DISTINCT id, project_id, kpi, tag_key FROM series WHERE (project_id, kpi, tag_key) IN (${keys}) OR id IN (${ids})`,
  );
  const byKey = new Map<string, number>();
  const byId = new Map<number, string>();
  for (const r of stored) {
    const k = keyOf(Number(r.project_id), r.kpi, r.tag_key);
    byKey.set(k, Number(r.id));
    byId.set(Number(r.id), k);
  }
  const fresh: SeriesRow[] = [];
  for (const s of series) {
    const k = keyOf(s.projectId, s.kpi, s.tagKey);
    const id = byKey.get(k);
    if (id !== undefined && id !== s.id) throw new Error('UNIQUE constraint failed: series (project_id, kpi, tag_key)');
    const other = byId.get(s.id);
    if (other !== undefined && other !== k) throw new Error(`series id ${s.id} is taken by another series (hash collision)`);
    if (id === undefined) fresh.push(s);
  }
  return fresh;
}
