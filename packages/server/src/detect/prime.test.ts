/** @module Tests of primed states: a counted series judged from its first point at a rate known beforehand. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { poissonDraw, seeded } from '../test-support/index.js';
import { createDetector, primedState } from './index.js';

const T0 = 1_800_000_000;

it('a primed series alerts on a burst within seconds, where a fresh one is still warming up', () => {
  const det = createDetector({ kind: 'count', direction: 'spike', warmupHours: 6 });
  const primed = primedState(det, 2 / 60, T0);
  let fresh = det.init();
  let alertAt: number | undefined;
  for (let s = 1; s <= 60 && alertAt === undefined; s++) {
    const p = { ts: T0 + s, value: 1, dt: 1 };
    if (det.step(primed, p).verdict.status === 'alert') alertAt = s;
    const f = det.step(fresh, p);
    fresh = f.state;
    assert.equal(f.verdict.status, 'learning');
  }
  assert.ok(alertAt !== undefined && alertAt <= 20, `alert after ${alertAt} s of one event a second`);
});

it('a primed series raises nothing at its own rate', () => {
  const det = createDetector({ kind: 'count', direction: 'spike', warmupHours: 6 });
  const s = primedState(det, 2 / 60, T0);
  const rand = seeded(7);
  for (let i = 1; i <= 6 * 3600; i++) {
    const v = det.step(s, { ts: T0 + i, value: poissonDraw(2 / 60, rand), dt: 1 }).verdict;
    assert.notEqual(v.status, 'alert', `false alarm at ${i} s`);
  }
});
