/** @module The contribution ring: sums per second for two minutes, per minute for the hour, and finds an onset. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { CONTRIBUTION_MEMORY_SECONDS, createContributionRing, pack16, unpack16 } from './contribution-ring.js';

it('sums what it saw and expected, forgets what is older than its memory, and finds where a drop began', () => {
  const r = createContributionRing();
  const T = 1_800_000_000;
  // An hour and a half at 5 a second expected and seen; then 20 s at 0, preceded by one chance low second.
  for (let s = 0; s < 5400; s++) r.add(T + s + 1, 1, s === 5399 ? 4 : 5, 5);
  for (let s = 5400; s < 5420; s++) r.add(T + s + 1, 1, 0, 5);
  const end = T + 5420;
  assert.deepEqual(r.sum(end - 20, end, end), { observed: 0, expected: 100 });
  assert.deepEqual(r.sum(end - 30, end, end), { observed: 49, expected: 150 });
  assert.deepEqual(r.sum(end - 119, end, end), { observed: 494, expected: 595 });
  // Per minute beyond two minutes: whole minutes (here 4800-5460 s), the last 20 s of them at 0.
  assert.deepEqual(r.sum(end - 600, end, end), { observed: 2999, expected: 3100 });
  assert.deepEqual(r.sum(end - 121, end, end), { observed: 599, expected: 700 });
  // Older than the hour: gone.
  assert.deepEqual(r.sum(T, T + 600, end), { observed: 0, expected: 0 });
  assert.equal(CONTRIBUTION_MEMORY_SECONDS, 3600);
  // The run began on the chance low; the drop itself began 20 s before the end.
  assert.equal(r.onset(end - 21, end, -1), end - 20);
  assert.equal(r.onset(end - 1000, end, -1), end - 1000);
});

it('forgets the seconds a gap skipped over, and sums the quarter-second points of one second before packing it', () => {
  const r = createContributionRing();
  const T = 1_800_000_000;
  for (let s = 0; s < 120; s++) r.add(T + s + 1, 1, 7, 7);
  // 200 s of nothing recorded, then quarter seconds of silence expected at 0.3 a second.
  for (let q = 1; q <= 40; q++) r.add(T + 320 + q / 4, 0.25, 0, 0.075);
  const end = T + 330;
  for (const back of [119, 10]) {
    const { observed, expected } = r.sum(end - back, end, end);
    assert.equal(observed, 0);
    // Ten seconds of 0.3 each, within the packing's 0.05%.
    assert.ok(Math.abs(expected / 3 - 1) <= 2 ** -11, String(expected));
  }
});

it('packs counts into 16 bits exactly to 2048 and within 0.05% beyond', () => {
  for (const x of [0, 1, 5, 49, 2048]) assert.equal(unpack16(pack16(x)), x);
  for (const x of [0.0167, 0.3, 2049, 123_456, 9.87e9]) assert.ok(Math.abs(unpack16(pack16(x)) / x - 1) <= 2 ** -11, String(x));
  assert.equal(unpack16(pack16(-3)), 0);
  assert.ok(unpack16(pack16(1e15)) > 1e11, 'beyond its range it saturates');
});
