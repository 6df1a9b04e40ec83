/**
 * @module The live detection engine: listens to commits, turns per-second bucket deltas into points
 * (with silence reported as zero counts, so a collapse is seen even when nothing arrives), steps each
 * series' detector, and persists the states (with the segments' attribution rings) so a restart
 * neither re-learns nor re-alerts, and attributes the last hour as before it.
 * Time comes from the caller's `tick(now)`; the engine reads no clock. Each series' intake, lag and
 * replay are in series-timeline.ts; the segments' rings and attribution in segment-memory.ts.
 */
import type { BucketDelta, SeriesRow } from '../store/index.js';
import type { Attribution } from './attribution.js';
import { type ContributionRing, restoreContributionRing, type SavedRing } from './contribution-ring.js';
import { createDetector, type Detector, type DetectorOptions } from './detector.js';
import { createSegmentMemory, type SegmentHolder } from './segment-memory.js';
import { createTimeline, graceOf, HISTORY_AGE_SECONDS, intake, learnLag, replay, type Timeline } from './series-timeline.js';
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

const META_KEY = 'detect.states.v1';

/** What is persisted of one series: its detector state, how far it was judged, whether it alerts. */
export interface SavedSeries {
  cursor: number;
  state: DetectorState;
  alerting?: boolean;
  /**
   * A segment's attribution ring (one node only: `save`, not `states`, which a cluster hands over
   * every few seconds). Absent in states saved before rings were: their segments start with empty rings.
   */
  ring?: SavedRing;
}

/** A tracked series: its timeline, detector and state, and its ring when it is one of a KPI's segments. */
interface Tracked extends Timeline, SegmentHolder {
  det: Detector;
  state: DetectorState;
  /** True from an alert until the series is normal again (then a recovery is raised). */
  alerting: boolean;
  /** True from a restore from saved state (one node) until the engine first hears the time (the restart). */
  restored?: boolean;
  /** Seconds before this (the restart) are unknown to detection: the process was down; data for them is stored, not judged. */
  unknownBefore?: number;
}

/** Creates the engine. */
export function createDetectionEngine(deps: EngineDeps): DetectionEngine {
  const graceMs = deps.graceMs ?? 250;
  const tracked = new Map<number, Tracked>();
  const detectors = new Map<string, Detector>();
  const listeners = new Set<(e: EngineEvent) => void>();
  const segments = createSegmentMemory(
    (id) => tracked.get(id),
    (id) => deps.series(id),
  );
  let saved: Record<string, SavedSeries> = {};
  /** True from a load until the engine first hears the time. */
  let restoring = false;

  // The time between the last save and the restart is unknown, not silence: a restored series is
  // judged again from the restart on (its silence from then on included), and data for the
  // seconds before it is not judged (a catch-up of the downtime would read as a burst).
  const goLive = (nowMs: number) => {
    if (!restoring) return;
    restoring = false;
    const s = Math.floor(nowMs / 1000);
    for (const t of tracked.values()) {
      if (!t.restored) continue;
      t.restored = false;
      t.cursor = Math.max(t.cursor, s);
      t.unknownBefore = s;
    }
  };

  const detectorFor = (row: SeriesRow): Detector => {
    // The label is part of the key: explanations name the series' own KPI.
    const opts = { label: row.kpi, ...deps.optionsFor?.(row), kind: row.type };
    const key = JSON.stringify(opts);
    let d = detectors.get(key);
    if (!d) detectors.set(key, (d = createDetector(opts)));
    return d;
  };

  /** The tracked series `id`, tracked from now if it was not (`ring`: its segment ring, restored after a restart). */
  const track = (id: number, ts: number, ring?: ContributionRing): Tracked | undefined => {
    let t = tracked.get(id);
    if (t) return t;
    const row = deps.series(id);
    if (!row) return undefined;
    const det = detectorFor(row);
    const old = saved[id];
    t = {
      // With several nodes the saved cursor may be another node's, seconds old: start at the next data.
      ...createTimeline(deps.owns ? 0 : (old?.cursor ?? 0)),
      det,
      state: old?.state ?? deps.initialState?.(row, det, ts) ?? det.init(),
      alerting: old?.alerting ?? false,
      ...(old && !deps.owns && { restored: true }),
      ...(ring && { ring }),
    };
    segments.join(id, row, t);
    tracked.set(id, t);
    return t;
  };

  return {
    onCommit(deltas, nowMs) {
      // How late the data of this commit is (its latest delta), per series: a client's batching cadence.
      const oldest = new Map<Tracked, number>();
      if (nowMs !== undefined) goLive(nowMs);
      for (const d of deltas) {
        const t = track(d.seriesId, d.ts);
        if (!t || d.ts < (t.unknownBefore ?? 0)) continue;
        const late = intake(t, d, t.det.config.kind === 'count', nowMs);
        if (late !== undefined) oldest.set(t, Math.max(oldest.get(t) ?? 0, late));
      }
      if (nowMs === undefined) return;
      for (const [t, late] of oldest) learnLag(t, late, nowMs);
    },
    tick(nowMs) {
      const raised: EngineEvent[] = [];
      goLive(nowMs);
      for (const [id, t] of tracked) {
        if (deps.owns && !deps.owns(id)) {
          tracked.delete(id);
          delete saved[id];
          continue;
        }
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
        replay(t, t.det.config.kind === 'count', (nowMs - graceOf(t, graceMs)) / 1000, nowMs, emit);
      }
      // Attribution once every series has been judged up to now, so the segments are compared over the same time.
      for (const e of raised) {
        const t = tracked.get(e.seriesId);
        if (e.verdict.status !== 'alert' || !t) continue;
        const a = segments.ofAlert(e.series, t, t.state.cusum, e.ts, e.verdict.direction === 'drop');
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
      // One node: every saved series is tracked again at once, so one that never sends again is
      // still judged (its silence after the restart is a collapse like any other), and a segment's
      // ring answers attribution at once (an unreadable ring is dropped: the segment starts a new one).
      if (!deps.owns) {
        for (const [id, s] of Object.entries(saved)) {
          const ring = s.ring && restoreContributionRing(s.ring);
          delete s.ring;
          track(Number(id), 0, ring);
        }
        restoring = true;
      }
      return Object.keys(saved).length;
    },
    async save() {
      const all: typeof saved = { ...saved };
      const withRings: typeof saved = { ...saved };
      for (const [id, t] of tracked) {
        const s: SavedSeries = { cursor: t.cursor, state: t.state, alerting: t.alerting };
        // The ring only in what is written: a tracked series has it in memory.
        const ring = deps.owns ? undefined : t.ring?.save();
        all[id] = s;
        withRings[id] = ring ? { ...s, ring } : s;
      }
      saved = all;
      await deps.setMeta(META_KEY, JSON.stringify(withRings));
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
    attribution: segments.attribution,
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
