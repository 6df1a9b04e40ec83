/**
 * @module Tests of a restart of the live engine: the downtime is unknown, not silence (no false
 * drop when data resumes, no burst when the downtime's data arrives late), and a series that never
 * sends again after the restart is still judged (its collapse is paged).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SeriesRow } from '../store/index.js';
import { countDelta, memoryEngineDeps } from '../test-support/index.js';
import { createDetectionEngine, type EngineEvent } from './index.js';

const ROW: SeriesRow = { id: 1, projectId: 1, kpi: 'checkouts', type: 'count', tagKey: '', tags: {}, other: false, createdAt: 0 };
const T0 = 1_704_067_200;
const delta = (ts: number, count: number) => countDelta(1, ts, count);
const rate = (s: number) => 4 + (s % 3);

/** An engine that learned two hours of 5 events a second, saved, and a fresh one loaded from its save. */
async function restarted() {
  const deps = memoryEngineDeps([ROW]);
  const first = createDetectionEngine(deps);
  for (let s = 0; s < 7200; s++) {
    first.onCommit([delta(T0 + s, rate(s))], (T0 + s + 1.5) * 1000);
    first.tick((T0 + s + 1.5) * 1000);
  }
  await first.save();
  const engine = createDetectionEngine(deps);
  assert.equal(await engine.load(), 1);
  const events: EngineEvent[] = [];
  engine.onEvent((e) => events.push(e));
  return { engine, events };
}

describe('detection engine across a restart', () => {
  for (const down of [5, 600]) {
    it(`data resuming after ${down} s down raises nothing: the downtime is not judged as silence`, async () => {
      const { engine, events } = await restarted();
      for (let s = 7200 + down; s < 7200 + down + 120; s++) {
        engine.onCommit([delta(T0 + s, rate(s))], (T0 + s + 1.5) * 1000);
        engine.tick((T0 + s + 1.5) * 1000);
      }
      assert.deepEqual(
        events.map((e) => e.verdict.status),
        [],
      );
    });
  }

  it('a series that never sends again after the restart is paged as a drop within seconds', async () => {
    const { engine, events } = await restarted();
    const back = 7200 + 60;
    for (let s = back; s < back + 60 && events.length === 0; s++) engine.tick((T0 + s + 0.25) * 1000);
    assert.equal(events.length, 1);
    const v = events[0]?.verdict;
    assert.ok(v?.status === 'alert' && v.direction === 'drop', JSON.stringify(v));
    const after = (events[0]?.ts ?? 0) - (T0 + back);
    assert.ok(after > 0 && after <= 10, `paged ${after} s after the restart`);
  });

  it("the downtime's data arriving late (a client's catch-up) is stored, not judged as a burst", async () => {
    const { engine, events } = await restarted();
    const back = 7200 + 120;
    for (let s = back; s < back + 120; s++) {
      const now = (T0 + s + 1.5) * 1000;
      // In the first seconds back, the client also sends the two minutes it held while Heed was down.
      const held = s < back + 4 ? Array.from({ length: 30 }, (_, i) => delta(T0 + 7200 + (s - back) * 30 + i, rate(i))) : [];
      engine.onCommit([...held, delta(T0 + s, rate(s))], now);
      engine.tick(now);
    }
    assert.deepEqual(
      events.map((e) => e.verdict.status),
      [],
    );
  });
});
