/** @module The live stream: per-second values of each KPI, pushed to subscribers once a second. */
import type { BucketDelta, SeriesRegistry } from '../store/index.js';

/** What a subscriber receives each second. */
export interface LiveTick {
  ts: number;
  kpis: Record<string, { type: 'count' | 'gauge'; count: number; sum: number; last: number | null }>;
}

interface Subscriber {
  projectId: number;
  kpis: Set<string> | null;
  send: (tick: LiveTick) => void;
  end: () => void;
}

/** Collects committed deltas and fans them out per project. */
export interface LiveHub {
  onCommit(deltas: readonly BucketDelta[]): void;
  subscribe(projectId: number, kpis: string[] | null, send: (tick: LiveTick) => void, end?: () => void): () => void;
  /** Ends every subscription (shutdown). */
  closeAll(): void;
  /** Emits the second that ended `delaySeconds` before `nowMs` to every subscriber. Called once a second. */
  tick(nowMs: number): void;
  subscribers(): number;
}

type Cell = { count: number; sum: number; last: number | null; lastTs: number };

/**
 * Creates a hub; it keeps only the last few seconds. Each tick emits the second that ended
 * `delaySeconds` ago (more than 1 when data arrives late, as from other nodes of a cluster).
 */
export function createLiveHub(registry: SeriesRegistry, delaySeconds = 1): LiveHub {
  const subs = new Set<Subscriber>();
  // second -> projectId -> kpi -> cell
  const seconds = new Map<number, Map<number, Map<string, Cell>>>();
  return {
    onCommit(deltas) {
      if (subs.size === 0) return;
      for (const d of deltas) {
        const s = registry.get(d.seriesId);
        if (!s) continue;
        let byProject = seconds.get(d.ts);
        if (!byProject) seconds.set(d.ts, (byProject = new Map()));
        let byKpi = byProject.get(s.projectId);
        if (!byKpi) byProject.set(s.projectId, (byKpi = new Map()));
        const c = byKpi.get(s.kpi) ?? { count: 0, sum: 0, last: null, lastTs: -1 };
        c.count += d.count;
        c.sum += d.sum;
        if (s.type === 'gauge') c.last = (c.last ?? 0) + d.last;
        byKpi.set(s.kpi, c);
      }
    },
    subscribe(projectId, kpis, send, end = () => {}) {
      const sub: Subscriber = { projectId, kpis: kpis ? new Set(kpis) : null, send, end };
      subs.add(sub);
      return () => subs.delete(sub);
    },
    tick(nowMs) {
      const sec = Math.floor(nowMs / 1000) - delaySeconds;
      const data = seconds.get(sec);
      for (const sub of subs) {
        const tick: LiveTick = { ts: sec, kpis: {} };
        const names = sub.kpis ?? new Set(registry.kpis(sub.projectId).map((k) => k.name));
        for (const k of registry.kpis(sub.projectId)) {
          if (!names.has(k.name)) continue;
          const c = data?.get(sub.projectId)?.get(k.name);
          tick.kpis[k.name] = { type: k.type, count: c?.count ?? 0, sum: c?.sum ?? 0, last: c?.last ?? null };
        }
        sub.send(tick);
      }
      for (const s of seconds.keys()) if (s <= sec) seconds.delete(s);
    },
    subscribers: () => subs.size,
    closeAll() {
      for (const s of subs) s.end();
      subs.clear();
    },
  };
}
