/**
 * @module The detect room assembled: the live engine over the store's meta (saved states restored),
 * and the last anomalies it raised, logged and kept for the API.
 */
import type { Logger } from '../kernel/index.js';
import type { Storage } from '../store/index.js';
import { createDetectionEngine, type DetectionEngine, type EngineDeps, type EngineEvent } from './engine.js';

/** Anomalies kept for the API. */
const KEPT_ANOMALIES = 1000;

/** What live detection needs: the engine's deps, with the store for its saved states and a logger. */
export interface LiveDetectionDeps extends Omit<EngineDeps, 'getMeta' | 'setMeta'> {
  store: Pick<Storage, 'getMeta' | 'setMeta'>;
  log: Logger;
}

/** The engine, loaded, and the anomalies it raised since (oldest first, the last 1000). */
export interface LiveDetection {
  detection: DetectionEngine;
  anomalies: EngineEvent[];
  /** Saves every state; a failure is logged, not thrown (the next save writes them). */
  saveStates(): Promise<void>;
}

/** Creates the engine, restores its saved states, and logs and keeps what it raises (listeners added later hear it after). */
export async function createLiveDetection(d: LiveDetectionDeps): Promise<LiveDetection> {
  const { store, log, ...deps } = d;
  const detection = createDetectionEngine({ ...deps, getMeta: (k) => store.getMeta(k), setMeta: (k, v) => store.setMeta(k, v) });
  await detection.load();
  const anomalies: EngineEvent[] = [];
  detection.onEvent((e) => {
    anomalies.push(e);
    if (anomalies.length > KEPT_ANOMALIES) anomalies.shift();
    log.info('anomaly', { projectId: e.series.projectId, kpi: e.series.kpi, tags: e.series.tags, ts: e.ts, verdict: e.verdict });
  });
  const saveStates = () =>
    detection.save().catch((err: unknown) => {
      log.error('saving detector state failed', { err });
    });
  return { detection, anomalies, saveStates };
}
