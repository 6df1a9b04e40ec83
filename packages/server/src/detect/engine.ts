/**
 * @module The live detection engine: listens to commits, turns per-second bucket deltas into points
 * (with silence reported as zero counts, so a collapse is seen even when nothing arrives), steps each
 * series' detector, and persists the states so a restart neither re-learns nor re-alerts.
 * Time comes from the caller's `tick(now)`; the engine reads no clock.
 */
import type { BucketDelta, SeriesRow } from '../store/index.js';
import { createDetector, type Detector, type DetectorOptions } from './detector.js';
import type { DetectorState, Verdict } from './types.js';

/** An alert, shift or recovery (verdict `normal` after an alert) raised by the engine. */
export interface EngineEvent {
  seriesId: number;
  series: SeriesRow;
  ts: number;
  score: number;
  verdict: Verdict;
}

/** What the engine needs from the server. */
export interface EngineDeps {
  series(id: number): SeriesRow | undefined;
  getMeta(key: string): Promise<string | undefined>;
  setMeta(key: string, value: string): Promise<void>;
  /** Per-series settings (direction, sensitivity, label); defaults per kind when omitted. */
  optionsFor?: (row: SeriesRow) => Omit<DetectorOptions, 'kind'>;
  /** Seconds a bucket stays open for late events before it is judged. */
  graceSeconds?: number;
}

/** The live engine. */
export interface DetectionEngine {
  /** Feed to writer.onCommit. */
  onCommit(deltas: readonly BucketDelta[]): void;
  /** Judges every second that closed before now - grace (epoch ms). Returns what it raised. */
  tick(nowMs: number): EngineEvent[];
  onEvent(listener: (e: EngineEvent) => void): () => void;
  /** Restores saved states. */
  load(): Promise<number>;
  /** Saves all states. */
  save(): Promise<void>;
  size(): number;
}

const META_KEY = 'detect.states.v1';

interface Tracked {
  det: Detector;
  state: DetectorState;
  /** Epoch second up to which the series has been judged (exclusive). */
  cursor: number;
  /** Open seconds: count (counts) or last reading (gauges). */
  open: Map<number, number>;
  /** True from an alert until the series is normal again (then a recovery is raised). */
  alerting: boolean;
}

/** Creates the engine. */
export function createDetectionEngine(deps: EngineDeps): DetectionEngine {
  const grace = deps.graceSeconds ?? 2;
  const tracked = new Map<number, Tracked>();
  const detectors = new Map<string, Detector>();
  const listeners = new Set<(e: EngineEvent) => void>();
  let saved: Record<string, { cursor: number; state: DetectorState; alerting?: boolean }> = {};

  const detectorFor = (row: SeriesRow): Detector => {
    const opts = { ...deps.optionsFor?.(row), kind: row.type };
    const key = JSON.stringify(opts);
    let d = detectors.get(key);
    if (!d) detectors.set(key, (d = createDetector({ label: row.kpi, ...opts })));
    return d;
  };

  const track = (id: number): Tracked | undefined => {
    let t = tracked.get(id);
    if (t) return t;
    const row = deps.series(id);
    if (!row) return undefined;
    const det = detectorFor(row);
    const old = saved[id];
    t = { det, state: old?.state ?? det.init(), cursor: old?.cursor ?? 0, open: new Map(), alerting: old?.alerting ?? false };
    tracked.set(id, t);
    return t;
  };

  return {
    onCommit(deltas) {
      for (const d of deltas) {
        const t = track(d.seriesId);
        if (!t) continue;
        const isCount = t.det.config.kind === 'count';
        // A late bucket (its second already judged) counts towards the next open second.
        const sec = t.cursor > 0 && d.ts < t.cursor ? t.cursor : d.ts;
        if (isCount) t.open.set(sec, (t.open.get(sec) ?? 0) + d.count);
        else t.open.set(sec, d.last);
      }
    },
    tick(nowMs) {
      const until = Math.floor(nowMs / 1000) - grace;
      const raised: EngineEvent[] = [];
      for (const [id, t] of tracked) {
        const isCount = t.det.config.kind === 'count';
        const secs = [...t.open.keys()].filter((s) => s < until).sort((a, b) => a - b);
        if (t.cursor === 0 && secs.length > 0) t.cursor = secs[0] as number;
        const emit = (ts: number, value: number, dt: number) => {
          const r = t.det.step(t.state, { ts, value, dt });
          t.state = r.state;
          const st = r.verdict.status;
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
        for (const sec of secs) {
          if (isCount && sec > t.cursor) emit(sec, 0, sec - t.cursor);
          emit(sec + 1, t.open.get(sec) as number, 1);
          t.open.delete(sec);
          t.cursor = sec + 1;
        }
        // Silence is evidence for counts: report the seconds with no events at all.
        if (isCount && t.cursor > 0 && until > t.cursor) {
          emit(until, 0, until - t.cursor);
          t.cursor = until;
        }
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
    size: () => tracked.size,
  };
}
