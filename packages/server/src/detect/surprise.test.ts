/** @module Tests of the anomaly score: calm on noise, high at a jump, repeats suppressed, one scale. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { restingSurprise, SURPRISE_TUNING, surprise } from './surprise.js';

/** Deterministic standard normals (an LCG through Box-Muller). */
function normals(seed: number): () => number {
  let a = seed >>> 0;
  const u = () => {
    a = (Math.imul(a, 1664525) + 1013904223) >>> 0;
    return (a + 0.5) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
}

describe('surprise', () => {
  it('stays low on noise, scores a jump high once, then suppresses the repeats', () => {
    const z = normals(1);
    const st = restingSurprise();
    const calm: number[] = [];
    for (let i = 0; i < 3000; i++) calm.push(surprise(st, z(), 100 + z()));
    const high = calm.slice(SURPRISE_TUNING.warmupPoints).filter((s) => s >= 0.5).length;
    assert.ok(high <= 3, `${high} calm points scored p <= 1e-5`);
    const jump: number[] = [];
    for (let i = 0; i < 50; i++) jump.push(surprise(st, 8 + z(), 120 + z()));
    const first = jump.findIndex((s) => s >= 0.5);
    assert.ok(first >= 0 && first <= 2, `jump first scored high at ${first}`);
    assert.ok(
      jump.slice(first + 1).every((s) => s === 0),
      'repeats are suppressed',
    );
  });

  it('gives a state that survives JSON and scores a new extreme', () => {
    const z = normals(2);
    const st = restingSurprise();
    for (let i = 0; i < 500; i++) surprise(st, Math.abs(z()), 10 + z());
    const copy = JSON.parse(JSON.stringify(st)) as number[];
    assert.deepEqual(copy, st);
    assert.ok(surprise(copy, 0.5, 1000) >= 6 / 11 - 1e-12, 'a reading far beyond the range seen scores at least p = 1e-6');
  });
});
