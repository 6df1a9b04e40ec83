/** @module Tests of the backtest's choice of series kind: counted events versus readings in whole numbers. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { seededRandom } from '../kernel/index.js';
import { poissonDraw } from '../test-support/index.js';
import { inferKind } from './backtest.js';

describe('inferKind', () => {
  it('reads Poisson-like whole numbers as counts, even sparse or seasonal ones', () => {
    for (const rate of [0.5, 3, 40, 2000]) {
      const u = seededRandom(Math.round(rate * 10));
      const values = Array.from({ length: 3000 }, (_, i) => poissonDraw(rate * (1 + 0.5 * Math.sin(i / 50)), u, 50));
      assert.equal(inferKind(values), 'count', `rate ${rate}`);
    }
  });

  it('reads whole numbers that vary less than counts would as a gauge (a speed in mph)', () => {
    const u = seededRandom(7);
    let speed = 62;
    const values = Array.from({ length: 3000 }, () => {
      speed = Math.min(75, Math.max(50, speed + (u() < 0.2 ? (u() < 0.5 ? -1 : 1) : 0)));
      return speed;
    });
    assert.equal(inferKind(values), 'gauge');
  });

  it('reads fractions or negative numbers as a gauge, and all zeros as counts', () => {
    assert.equal(inferKind([1, 2.5, 3]), 'gauge');
    assert.equal(inferKind([1, -2, 3]), 'gauge');
    assert.equal(inferKind([0, 0, 0]), 'count');
    assert.equal(inferKind([]), 'count');
  });
});
