/**
 * @module The demo's go-live on a fake clock: days of history per minute and the catch-up per second,
 * as demo-history.ts sends them, then the shop's traffic as its SDK sends it (each second's events in
 * one batch once the second is over), judged by the live engine ticking four times a second. A new
 * user's first minutes must show no alert the story did not cause.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createDetectionEngine, type EngineEvent } from '../detect/index.js';
import type { BucketDelta, SeriesRow } from '../store/index.js';
import { countDelta, seeded } from '../test-support/index.js';
import { BROWSERS, PEAK_RATES, poisson, rhythm } from './demo-model.js';

const DAYS = 3;
const LIVE_SECONDS = 180;
/** A Tuesday, 14:09:20 UTC: near the shop's daily peak; history ends at 14:00, 560 s before. */
const GO_LIVE = Date.UTC(2026, 10, 24, 14, 9, 20) / 1000;
const HISTORY_END = GO_LIVE - 560;

interface Series {
  row: SeriesRow;
  /** Events per second at the daily peak. */
  peak: number;
}

function shopSeries(): Series[] {
  const out: Series[] = [];
  for (const [browser, share] of BROWSERS) {
    for (const [kpi, peak] of Object.entries(PEAK_RATES)) {
      const id = out.length + 1;
      const row: SeriesRow = {
        id,
        projectId: 1,
        kpi,
        type: 'count',
        tagKey: `browser=${browser}`,
        tags: { browser },
        other: false,
        createdAt: 0,
      };
      out.push({ row, peak: peak * share });
    }
  }
  return out;
}

const delta = countDelta;

describe('the demo going live', () => {
  it('raises no alert in its first minutes when the shop sends each second once it is over', () => {
    const series = shopSeries();
    const rows = new Map(series.map((s) => [s.row.id, s.row]));
    const engine = createDetectionEngine({
      series: (id) => rows.get(id),
      getMeta: async () => undefined,
      setMeta: async () => undefined,
    });
    const alerts: EngineEvent[] = [];
    engine.onEvent((e) => {
      if (e.verdict.status === 'alert') alerts.push(e);
    });
    const u = seeded(11);
    // History per minute (pre-counted records stamped with the minute's start), older than 10 minutes.
    const history: BucketDelta[] = [];
    for (let m = HISTORY_END - DAYS * 86_400; m < HISTORY_END; m += 60) {
      for (const s of series) history.push(delta(s.row.id, m, poisson(s.peak * rhythm(m + 30) * 60, u), m * 1000));
    }
    engine.onCommit(history, GO_LIVE * 1000 - 1000);
    engine.tick(GO_LIVE * 1000 - 1000);
    // The catch-up: the last minutes per second, up to the second before going live, in one request.
    const catchUp: BucketDelta[] = [];
    for (let t = HISTORY_END; t < GO_LIVE; t++) {
      for (const s of series) {
        const n = poisson(s.peak * rhythm(t + 0.5), u);
        if (n > 0) catchUp.push(delta(s.row.id, t, n, t * 1000));
      }
    }
    engine.onCommit(catchUp, GO_LIVE * 1000);
    // Live: the shop tracks each second's events at .05 (stamped in ms), and its SDK, flushing once a
    // second, sends them at .01 of the next second; the server ticks at .00, .25, .50 and .75, so the
    // tick just before each batch arrives is the one that judges furthest into the second in flight.
    for (let t = GO_LIVE; t < GO_LIVE + LIVE_SECONDS; t++) {
      engine.tick((t + 1) * 1000);
      const batch: BucketDelta[] = [];
      for (const s of series) {
        const n = poisson(s.peak * rhythm(t), u);
        if (n > 0) batch.push(delta(s.row.id, t, n, (t + 0.05) * 1000));
      }
      engine.onCommit(batch, (t + 1.01) * 1000);
      for (let q = 1; q < 4; q++) engine.tick((t + 1 + q * 0.25) * 1000);
    }
    const seen = alerts.map((e) => {
      const v = e.verdict;
      return `${e.series.kpi} ${e.series.tags.browser} at ${(e.ts - GO_LIVE).toFixed(2)} s: ${v.status === 'alert' ? v.explanation : ''}`;
    });
    assert.deepEqual(seen, []);
  });
});
