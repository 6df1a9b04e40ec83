/** @module Tests of the live engine: deltas in, silence noticed, alerts out, state saved and restored. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BucketDelta, SeriesRow } from '../store/index.js';
import { createDetectionEngine, type EngineEvent } from './index.js';

const ROW: SeriesRow = { id: 1, projectId: 1, kpi: 'checkouts', type: 'count', tagKey: '', tags: {}, other: false, createdAt: 0 };

function delta(ts: number, count: number): BucketDelta {
  return { seriesId: 1, ts, count, sum: count, min: 1, max: 1, last: 1, lastTs: ts * 1000 };
}

describe('detection engine', () => {
  it('notices a collapse from silence alone, and survives a restart through the store meta', async () => {
    const meta = new Map<string, string>();
    const deps = {
      series: (id: number) => (id === 1 ? ROW : undefined),
      getMeta: async (k: string) => meta.get(k),
      setMeta: async (k: string, v: string) => void meta.set(k, v),
      optionsFor: () => ({ warmupHours: 1 }),
    };
    const engine = createDetectionEngine(deps);
    const t0 = 1_704_067_200;
    // Two hours of 5 events a second, committed every second.
    for (let s = 0; s < 7200; s++) {
      engine.onCommit([delta(t0 + s, 4 + (s % 3))], (t0 + s + 3) * 1000);
      assert.deepEqual(engine.tick((t0 + s + 3) * 1000), []);
    }
    await engine.save();
    const restarted = createDetectionEngine(deps);
    assert.equal(await restarted.load(), 1);
    restarted.onCommit([delta(t0 + 7200, 5)], (t0 + 7203) * 1000);
    const events: EngineEvent[] = [];
    restarted.onEvent((e) => events.push(e));
    // Then nothing arrives: the ticker alone must raise the alert within a few seconds.
    for (let s = 7201; s < 7220 && events.length === 0; s++) restarted.tick((t0 + s + 3) * 1000);
    assert.equal(events.length, 1);
    const v = events[0]?.verdict;
    assert.ok(v?.status === 'alert' && v.direction === 'drop');
    assert.ok((events[0]?.ts ?? 0) - (t0 + 7201) <= 10, `alert after ${(events[0]?.ts ?? 0) - (t0 + 7201)} s`);
    assert.match(v?.status === 'alert' ? v.explanation : '', /checkouts/);
  });

  it('a catch-up sent in several batches is not judged as silence between them', () => {
    const engine = createDetectionEngine({
      series: (id: number) => (id === 1 ? ROW : undefined),
      getMeta: async () => undefined,
      setMeta: async () => undefined,
      optionsFor: () => ({ warmupHours: 1 }),
    });
    const events: EngineEvent[] = [];
    engine.onEvent((e) => events.push(e));
    const t0 = 1_704_067_200;
    for (let s = 0; s < 7200; s++) {
      engine.onCommit([delta(t0 + s, 4 + (s % 3))], (t0 + s + 3) * 1000);
      engine.tick((t0 + s + 3) * 1000);
    }
    assert.equal(events.length, 0);
    // The client was cut off for 5 minutes; it sends what it kept in three batches, 2 s apart,
    // and the engine ticks meanwhile, as the server does four times a second.
    const back = t0 + 7200 + 300;
    const batch = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => delta(from + i, 4 + ((from + i) % 3)));
    for (const [k, [from, to]] of [
      [t0 + 7200, t0 + 7300],
      [t0 + 7300, t0 + 7400],
      [t0 + 7400, back],
    ].entries()) {
      const now = (back + 2 * k) * 1000;
      engine.onCommit(batch(from as number, to as number), now);
      for (let q = 0; q < 8; q++) engine.tick(now + q * 250);
    }
    // Then live data again, second by second.
    for (let s = back; s < back + 30; s++) {
      engine.onCommit([delta(s, 5)], (s + 6) * 1000);
      engine.tick((s + 6) * 1000);
    }
    assert.deepEqual(
      events.map((e) => e.verdict.status),
      [],
      'the seconds still on their way were judged as a collapse',
    );
  });
});
