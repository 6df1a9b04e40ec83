/** @module Tests of one series' timeline: how late its data is learned to arrive, and what is judged when. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { countDelta } from '../test-support/index.js';
import { createTimeline, graceOf, intake, learnLag, replay } from './series-timeline.js';

const delta = (ts: number, count: number, lastTs: number) => countDelta(1, ts, count, lastTs);

describe('series timeline', () => {
  it('a client that sends each second once it is over: no second is judged before its events arrive', () => {
    const t = createTimeline(0);
    const t0 = 1_795_000_000;
    const points: Array<{ ts: number; value: number; dt: number }> = [];
    // Events happen at .05 of each second; the client's batch (once a second) arrives at .01 of the
    // next; the server judges four times a second, at .00, .25, .50 and .75.
    for (let s = t0; s < t0 + 120; s++) {
      const tick = (ms: number) => replay(t, true, (ms - graceOf(t, 250)) / 1000, ms, (ts, value, dt) => points.push({ ts, value, dt }));
      tick((s + 1) * 1000);
      const arrival = (s + 1.01) * 1000;
      const late = intake(t, delta(s, 3, (s + 0.05) * 1000), true, arrival);
      assert.ok(late !== undefined);
      learnLag(t, late, arrival);
      for (const q of [0.25, 0.5, 0.75]) tick((s + 1 + q) * 1000);
    }
    // Every second is judged once, whole, with its three events: none squeezed into the part of the
    // second left after silence was judged (three events in 250 ms look like a spike).
    const counted = points.filter((p) => p.value > 0);
    assert.ok(counted.length >= 110);
    assert.deepEqual(
      counted.filter((p) => p.dt !== 1 || p.value !== 3),
      [],
    );
    assert.deepEqual(
      points.filter((p) => p.value === 0),
      [],
      'no silence judged where events were on their way',
    );
    assert.ok(t.lag > 0.9, `learned lag ${t.lag} s: events arrive 0.96 s after they happen`);
  });

  it('events sent as they happen keep the least grace', () => {
    const t = createTimeline(0);
    const t0 = 1_795_000_000;
    for (let s = t0; s < t0 + 60; s++) {
      const at = (s + 0.4) * 1000;
      const late = intake(t, delta(s, 1, at - 5), true, at + 2);
      assert.ok(late !== undefined);
      learnLag(t, late, at + 2);
    }
    assert.equal(graceOf(t, 250), 250);
  });
});
