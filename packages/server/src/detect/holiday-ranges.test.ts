/** @module Tests of the holiday lookup against a plain scan, over random, overlapping and touching ranges. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { holidayLookup } from './holiday-ranges.js';

describe('holiday lookup', () => {
  it('answers as a scan of every range does, for ranges in any order, overlapping, touching or empty', () => {
    let seed = 7;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return Math.floor((seed / 2147483648) * n);
    };
    for (let trial = 0; trial < 50; trial++) {
      const ranges: Array<[number, number]> = Array.from({ length: rnd(30) }, () => {
        const a = rnd(1000);
        return [a, a + rnd(60) - 5];
      });
      const on = holidayLookup(ranges);
      for (let ts = -10; ts < 1100; ts += 0.5) {
        const scan = ranges.some(([a, b]) => ts >= a && ts < b);
        assert.equal(on(ts), scan, `ts ${ts} in ${JSON.stringify(ranges)}`);
      }
    }
    assert.equal(holidayLookup([])(5), false);
    assert.equal(holidayLookup([[0, 10]])(Number.NaN), false);
  });
});
