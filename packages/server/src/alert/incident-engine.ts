/**
 * @module The alert engine: signals become alerts, related alerts one incident, paged once.
 * Lifecycle triggered → acknowledged → resolved; auto-resolve with hysteresis; reopen on recurrence;
 * repeat and escalation on the tick. Operations run one at a time, so no two race on an incident.
 */
import type { Clock, Logger } from '../kernel/index.js';
import type { Storage } from '../store/index.js';
import { probableCause } from './probable-cause.js';
import { type Routing, routeIncident } from './routing.js';
import type { AlertRecord, AlertSettings, Incident, NotifyIntent, Severity, Signal, TimelineEntry } from './types.js';

const RANK: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };
const MAX_TIMELINE = 500;

/** What the engine needs. */
export interface AlertEngineDeps {
  store: Storage;
  clock: Clock;
  log: Logger;
  settings: AlertSettings;
  notify(intent: NotifyIntent): Promise<void>;
  /** Whether a notification of the incident is already stored (the outbox), so a page owed after a crash is not sent twice. */
  queued?(incidentId: number): Promise<boolean>;
  /** The release in force in a project at a time (ms), attached to new incidents. */
  releaseAt?(projectId: number, atMs: number): string | undefined;
}

/** The alert engine. */
export interface AlertEngine {
  load(): Promise<void>;
  /**
   * Sends the pages a dead process decided on but never queued (killed between storing an incident
   * and its notification), unless the outbox already holds one; returns how many. Call once after
   * load() on the node that runs the engine (the single node, or a new leader).
   */
  resumeOwedPages(): Promise<number>;
  signal(s: Signal): Promise<void>;
  tick(): Promise<void>;
  acknowledge(id: number, by: string): Promise<Incident | undefined>;
  resolve(id: number, by: string): Promise<Incident | undefined>;
  /** Records a notification's outcome on the incident's timeline. */
  delivered(incidentId: number, ok: boolean, text: string): Promise<void>;
  get(id: number): Promise<Incident | undefined>;
  list(projectId: number): Promise<Incident[]>;
}

