/**
 * @module The live detection engine: listens to commits, turns per-second bucket deltas into points
 * (with silence reported as zero counts, so a collapse is seen even when nothing arrives), steps each
 * series' detector, and persists the states so a restart neither re-learns nor re-alerts.
 * Time comes from the caller's `tick(now)`; the engine reads no clock.
 */
import type { BucketDelta, SeriesRow } from '../store/index.js';
import { type Attribution, attributeSegments } from './attribution.js';
import { CONTRIBUTION_MEMORY_SECONDS, type ContributionRing, createContributionRing } from './contribution-ring.js';
import { createDetector, type Detector, type DetectorOptions } from './detector.js';
import type { DetectorState, Verdict } from './types.js';

/** An alert, shift or recovery (verdict `normal` after an alert) raised by the engine. */
export interface EngineEvent {
  seriesId: number;
  series: SeriesRow;
  ts: number;
  score: number;
  verdict: Verdict;
  /**
   * Alerts of a counted KPI watched in several segments: which tag values explain the anomaly,
   * over the alerting run's window, from every segment's own baseline.
   */
  attribution?: Attribution;
}

/** What the engine needs from the server. */
export interface EngineDeps {
  series(id: number): SeriesRow | undefined;
  getMeta(key: string): Promise<string | undefined>;
  setMeta(key: string, value: string): Promise<void>;
  /** Per-series settings (direction, sensitivity, label); defaults per kind when omitted. */
  optionsFor?: (row: SeriesRow) => Omit<DetectorOptions, 'kind'>;
  /**
   * The state a series starts from when none is saved (default: its detector's `init()`, a warm-up).
   * `ts` is the epoch second of its first data (see primedState); on `restart`, `current` is its state.
   */
  initialState?: (row: SeriesRow, det: Detector, ts: number, current?: DetectorState) => DetectorState | undefined;
  /**
   * The least time (ms) the present stays open for events in flight before silence is judged.
   * Each series also learns how late its data arrives (clients that batch send late) and waits
   * that long plus 200 ms, at most 10 s. Default 250.
   */
  graceMs?: number;
  /**
   * Several nodes: true when this node judges the series. A series it stops owning is dropped
   * (its next owner judges it); one it gains again starts from its next data, not from a stale cursor.
   */
  owns?: (seriesId: number) => boolean;
}

/** Data older than this when it arrives is history (a backfill), judged per minute. */
export const HISTORY_AGE_SECONDS = 600;
/** While history keeps arriving (and this long after), silence up to now is not judged. */
const BACKFILL_QUIET_MS = 5000;

/** The live engine. */
export interface DetectionEngine {
  /** Feed to writer.onCommit; `nowMs` (arrival) tells live data from history. */
  onCommit(deltas: readonly BucketDelta[], nowMs?: number): void;
  /** Judges everything up to now - grace (epoch ms), in sub-second steps for silence. Returns what it raised. */
  tick(nowMs: number): EngineEvent[];
  onEvent(listener: (e: EngineEvent) => void): () => void;
  /** Restores saved states. */
  load(): Promise<number>;
  /** Saves all states. */
  save(): Promise<void>;
  size(): number;
  /** Several nodes: the saved form of every tracked series, to persist in the shared store. */
  states(): Array<[number, SavedSeries]>;
  /**
   * Several nodes: takes a series over from its last persisted state (another node judged it).
   * Judging resumes at the state's cursor; feed the seconds since with onCommit and they are
   * judged as the previous owner would have, silence included.
   */
  resume(seriesId: number, saved: SavedSeries): boolean;
  /**
   * Asks `optionsFor` again for every tracked series (after a KPI's settings changed): a series
   * whose settings differ moves to the new detector and keeps its state, so nothing is re-learned.
   */
  reconfigure(): void;
  /**
   * Starts a tracked series again from `initialState` at `ts` (epoch seconds, given its current
   * state), keeping its cursor and open alert: what it learned no longer describes it (an error
   * issue that regressed after a long quiet). False when the series is not tracked or has no initial state.
   */
  restart(seriesId: number, ts: number): boolean;
  /**
   * Which tag values of a counted KPI explain its deviation over [from, to) (epoch seconds, within
   * the last hour before `now`); undefined when the KPI has fewer than two watched segments.
   */
  attribution(projectId: number, kpi: string, from: number, to: number, now: number): Attribution | undefined;
}

/** Seconds of memory behind `attribution` windows. */
export const ATTRIBUTION_MEMORY_SECONDS = CONTRIBUTION_MEMORY_SECONDS;
/** Least window searched for an alert's onset. */
const MIN_ATTRIBUTION_SECONDS = 5;

const META_KEY = 'detect.states.v1';

/** What is persisted of one series: its detector state, how far it was judged, whether it alerts. */
export interface SavedSeries {
  cursor: number;
  state: DetectorState;
  alerting?: boolean;
}

