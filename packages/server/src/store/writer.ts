/**
 * @module Group commit: accepted events are aggregated into per-second bucket deltas and written,
 * with their raw form, in one transaction per turn of the event loop. A request is answered only
 * after the transaction that holds its events has committed.
 */
import type { NormalizedEvent } from '@heed/protocol';
import type { Histogram } from '../kernel/index.js';
import type { SeriesRegistry } from './series-registry.js';
import type { BucketDelta, CommitBatch, RawBatch, SeriesRow, Storage } from './types.js';

/** What happened to the events of one append. */
export interface AppendResult {
  accepted: number;
  folded: number;
  /** Indexes into the appended array, with why. */
  rejected: Array<{ index: number; code: string; message: string }>;
  /** Resolves once the accepted events are committed; rejects if the store failed. */
  committed: Promise<void>;
}

/** Receives the deltas of each commit (the live stream listens here). */
export type CommitListener = (deltas: readonly BucketDelta[]) => void;

/** The writer: the only path by which events reach the store. */
export interface Writer {
  append(projectId: number, events: readonly NormalizedEvent[], receivedAt: number): AppendResult;
  onCommit(listener: CommitListener): () => void;
  /** Commits whatever is pending and waits for commits in flight. */
  flush(): Promise<void>;
  pendingEvents(): number;
}

// Tags serialized once per tag combination; a tag key maps to exactly one set of pairs.
const tagJson = new Map<string, string>();

/**
 * One raw event as JSON, byte for byte what JSON.stringify gives for
 * `{name, ts, value, count?, type?, tags?}`: names are validated to need no escaping and numbers
 * are finite, so only the tags need JSON.stringify, and they repeat.
 */
function rawRecord(ev: NormalizedEvent, sep: string): string {
  let s = `${sep}{"name":"${ev.name}","ts":${ev.ts},"value":${ev.value}`;
  if (ev.count !== 1) s += `,"count":${ev.count}`;
  if (ev.type === 'gauge') s += ',"type":"gauge"';
  if (ev.tags.length > 0) {
    let t = tagJson.get(ev.tagKey);
    if (t === undefined) {
      if (tagJson.size >= 10_000) tagJson.clear();
      t = JSON.stringify(Object.fromEntries(ev.tags));
      tagJson.set(ev.tagKey, t);
    }
    s += `,"tags":${t}`;
  }
  return `${s}}`;
}

interface Waiter {
  resolve: () => void;
  reject: (err: unknown) => void;
}

/** Creates the writer over a store and the series registry. */
export function createWriter(store: Storage, registry: SeriesRegistry, opts: { commitLatency?: Histogram } = {}): Writer {
  let series: SeriesRow[] = [];
  let raw: RawBatch[] = [];
  let deltas = new Map<number, Map<number, BucketDelta>>();
  let waiters: Waiter[] = [];
  let pending = 0;
  let scheduled = false;
  let inFlight: Promise<void> | undefined;
  const listeners = new Set<CommitListener>();

  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      if (inFlight) inFlight.then(schedule, schedule);
      else void commitNow();
    });
  };

  const commitNow = async (): Promise<void> => {
    if (waiters.length === 0 && series.length === 0) return;
    const batch: CommitBatch = { series, raw, buckets: [] };
    for (const byTs of deltas.values()) for (const d of byTs.values()) batch.buckets.push(d);
    const batchWaiters = waiters;
    series = [];
    raw = [];
    deltas = new Map();
    waiters = [];
    pending = 0;
    const started = performance.now();
    const run = store.commit(batch).then(
      () => {
        opts.commitLatency?.observe((performance.now() - started) / 1000);
        for (const w of batchWaiters) w.resolve();
        for (const l of listeners) l(batch.buckets);
      },
      (err: unknown) => {
        for (const s of batch.series) registry.forget(s);
        for (const w of batchWaiters) w.reject(err);
      },
    );
    inFlight = run;
    await run;
    inFlight = undefined;
  };

  return {
    append(projectId, events, receivedAt) {
      const rejected: AppendResult['rejected'] = [];
      let folded = 0;
      let kept = 0;
      let json = '';
      let minTs = Number.POSITIVE_INFINITY;
      let maxTs = Number.NEGATIVE_INFINITY;
      for (let i = 0; i < events.length; i++) {
        const ev = events[i] as NormalizedEvent;
        const r = registry.resolve(projectId, ev, receivedAt);
        if (!r.ok) {
          rejected.push({ index: i, code: r.code, message: r.message });
          continue;
        }
        if (r.created) series.push(r.created);
        if (r.folded) folded++;
        const ts = ev.ts;
        const count = ev.count;
        const value = ev.value;
        const sec = Math.floor(ts / 1000);
        let byTs = deltas.get(r.seriesId);
        if (!byTs) deltas.set(r.seriesId, (byTs = new Map()));
        const per = count > 0 ? value / count : value;
        const d = byTs.get(sec);
        // The same fold as mergeInto, without an object per event.
        if (d) {
          d.count += count;
          d.sum += value;
          if (per < d.min) d.min = per;
          if (per > d.max) d.max = per;
          if (ts >= d.lastTs) {
            d.last = value;
            d.lastTs = ts;
          }
        } else byTs.set(sec, { seriesId: r.seriesId, ts: sec, count, sum: value, min: per, max: per, last: value, lastTs: ts });
        if (ts < minTs) minTs = ts;
        if (ts > maxTs) maxTs = ts;
        json += rawRecord(ev, kept === 0 ? '[' : ',');
        kept++;
      }
      if (kept === 0) return { accepted: 0, folded, rejected, committed: Promise.resolve() };
      raw.push({ projectId, receivedAt, minTs, maxTs, n: kept, events: `${json}]` });
      pending += kept;
      const committed = new Promise<void>((resolve, reject) => waiters.push({ resolve, reject }));
      schedule();
      return { accepted: kept, folded, rejected, committed };
    },
    onCommit(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async flush() {
      while (inFlight) await inFlight;
      await commitNow();
    },
    pendingEvents: () => pending,
  };
}
