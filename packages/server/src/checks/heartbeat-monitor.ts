/**
 * @module Watches the heartbeats: check-ins (SDK, Sentry `check_in` items, the ping URL) and a
 * tick that finds missed and too-long runs. State lives on each heartbeat's document, so a restart
 * still knows when the next run is due. A Sentry check-in with `monitor_config` creates its heartbeat.
 */
import type { Clock, Logger } from '../kernel/index.js';
import type { Storage } from '../store/index.js';
import { type HeartbeatChange, type HeartbeatState, heartbeatCheckIn, heartbeatTick, initialHeartbeatState } from './heartbeat-state.js';
import type { CheckIn, CheckSignal, HeartbeatSpec, HeartbeatStatus, Transition } from './types.js';
import { validateHeartbeat } from './validate.js';

const KIND = 'heartbeat';
const TRANSITIONS = 100;

interface HeartbeatDoc {
  spec: HeartbeatSpec;
  state: HeartbeatState;
  transitions: Transition[];
}

/** A heartbeat as the API shows it. */
export interface HeartbeatView {
  id: number;
  projectId: number;
  spec: HeartbeatSpec;
  status: HeartbeatStatus;
}

/** A heartbeat with its history. */
export interface HeartbeatDetail extends HeartbeatView {
  transitions: Transition[];
}

/** What the monitor needs. */
export interface HeartbeatMonitorDeps {
  store: Storage;
  clock: Clock;
  log: Logger;
  emit(s: CheckSignal): void;
}

/** The outcome of a check-in: the heartbeat it counted for, or why not. */
export type CheckInOutcome =
  | { ok: true; heartbeat: HeartbeatView }
  | { ok: false; reason: 'unknown_slug' | 'invalid_config'; message: string };

/** The monitor of one server. */
export interface HeartbeatMonitor {
  load(): Promise<void>;
  /** Judges missed and too-long runs at `now`. */
  tick(now: number): Promise<void>;
  checkIn(projectId: number, slug: string, c: CheckIn, config?: unknown): Promise<CheckInOutcome>;
  add(projectId: number, spec: HeartbeatSpec): Promise<HeartbeatView>;
  remove(projectId: number, id: number): Promise<boolean>;
  list(projectId: number): HeartbeatView[];
  get(projectId: number, id: number): HeartbeatDetail | undefined;
  bySlug(projectId: number, slug: string): HeartbeatView | undefined;
}

interface Entry {
  id: number;
  projectId: number;
  doc: HeartbeatDoc;
}