interface Tracked {
  det: Detector;
  state: DetectorState;
  /** Epoch second (fractional) up to which the series has been judged (exclusive). */
  cursor: number;
  /** Open seconds: count (counts) or last reading (gauges). */
  open: Map<number, number>;
  /** History (backfilled) minutes: count or last reading, by epoch minute. */
  history: Map<number, number>;
  /** Wall time (ms) until which a backfill is taken to be in progress. */
  backfillUntil: number;
  /** How late (s after its second ended) this series' oldest data arrives per commit: a maximum halving each minute. */
  lag: number;
  lagAt: number;
  /** True from an alert until the series is normal again (then a recovery is raised). */
  alerting: boolean;
  /** Counts of a KPI tracked in several series (segments): what the last hour saw and was expected to see, for attribution. */
  ring?: ContributionRing;
}

/** Creates the engine. */
export function createDetectionEngine(deps: EngineDeps): DetectionEngine {
  const graceMs = deps.graceMs ?? 250;
  const graceOf = (t: Tracked) => Math.min(10_000, Math.max(graceMs, t.lag * 1250 + 200));
  const tracked = new Map<number, Tracked>();
  const detectors = new Map<string, Detector>();
  const listeners = new Set<(e: EngineEvent) => void>();
  /** Per counted KPI (project and name): the id of its first tracked series until a second one comes, then all with rings. */
  const kpiSeries = new Map<string, number | Set<number>>();
  let saved: Record<string, SavedSeries> = {};

  const detectorFor = (row: SeriesRow): Detector => {
    // The label is part of the key: explanations name the series' own KPI.
    const opts = { label: row.kpi, ...deps.optionsFor?.(row), kind: row.type };
    const key = JSON.stringify(opts);
    let d = detectors.get(key);
    if (!d) detectors.set(key, (d = createDetector(opts)));
    return d;
  };

  const track = (id: number, ts: number): Tracked | undefined => {
    let t = tracked.get(id);
    if (t) return t;
    const row = deps.series(id);
    if (!row) return undefined;
    const det = detectorFor(row);
    const old = saved[id];
    t = {
      det,
      state: old?.state ?? deps.initialState?.(row, det, ts) ?? det.init(),
      // With several nodes the saved cursor may be another node's, seconds old: start at the next data.
      cursor: deps.owns ? 0 : (old?.cursor ?? 0),
      open: new Map(),
      history: new Map(),
      backfillUntil: 0,
      lag: 1,
      lagAt: 0,
      alerting: old?.alerting ?? false,
    };
    // Rings only for a KPI's segments (its first series gets one when a second comes): attribution compares them.
    if (row.type === 'count') {
      const key = `${row.projectId}\u0000${row.kpi}`;
      const first = kpiSeries.get(key);
      const sibling = typeof first === 'number' && first !== id ? tracked.get(first) : undefined;
      if (typeof first === 'object' || sibling) {
        const ids = typeof first === 'object' ? first : new Set([first as number]);
        kpiSeries.set(key, ids.add(id));
        t.ring = createContributionRing();
        if (sibling) sibling.ring ??= createContributionRing();
      } else kpiSeries.set(key, id);
    }
    tracked.set(id, t);
    return t;
  };

  const attribution = (projectId: number, kpi: string, from: number, to: number, now: number) => {
    const segments = [];
    const ids = kpiSeries.get(`${projectId}\u0000${kpi}`);
    for (const id of typeof ids === 'object' ? ids : []) {
      const t = tracked.get(id);
      const row = deps.series(id);
      if (!t?.ring || !row) continue;
      segments.push({ tags: row.other ? { '(other)': 'folded' } : row.tags, ...t.ring.sum(from, to, now) });
    }
    return segments.length < 2 ? undefined : attributeSegments(from, to, segments);
  };

  return {
    onCommit(deltas, nowMs) {
      // How late the oldest data of this commit is, per series: a client's batching cadence.
      const oldest = new Map<Tracked, number>();
      for (const d of deltas) {
        const t = track(d.seriesId, d.ts);
        if (!t) continue;
        const isCount = t.det.config.kind === 'count';
        if (nowMs !== undefined && d.ts < nowMs / 1000 - HISTORY_AGE_SECONDS) {
          const m = Math.floor(d.ts / 60);
          t.history.set(m, isCount ? (t.history.get(m) ?? 0) + d.count : d.last);
          t.backfillUntil = nowMs + BACKFILL_QUIET_MS;
          continue;
        }
        if (nowMs !== undefined) oldest.set(t, Math.max(oldest.get(t) ?? 0, nowMs / 1000 - d.ts - 1));
        // A late bucket (its second already judged) counts towards the second being judged now.
        const sec = t.cursor > 0 && d.ts + 1 <= t.cursor ? Math.floor(t.cursor) : d.ts;
        if (isCount) t.open.set(sec, (t.open.get(sec) ?? 0) + d.count);
        else t.open.set(sec, d.last);
      }
      if (nowMs === undefined) return;
      for (const [t, late] of oldest) {
        const decayed = t.lag * 2 ** (-(nowMs - t.lagAt) / 60_000);
        // A commit whose oldest data is more than 10 s late is a catch-up (a client back online
        // or a backfill), not the client's cadence: it does not lengthen the wait.
        t.lag = late <= 10 ? Math.max(late, decayed) : decayed;
        t.lagAt = nowMs;
      }
    },
    tick(nowMs) {
      const raised: EngineEvent[] = [];
      for (const [id, t] of tracked) {
        if (deps.owns && !deps.owns(id)) {
          tracked.delete(id);
          delete saved[id];
          continue;
        }
        const until = (nowMs - graceOf(t)) / 1000;
        const isCount = t.det.config.kind === 'count';
        const emit = (ts: number, value: number, dt: number) => {
          if (!(dt > 0)) return;
          const r = t.det.step(t.state, { ts, value, dt });
          t.state = r.state;
          t.ring?.add(ts, dt, value, r.expected);
          const st = r.verdict.status;
          // What history says is learned, not paged: an anomaly weeks ago is no incident today.
          if (ts < nowMs / 1000 - HISTORY_AGE_SECONDS) return;
          const recovered = t.alerting && (st === 'normal' || st === 'shift');
          if (st === 'alert') t.alerting = true;
          else if (recovered) t.alerting = false;
          if (st === 'alert' || st === 'shift' || recovered) {
            const row = deps.series(id);
            if (row)
              raised.push({
                seriesId: id,
                series: row,
                ts,
                score: r.score,
                verdict: recovered && st !== 'shift' ? { status: 'normal' } : r.verdict,
              });
          }
        };
        // History first, a minute a point; minutes already behind the cursor cannot be judged again.
        for (const m of [...t.history.keys()].sort((a, b) => a - b)) {
          const start = m * 60;
          if (t.cursor === 0) t.cursor = start;
          if (start >= t.cursor) {
            if (isCount && start > t.cursor) emit(start, 0, start - t.cursor);
            emit(start + 60, t.history.get(m) as number, 60);
            t.cursor = start + 60;
          }
          t.history.delete(m);
        }
        // While a backfill is arriving, live seconds wait: the history before them may not be in yet.
        const secs = nowMs < t.backfillUntil ? [] : [...t.open.keys()].filter((sec) => sec + 1 <= until).sort((a, b) => a - b);
        if (t.cursor === 0 && secs.length > 0) t.cursor = secs[0] as number;
        for (const sec of secs) {
          if (isCount && sec > t.cursor) emit(sec, 0, sec - t.cursor);
          const from = Math.max(sec, t.cursor);
          emit(sec + 1, t.open.get(sec) as number, sec + 1 - from);
          t.open.delete(sec);
          t.cursor = Math.max(t.cursor, sec + 1);
        }
        // Silence is evidence for counts: judge the time with no events, up to the first second
        // that has data still open, in steps of a quarter second or more.
        if (isCount && t.cursor > 0 && nowMs >= t.backfillUntil) {
          const firstOpen = Math.min(...t.open.keys());
          const limit = Math.min(until, firstOpen);
          if (limit - t.cursor >= 0.25) {
            emit(limit, 0, limit - t.cursor);
            t.cursor = limit;
          }
        }
      }
      // Attribution once every series has been judged up to now, so the segments are compared over the same time.
      for (const e of raised) {
        const t = tracked.get(e.seriesId);
        if (e.verdict.status !== 'alert' || !t?.ring) continue;
        // The alerting run's window: the CUSUM holding the most evidence started it.
        const run = t.state.cusum.reduce((a, c) => (c.s > a.s ? c : a), { s: 0, from: 0 });
        const start = Math.max(
          e.ts - CONTRIBUTION_MEMORY_SECONDS,
          Math.min(run.from > 0 ? run.from : e.ts, e.ts - MIN_ATTRIBUTION_SECONDS),
        );
        const from = t.ring.onset(start, e.ts, e.verdict.direction === 'drop' ? -1 : 1);
        const a = attribution(e.series.projectId, e.series.kpi, from, e.ts, e.ts);
        if (a) e.attribution = a;
      }
      for (const e of raised) for (const l of listeners) l(e);
      return raised;
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async load() {
      const raw = await deps.getMeta(META_KEY);
      saved = raw ? (JSON.parse(raw) as typeof saved) : {};
      return Object.keys(saved).length;
    },
    async save() {
      const all: typeof saved = { ...saved };
      for (const [id, t] of tracked) all[id] = { cursor: t.cursor, state: t.state, alerting: t.alerting };
      saved = all;
      await deps.setMeta(META_KEY, JSON.stringify(all));
    },
    states: () => [...tracked].map(([id, t]) => [id, { cursor: t.cursor, state: t.state, alerting: t.alerting }]),
    resume(id, rec) {
      tracked.delete(id);
      const t = track(id, Math.floor(rec.cursor));
      if (!t) return false;
      Object.assign(t, { state: rec.state, cursor: rec.cursor, alerting: rec.alerting ?? false });
      return true;
    },
    size: () => tracked.size,
    attribution,
    restart(seriesId, ts) {
      const t = tracked.get(seriesId);
      const row = deps.series(seriesId);
      const state = t && row ? deps.initialState?.(row, t.det, ts, t.state) : undefined;
      if (!t || !state) return false;
      t.state = state;
      return true;
    },
    reconfigure() {
      for (const [id, t] of tracked) {
        const row = deps.series(id);
        if (row) t.det = detectorFor(row);
      }
    },
  };
}
