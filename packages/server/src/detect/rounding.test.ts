/** @module Tests of the rounding of stored statistics: short decimals that survive JSON, at the precision asked. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fixed, sig } from './rounding.js';

describe('rounding', () => {
  it('keeps the significant digits asked for, and prints them as a short decimal', () => {
    assert.equal(sig(13.905856070188104, 6), 13.9059);
    assert.equal(sig(0.0094822134070415, 5), 0.0094822);
    assert.equal(sig(-1234567.891, 3), -1230000);
    assert.equal(sig(0, 6), 0);
    assert.equal(JSON.stringify(sig(0.1 + 0.2, 8)), '0.3');
    for (let i = 1; i < 2000; i++) {
      const v = (i * 7919.123457) / 10 ** (i % 13);
      const r = sig(v, 6);
      assert.ok(Math.abs(r - v) <= Math.abs(v) * 5e-6, `${v} -> ${r}`);
      assert.equal(r, Number(v.toPrecision(6)), `${v}`);
      assert.equal(JSON.parse(JSON.stringify(r)), r);
    }
  });

  it('rounds to decimal places', () => {
    assert.equal(fixed(0.6766429242821925, 6), 0.676643);
    assert.equal(JSON.stringify(fixed(-2.5e-7, 6)), '0');
    assert.equal(JSON.stringify(fixed(1.0000000001, 4)), '1');
  });
});
