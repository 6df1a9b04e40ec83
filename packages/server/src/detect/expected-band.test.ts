import assert from 'node:assert/strict';
import { it } from 'node:test';
import { expectedBand } from './expected-band.js';

const HOUR = 3600;
const START = 1_795_000_000 - (1_795_000_000 % 604_800);
/** Events per hour with a daily rhythm: 100 at night, 400 in the afternoon. */
const truth = (t: number) => 250 - 150 * Math.cos((2 * Math.PI * ((t % 86_400) - 4 * HOUR)) / 86_400);

let seed = 7;
const rand = () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
  return seed / 2 ** 31;
};
/** Poisson by inversion (means here are small enough). */
const poisson = (mu: number) => {
  let k = 0;
  let p = Math.exp(-mu);
  let s = p;
  const u = rand();
  while (u > s && k < 10 * mu + 50) {
    k++;
    p *= mu / k;
    s += p;
  }
  return k;
};

it('predicts a daily rhythm one step ahead, with a band that holds about 95% of the hours', () => {
  const hours = 21 * 24;
  const hourly = Array.from({ length: hours }, (_, i) => poisson(truth(START + i * HOUR)));
  const from = START + 14 * 86_400;
  const r = expectedBand({ kind: 'count', start: START, hourly, complete: hours, from, to: START + hours * HOUR, step: HOUR });
  assert.equal(r.points.length, 7 * 24);
  let inside = 0;
  let relErr = 0;
  for (const [ts, e, lo, hi] of r.points) {
    assert.ok(e !== null && lo !== null && hi !== null);
    const i = (ts - START) / HOUR;
    const x = hourly[i] as number;
    if (x >= lo && x <= hi) inside++;
    relErr += Math.abs(e - truth(ts)) / truth(ts);
  }
  assert.ok(relErr / r.points.length < 0.08, `mean relative error ${relErr / r.points.length}`);
  assert.ok(inside / r.points.length > 0.88, `coverage ${inside / r.points.length}`);
});

it('scales to the step, shows nothing before a day of history, and handles gauges', () => {
  const hourly = Array.from({ length: 72 }, (_, i) => truth(START + i * HOUR));
  const r = expectedBand({ kind: 'count', start: START, hourly, complete: 72, from: START, to: START + 72 * HOUR, step: 60 });
  assert.equal(r.points[0]?.[1], null, 'no band while learning');
  const last = r.points[r.points.length - 1];
  assert.ok(last && last[1] !== null && Math.abs(last[1] - truth(START + 71.9 * HOUR) / 60) < 1.5, `per-minute expectation ${last?.[1]}`);
  const gauge = expectedBand({
    kind: 'gauge',
    start: START,
    hourly: Array.from({ length: 72 }, (_, i) => (i % 5 === 0 ? null : 300 + (i % 3))),
    complete: 72,
    from: START + 48 * HOUR,
    to: START + 60 * HOUR,
    step: 1800,
  });
  for (const [, e, lo, hi] of gauge.points) {
    assert.ok(e !== null && lo !== null && hi !== null && lo < e && e < hi && Math.abs(e - 301) < 3, `gauge ${e} [${lo}, ${hi}]`);
  }
  const empty = expectedBand({ kind: 'count', start: START, hourly: [0, 0], complete: 2, from: START, to: START + HOUR, step: 600 });
  assert.deepEqual(
    empty.points.map((p) => p[1]),
    [null, null, null, null, null, null],
  );
});