/** Creates the monitor over the store's `heartbeat` documents. */
export function createHeartbeatMonitor(d: HeartbeatMonitorDeps): HeartbeatMonitor {
  const entries = new Map<number, Entry>();
  let queue: Promise<unknown> = Promise.resolve();
  // One change at a time, so a check-in and a tick never race on a heartbeat.
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = queue.then(fn, fn);
    queue = run.catch(() => undefined);
    return run;
  };
  const view = (e: Entry): HeartbeatView => ({ id: e.id, projectId: e.projectId, spec: e.doc.spec, status: { ...e.doc.state.status } });
  const find = (projectId: number, slug: string) =>
    [...entries.values()].find((e) => e.projectId === projectId && e.doc.spec.slug === slug);

  const apply = async (e: Entry, next: { state: HeartbeatState; changes: HeartbeatChange[] }, now: number, force = false) => {
    const changed = force || next.state !== e.doc.state || next.changes.length > 0;
    e.doc.state = next.state;
    for (const c of next.changes) {
      e.doc.transitions.push({ ts: now, state: c.state, text: `${c.title}: ${c.explanation}` });
      if (c.firing === undefined) continue;
      d.emit({
        projectId: e.projectId,
        key: `heartbeat:${e.id}`,
        kind: 'heartbeat',
        name: e.doc.spec.name,
        firing: c.firing,
        ts: now,
        onsetTs: c.onsetTs,
        severity: c.firing ? e.doc.spec.severity : 'info',
        title: c.title,
        explanation: c.explanation,
      });
    }
    if (e.doc.transitions.length > TRANSITIONS) e.doc.transitions.splice(0, e.doc.transitions.length - TRANSITIONS);
    if (changed && entries.has(e.id)) await d.store.updateDoc(KIND, e.id, e.doc, now);
  };

  const insert = async (projectId: number, spec: HeartbeatSpec): Promise<Entry> => {
    const now = d.clock();
    const doc: HeartbeatDoc = { spec, state: initialHeartbeatState(spec, now), transitions: [] };
    const saved = await d.store.insertDoc(KIND, projectId, doc, now);
    const e: Entry = { id: saved.id, projectId, doc };
    entries.set(e.id, e);
    return e;
  };

  /** Sentry's `monitor_config` (schedule crontab/interval, checkin_margin and max_runtime in minutes). */
  const fromSentry = (slug: string, config: unknown) => {
    const c = config as Record<string, unknown>;
    const s = (c.schedule ?? {}) as Record<string, unknown>;
    const unit: Record<string, number> = { minute: 60, hour: 3600, day: 86400, week: 604800, month: 2592000, year: 31536000 };
    const schedule = s.type === 'interval' && typeof s.value === 'number' ? s.value * (unit[String(s.unit)] ?? 60) : s.value;
    return validateHeartbeat({
      slug,
      schedule,
      ...(typeof c.timezone === 'string' ? { timezone: c.timezone } : {}),
      ...(typeof c.checkin_margin === 'number' ? { graceSeconds: c.checkin_margin * 60 } : {}),
      ...(typeof c.max_runtime === 'number' ? { maxRuntimeSeconds: c.max_runtime * 60 } : {}),
    });
  };

  return {
    async load() {
      for (const doc of await d.store.listDocs<HeartbeatDoc>(KIND))
        entries.set(doc.id, { id: doc.id, projectId: doc.projectId, doc: doc.body });
    },
    tick: (now) =>
      serial(async () => {
        for (const e of [...entries.values()]) {
          const next = heartbeatTick(e.doc.state, e.doc.spec, now);
          if (next.state !== e.doc.state) await apply(e, next, now);
        }
      }),
    checkIn: (projectId, slug, c, config) =>
      serial(async (): Promise<CheckInOutcome> => {
        let e = find(projectId, slug);
        if (!e) {
          if (config === undefined || config === null || typeof config !== 'object') {
            return {
              ok: false,
              reason: 'unknown_slug',
              message: `Project ${projectId} has no heartbeat '${slug.slice(0, 64)}'; create it first (heed heartbeats add).`,
            };
          }
          const spec = fromSentry(slug, config);
          if (!spec.ok) return { ok: false, reason: 'invalid_config', message: spec.message };
          e = await insert(projectId, spec.value);
        }
        await apply(e, heartbeatCheckIn(e.doc.state, e.doc.spec, c), c.ts, true);
        return { ok: true, heartbeat: view(e) };
      }),
    add: (projectId, spec) => serial(async () => view(await insert(projectId, spec))),
    remove: (projectId, id) =>
      serial(async () => {
        const e = entries.get(id);
        if (!e || e.projectId !== projectId) return false;
        entries.delete(id);
        await d.store.deleteDoc(KIND, id);
        if (e.doc.state.problem) {
          const now = d.clock();
          d.emit({
            projectId,
            key: `heartbeat:${id}`,
            kind: 'heartbeat',
            name: e.doc.spec.name,
            firing: false,
            ts: now,
            onsetTs: now,
            severity: 'info',
            title: `${e.doc.spec.name} was removed`,
            explanation: `The heartbeat ${e.doc.spec.slug} was removed.`,
          });
        }
        return true;
      }),
    list: (projectId) => [...entries.values()].filter((e) => e.projectId === projectId).map(view),
    get(projectId, id) {
      const e = entries.get(id);
      return e && e.projectId === projectId ? { ...view(e), transitions: [...e.doc.transitions] } : undefined;
    },
    bySlug(projectId, slug) {
      const e = find(projectId, slug);
      return e && view(e);
    },
  };
}
