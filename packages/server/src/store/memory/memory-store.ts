/** @module The in-memory backend: a real implementation for tests and `heed start --ephemeral`. */
import { mergeInto, rollUp } from '../aggregate.js';
import {
  type Aggregate,
  type BucketRow,
  type Project,
  type RawBatch,
  RESOLUTIONS,
  type Resolution,
  type SeriesRow,
  type Storage,
} from '../types.js';
import { memoryDocs } from './memory-docs.js';
import { createMemoryErrors } from './memory-errors.js';

/** Creates an empty in-memory store. */
export function createMemoryStore(): Storage {
  const meta = new Map<string, string>();
  const projects: Project[] = [];
  const series: SeriesRow[] = [];
  const raw: RawBatch[] = [];
  // resolution -> seriesId -> ts -> aggregate
  const buckets = new Map<Resolution, Map<number, Map<number, Aggregate>>>(
    RESOLUTIONS.map((r) => [r, new Map<number, Map<number, Aggregate>>()]),
  );
  const copy = (p: Project | undefined) => (p ? { ...p } : undefined);

  return {
    kind: 'memory',
    errors: createMemoryErrors(),
    ...memoryDocs(),
    async init() {},
    async close() {},
    async ping() {
      return true;
    },
    async getMeta(key) {
      return meta.get(key);
    },
    async setMeta(key, value) {
      meta.set(key, value);
    },
    async createProject(name, key, createdAt) {
      if (projects.some((p) => p.key === key)) throw new Error('UNIQUE constraint failed: projects.key');
      const p = { id: projects.length + 1, name, key, createdAt };
      projects.push(p);
      return { ...p };
    },
    async listProjects() {
      return projects.map((p) => ({ ...p }));
    },
    async getProject(id) {
      return copy(projects.find((p) => p.id === id));
    },
    async findProjectByKey(key) {
      return copy(projects.find((p) => p.key === key));
    },
    async setProjectKey(id, key) {
      const p = projects.find((x) => x.id === id);
      if (p) p.key = key;
      return copy(p);
    },
    async loadSeries() {
      return series.map((s) => ({ ...s, tags: { ...s.tags } }));
    },
    async commit(batch) {
      for (const s of batch.series) {
        if (series.some((x) => x.projectId === s.projectId && x.kpi === s.kpi && x.tagKey === s.tagKey)) {
          throw new Error('UNIQUE constraint failed: series');
        }
      }
      series.push(...batch.series.map((s) => ({ ...s })));
      raw.push(...batch.raw.map((r) => ({ ...r })));
      for (const res of RESOLUTIONS) {
        const bySeries = buckets.get(res) as Map<number, Map<number, Aggregate>>;
        for (const d of rollUp(batch.buckets, res)) {
          let byTs = bySeries.get(d.seriesId);
          if (!byTs) bySeries.set(d.seriesId, (byTs = new Map()));
          const cur = byTs.get(d.ts);
          const { seriesId: _s, ts: _t, ...agg } = d;
          if (cur) mergeInto(cur, agg);
          else byTs.set(d.ts, agg);
        }
      }
    },
    async readBuckets(q) {
      const bySeries = buckets.get(q.resolution) as Map<number, Map<number, Aggregate>>;
      const out: BucketRow[] = [];
      for (const id of q.seriesIds) {
        const grouped = new Map<number, BucketRow>();
        for (const [ts, a] of bySeries.get(id) ?? []) {
          if (ts < q.from || ts >= q.to) continue;
          const t = Math.floor(ts / q.step) * q.step;
          const cur = grouped.get(t);
          if (cur) mergeInto(cur, a);
          else grouped.set(t, { ...a, seriesId: id, ts: t });
        }
        out.push(...grouped.values());
      }
      return out.sort((a, b) => a.ts - b.ts || a.seriesId - b.seriesId);
    },
    async readRaw(projectId, fromMs, toMs, limit) {
      return raw
        .filter((r) => r.projectId === projectId && r.maxTs >= fromMs && r.minTs < toMs)
        .sort((a, b) => b.maxTs - a.maxTs)
        .slice(0, limit)
        .map((r) => ({ ...r }));
    },
    async prune(c) {
      let n = 0;
      for (let i = raw.length - 1; i >= 0; i--) {
        if ((raw[i] as RawBatch).receivedAt < c.rawReceivedBeforeMs) {
          raw.splice(i, 1);
          n++;
        }
      }
      for (const res of RESOLUTIONS) {
        for (const byTs of (buckets.get(res) as Map<number, Map<number, Aggregate>>).values()) {
          for (const ts of byTs.keys()) {
            if (ts < c.bucketsBefore[res]) {
              byTs.delete(ts);
              n++;
            }
          }
        }
      }
      return n;
    },
  };
}