/** Creates the engine over the store's `incident` documents. */
export function createAlertEngine(deps: AlertEngineDeps): AlertEngine {
  const { store, clock, settings } = deps;
  const live = new Map<number, Incident>();
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = queue.then(fn, fn);
    queue = run.catch(() => undefined);
    return run;
  };
  const note = (inc: Incident, type: TimelineEntry['type'], text: string, ts = clock()) => {
    inc.timeline.push({ ts, type, text });
    if (inc.timeline.length > MAX_TIMELINE) inc.timeline.splice(1, inc.timeline.length - MAX_TIMELINE);
  };
  const save = async (inc: Incident) => {
    await store.updateDoc('incident', inc.id, inc, clock());
  };
  const open = (inc: Incident) => inc.status !== 'resolved';

  const page = async (inc: Incident, event: NotifyIntent['event'], routing?: Routing): Promise<void> => {
    const now = clock();
    const r = routing ?? (await routeIncident(store, inc, now));
    if (inc.severity === 'info' && event !== 'resolved') return;
    // Nobody hears of a resolution who was never paged (silenced, info, no channel).
    if (event === 'resolved' && inc.lastPagedAt === undefined) return;
    if (r.silencedBy !== undefined && event !== 'resolved') {
      note(inc, 'silenced', `Not notified: silence #${r.silencedBy} covers every firing alert.`, now);
      return;
    }
    const channels = event === 'escalated' ? r.escalateTo : r.channels;
    if (channels.length === 0) {
      if (event !== 'resolved') note(inc, 'notified', 'No channel is configured for this project: nobody was notified.', now);
      return;
    }
    // Escalation reaches other people; it does not reset the repeat timer of the first ones.
    if (event === 'triggered' || event === 'reopened' || event === 'repeated') inc.lastPagedAt = now;
    await deps.notify({ incident: structuredClone(inc), event, channels });
  };

  const toAlert = (s: Signal, now: number): AlertRecord => ({
    key: s.key,
    source: s.source,
    severity: s.severity,
    title: s.title,
    explanation: s.explanation,
    tags: s.tags,
    subject: s.subject,
    state: 'firing',
    firstFiredAt: now,
    lastFiredAt: now,
    ...(s.onsetTs === undefined ? {} : { onsetAt: Math.min(s.onsetTs, now) }),
    flaps: 0,
  });

  /** Names the probable first cause once alerts of several kinds are in (a timeline entry when it changes). */
  const explain = (inc: Incident, now: number) => {
    const cause = probableCause(inc);
    if (!cause || cause.key === inc.probableCause?.key) {
      if (cause) inc.probableCause = cause;
      return;
    }
    inc.probableCause = cause;
    note(inc, 'cause', `Probable first cause: ${cause.text}`, now);
  };

  const fire = async (s: Signal) => {
    const now = clock();
    const withKey = [...live.values()].filter((i) => i.projectId === s.projectId && i.alerts.some((a) => a.key === s.key));
    const current = withKey.find(open);
    if (current) {
      const a = current.alerts.find((x) => x.key === s.key) as AlertRecord;
      if (a.state !== 'firing') {
        a.flaps++;
        note(current, 'refired', `${a.title} fired again (${a.flaps} flaps); no new page.`, now);
      }
      Object.assign(a, { state: 'firing', lastFiredAt: now, explanation: s.explanation, recoveringSince: undefined });
      await save(current);
      return;
    }
    const recent = withKey
      .filter((i) => i.resolvedAt !== undefined && now - i.resolvedAt < settings.reopenWindowMinutes * 60_000)
      .sort((a, b) => (b.resolvedAt ?? 0) - (a.resolvedAt ?? 0))[0];
    if (recent) {
      const a = recent.alerts.find((x) => x.key === s.key) as AlertRecord;
      Object.assign(a, { state: 'firing', lastFiredAt: now, explanation: s.explanation, recoveringSince: undefined });
      a.flaps++;
      recent.status = 'triggered';
      recent.resolvedAt = undefined;
      recent.resolvedBy = undefined;
      recent.acknowledgedAt = undefined;
      recent.acknowledgedBy = undefined;
      recent.reopened++;
      const quiet = recent.lastPagedAt !== undefined && now - recent.lastPagedAt < settings.repeatMinutes * 60_000;
      note(
        recent,
        'reopened',
        `${a.title} fired again within ${settings.reopenWindowMinutes} min of resolution${quiet ? '; not paged again so soon' : ''}.`,
        now,
      );
      if (!quiet) await page(recent, 'reopened');
      await save(recent);
      return;
    }
    const joined = [...live.values()].find((i) => i.projectId === s.projectId && open(i));
    if (joined) {
      joined.alerts.push(toAlert(s, now));
      if (RANK[s.severity] > RANK[joined.severity]) joined.severity = s.severity;
      note(joined, 'alert', `${s.title}: ${s.explanation}`, now);
      explain(joined, now);
      await save(joined);
      return;
    }
    const body: Omit<Incident, 'id'> = {
      projectId: s.projectId,
      status: 'triggered',
      title: s.title,
      severity: s.severity,
      alerts: [toAlert(s, now)],
      onsetAt: Math.min(s.onsetTs ?? s.ts, now),
      detectedAt: now,
      reopened: 0,
      escalated: false,
      timeline: [{ ts: now, type: 'triggered', text: `${s.title}: ${s.explanation}` }],
      pageOwed: 'triggered',
    };
    const release = deps.releaseAt?.(s.projectId, body.onsetAt);
    if (release) body.release = release;
    const doc = await store.insertDoc('incident', s.projectId, body, now);
    const inc: Incident = { ...body, id: doc.id };
    live.set(inc.id, inc);
    await page(inc, 'triggered');
    delete inc.pageOwed;
    await save(inc);
  };

  const recover = async (s: Signal) => {
    const now = clock();
    for (const inc of live.values()) {
      if (inc.projectId !== s.projectId || !open(inc)) continue;
      const a = inc.alerts.find((x) => x.key === s.key && x.state === 'firing');
      if (!a) continue;
      a.state = 'recovering';
      a.recoveringSince = now;
      note(inc, 'recovering', `${a.title} is back to normal; resolves after ${settings.resolveAfterSeconds} s without recurrence.`, now);
      await save(inc);
    }
  };

  const closeIncident = async (inc: Incident, by: string, now: number) => {
    for (const a of inc.alerts) a.state = 'resolved';
    inc.status = 'resolved';
    inc.resolvedAt = now;
    inc.resolvedBy = by;
    note(inc, 'resolved', by === 'auto' ? 'Every alert recovered: resolved automatically.' : `Resolved by ${by}.`, now);
    await page(inc, 'resolved');
    await save(inc);
  };

  return {
    async load() {
      const now = clock();
      for (const d of await store.listDocs<Incident>('incident')) {
        const inc = { ...d.body, id: d.id };
        if (open(inc) || now - (inc.resolvedAt ?? 0) < settings.reopenWindowMinutes * 60_000) live.set(inc.id, inc);
      }
    },
    resumeOwedPages: () =>
      serial(async () => {
        let n = 0;
        for (const inc of live.values()) {
          if (inc.pageOwed === undefined) continue;
          if (open(inc) && !(await deps.queued?.(inc.id))) {
            await page(inc, inc.pageOwed);
            n++;
          }
          delete inc.pageOwed;
          await save(inc);
        }
        return n;
      }),
    signal: (s) => serial(() => (s.firing ? fire(s) : recover(s))),
    tick: () =>
      serial(async () => {
        const now = clock();
        for (const inc of [...live.values()]) {
          if (!open(inc)) {
            if (now - (inc.resolvedAt ?? 0) >= settings.reopenWindowMinutes * 60_000) live.delete(inc.id);
            continue;
          }
          let changed = false;
          for (const a of inc.alerts) {
            if (a.state === 'recovering' && now - (a.recoveringSince ?? now) >= settings.resolveAfterSeconds * 1000) {
              a.state = 'resolved';
              changed = true;
            }
          }
          if (inc.alerts.every((a) => a.state === 'resolved')) {
            await closeIncident(inc, 'auto', now);
            continue;
          }
          if (inc.status === 'triggered' && inc.alerts.some((a) => a.state === 'firing')) {
            const routing = await routeIncident(store, inc, now);
            const after = routing.escalateAfterMinutes;
            if (!inc.escalated && after !== undefined && routing.escalateTo.length > 0 && now - inc.detectedAt >= after * 60_000) {
              inc.escalated = true;
              note(inc, 'escalated', `Unacknowledged after ${after} min: escalated to ${routing.escalateTo.length} more channel(s).`, now);
              await page(inc, 'escalated', routing);
              changed = true;
            } else if (
              settings.repeatMinutes > 0 &&
              inc.lastPagedAt !== undefined &&
              now - inc.lastPagedAt >= settings.repeatMinutes * 60_000
            ) {
              note(inc, 'repeated', `Still firing and unacknowledged after ${settings.repeatMinutes} min: paged again.`, now);
              await page(inc, 'repeated', routing);
              changed = true;
            }
          }
          if (changed) await save(inc);
        }
      }),
    acknowledge: (id, by) =>
      serial(async () => {
        const inc = live.get(id) ?? (await store.getDoc<Incident>('incident', id))?.body;
        if (inc?.status !== 'triggered') return inc;
        const now = clock();
        inc.status = 'acknowledged';
        inc.acknowledgedAt = now;
        inc.acknowledgedBy = by;
        note(inc, 'acknowledged', `Acknowledged by ${by}.`, now);
        await save(inc);
        return structuredClone(inc);
      }),
    resolve: (id, by) =>
      serial(async () => {
        const inc = live.get(id) ?? (await store.getDoc<Incident>('incident', id))?.body;
        if (!inc || inc.status === 'resolved') return inc;
        live.set(inc.id, inc);
        await closeIncident(inc, by, clock());
        return structuredClone(inc);
      }),
    delivered: (incidentId, ok, text) =>
      serial(async () => {
        const inc = live.get(incidentId) ?? (await store.getDoc<Incident>('incident', incidentId))?.body;
        if (!inc) return;
        const now = clock();
        if (ok && inc.notifiedAt === undefined) inc.notifiedAt = now;
        note(inc, ok ? 'notified' : 'delivery_failed', text, now);
        await save(inc);
      }),
    async get(id) {
      const inc = live.get(id);
      if (inc) return structuredClone(inc);
      return (await store.getDoc<Incident>('incident', id))?.body;
    },
    async list(projectId) {
      const docs = await store.listDocs<Incident>('incident', projectId);
      return docs.map((d) => live.get(d.id) ?? d.body).map((i) => structuredClone(i));
    },
  };
}
