/** @module The contribution ring: sums per second for five minutes, per minute for the hour, and finds an onset. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { CONTRIBUTION_MEMORY_SECONDS, createContributionRing } from './contribution-ring.js';

it('sums what it saw and expected, forgets what is older than its memory, and finds where a drop began', () => {
  const r = createContributionRing();
  const T = 1_800_000_000;
  // An hour and a half at 5 a second expected and seen; then 20 s at 0, preceded by one chance low second.
  for (let s = 0; s < 5400; s++) r.add(T + s + 1, 1, s === 5399 ? 4 : 5, 5);
  for (let s = 5400; s < 5420; s++) r.add(T + s + 1, 1, 0, 5);
  const end = T + 5420;
  assert.deepEqual(r.sum(end - 20, end, end), { observed: 0, expected: 100 });
  assert.deepEqual(r.sum(end - 30, end, end), { observed: 49, expected: 150 });
  // Per minute beyond five minutes: whole minutes (here 4800-5460 s), the last 20 s of them at 0.
  assert.deepEqual(r.sum(end - 600, end, end), { observed: 2999, expected: 3100 });
  // Older than the hour: gone.
  assert.deepEqual(r.sum(T, T + 600, end), { observed: 0, expected: 0 });
  assert.equal(CONTRIBUTION_MEMORY_SECONDS, 3600);
  // The run began on the chance low; the drop itself began 20 s before the end.
  assert.equal(r.onset(end - 21, end, -1), end - 20);
  assert.equal(r.onset(end - 1000, end, -1), end - 1000);
});
