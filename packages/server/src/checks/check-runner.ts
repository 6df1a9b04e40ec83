/**
 * @module Runs the active checks: one timer per check, at most `maxConcurrent` probes in flight
 * (the rest wait in a queue), a failure re-probed within a quarter interval to confirm it fast.
 * Each result becomes the gauges `check.latency_ms` and `check.up` {check} through the writer,
 * so live detection watches them; state changes become signals and are kept on the check's document.
 */

import type { NormalizedEvent } from '@heed/protocol';
import { validateEvent } from '@heed/protocol';
import type { Clock, Logger } from '../kernel/index.js';
import type { Storage, Writer } from '../store/index.js';
import { type CheckState, initialCheckState, stepCheck } from './check-state.js';
import { probe as defaultProbe } from './probe.js';
import type { CheckSignal, CheckSpec, CheckStatus, ProbeResult, ResultEntry, Transition } from './types.js';

const KIND = 'check';
const HISTORY = 120;
const TRANSITIONS = 50;
const LIMITS = { maxTagsPerEvent: 4, maxTagValueLength: 200, maxFutureSeconds: 3600 };

/** A check's stored document. */
interface CheckDoc {
  spec: CheckSpec;
  state?: CheckState;
  transitions: Transition[];
}

/** A check as the API shows it. */
export interface CheckView {
  id: number;
  projectId: number;
  spec: CheckSpec;
  status: CheckStatus;
}

/** A check with its history. */
export interface CheckDetail extends CheckView {
  results: ResultEntry[];
  transitions: Transition[];
}

/** What the runner needs. */
export interface CheckRunnerDeps {
  store: Storage;
  writer: Pick<Writer, 'append'>;
  clock: Clock;
  log: Logger;
  emit(s: CheckSignal): void;
  maxConcurrent: number;
  /** Replaces the real probe (tests of scheduling). */
  probe?: (spec: CheckSpec) => Promise<ProbeResult>;
}

/** The runner of one server. */
export interface CheckRunner {
  load(): Promise<void>;
  start(): void;
  stop(): Promise<void>;
  add(projectId: number, spec: CheckSpec): Promise<CheckView>;
  remove(projectId: number, id: number): Promise<boolean>;
  list(projectId: number): CheckView[];
  get(projectId: number, id: number): CheckDetail | undefined;
  /** Probes in flight now, and the most ever. */
  inFlight(): { now: number; max: number; queued: number };
}

interface Entry {
  id: number;
  projectId: number;
  doc: CheckDoc;
  state: CheckState;
  results: ResultEntry[];
  timer?: NodeJS.Timeout;
  running: boolean;
  queued: boolean;
  removed: boolean;
}

/** Creates the runner over the store's `check` documents. */
export function createCheckRunner(d: CheckRunnerDeps): CheckRunner {
  const entries = new Map<number, Entry>();
  const queue: Entry[] = [];
  const probe = d.probe ?? defaultProbe;
  let active = 0;
  let maxActive = 0;
  let started = false;
  const running = new Set<Promise<void>>();

  const schedule = (e: Entry, delayMs: number) => {
    clearTimeout(e.timer);
    if (!started || e.removed) return;
    e.timer = setTimeout(() => enqueue(e), Math.max(0, delayMs));
    e.timer.unref();
  };
  const enqueue = (e: Entry) => {
    if (e.removed || e.running || e.queued) return;
    if (active < d.maxConcurrent) run(e);
    else {
      e.queued = true;
      queue.push(e);
    }
  };
  const next = () => {
    while (active < d.maxConcurrent && queue.length > 0) {
      const e = queue.shift() as Entry;
      e.queued = false;
      if (!e.removed) run(e);
    }
  };

  const record = async (e: Entry, r: ProbeResult, ts: number) => {
    const { spec } = e.doc;
    const tags = { check: spec.name };
    const events: NormalizedEvent[] = [];
    for (const ev of [
      { name: 'check.latency_ms', type: 'gauge', value: r.latencyMs, ts, tags },
      { name: 'check.up', type: 'gauge', value: r.ok ? 1 : 0, ts, tags },
    ]) {
      const v = validateEvent(ev, ts, LIMITS);
      if ('tagKey' in v) events.push(v);
    }
    d.writer.append(e.projectId, events, ts).committed.catch((err: unknown) => d.log.error('check result not stored', { err }));
    const { state, changes } = stepCheck(e.state, spec, r, ts);
    e.state = state;
    e.results.push(state.status.lastResult as ResultEntry);
    if (e.results.length > HISTORY) e.results.shift();
    if (changes.length === 0) return;
    for (const c of changes) {
      e.doc.transitions.push({
        ts,
        state: c.aspect ? `${c.aspect}:${c.firing ? 'on' : 'off'}` : c.firing ? 'down' : 'up',
        text: `${c.title}: ${c.explanation}`,
      });
      d.emit({
        projectId: e.projectId,
        key: `check:${e.id}${c.aspect ? `:${c.aspect}` : ''}`,
        kind: 'check',
        name: spec.name,
        firing: c.firing,
        ts,
        onsetTs: c.onsetTs,
        severity: c.severity,
        title: c.title,
        explanation: c.explanation,
      });
    }
    if (e.doc.transitions.length > TRANSITIONS) e.doc.transitions.splice(0, e.doc.transitions.length - TRANSITIONS);
    e.doc.state = state;
    if (!e.removed) await d.store.updateDoc(KIND, e.id, e.doc, ts);
  };

  const run = (e: Entry) => {
    e.running = true;
    active++;
    maxActive = Math.max(maxActive, active);
    const p = (async () => {
      try {
        const r = await probe(e.doc.spec);
        if (!e.removed) await record(e, r, d.clock());
      } catch (err) {
        d.log.error('check failed to run', { checkId: e.id, err });
      } finally {
        e.running = false;
        active--;
        const { spec } = e.doc;
        const confirming = e.state.failures > 0 && e.state.status.state !== 'down';
        const interval = spec.intervalSeconds * 1000;
        schedule(e, confirming ? Math.min(interval / 4, 5000) : interval);
        next();
      }
    })();
    running.add(p);
    void p.finally(() => running.delete(p));
  };

  const view = (e: Entry): CheckView => ({ id: e.id, projectId: e.projectId, spec: e.doc.spec, status: structuredClone(e.state.status) });
  const entryOf = (projectId: number, id: number) => {
    const e = entries.get(id);
    return e && e.projectId === projectId ? e : undefined;
  };

  return {
    async load() {
      const now = d.clock();
      for (const doc of await d.store.listDocs<CheckDoc>(KIND)) {
        entries.set(doc.id, {
          id: doc.id,
          projectId: doc.projectId,
          doc: { ...doc.body, transitions: doc.body.transitions ?? [] },
          state: doc.body.state ? { ...doc.body.state, failures: 0, successes: 0 } : initialCheckState(now),
          results: [],
          running: false,
          queued: false,
          removed: false,
        });
      }
    },
    start() {
      started = true;
      // Spread the first probes over each interval, so a thousand checks do not start at once.
      for (const e of entries.values()) schedule(e, ((e.id * 7919) % 1000) * e.doc.spec.intervalSeconds);
    },
    async stop() {
      started = false;
      for (const e of entries.values()) clearTimeout(e.timer);
      queue.length = 0;
      await Promise.allSettled([...running]);
    },
    async add(projectId, spec) {
      const now = d.clock();
      const doc: CheckDoc = { spec, transitions: [] };
      const saved = await d.store.insertDoc(KIND, projectId, doc, now);
      const e: Entry = {
        id: saved.id,
        projectId,
        doc,
        state: initialCheckState(now),
        results: [],
        running: false,
        queued: false,
        removed: false,
      };
      entries.set(e.id, e);
      schedule(e, 0);
      return view(e);
    },
    async remove(projectId, id) {
      const e = entryOf(projectId, id);
      if (!e) return false;
      e.removed = true;
      clearTimeout(e.timer);
      entries.delete(id);
      await d.store.deleteDoc(KIND, id);
      // A removed check's open alerts recover, so its incident can resolve.
      const now = d.clock();
      const firing = [
        ['', e.state.status.state === 'down'],
        [':slow', e.state.status.slow],
        [':tls', e.state.status.tlsExpiring],
      ] as const;
      for (const [suffix, on] of firing) {
        if (!on) continue;
        d.emit({
          projectId,
          key: `check:${id}${suffix}`,
          kind: 'check',
          name: e.doc.spec.name,
          firing: false,
          ts: now,
          onsetTs: now,
          severity: 'info',
          title: `${e.doc.spec.name} was removed`,
          explanation: `The check ${e.doc.spec.name} was removed.`,
        });
      }
      return true;
    },
    list: (projectId) => [...entries.values()].filter((e) => e.projectId === projectId).map(view),
    get(projectId, id) {
      const e = entryOf(projectId, id);
      return e && { ...view(e), results: [...e.results], transitions: [...e.doc.transitions] };
    },
    inFlight: () => ({ now: active, max: maxActive, queued: queue.length }),
  };
}
