/** @module The contribution ring: sums per second for two minutes, per minute for the hour, finds an onset, and is saved and restored. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import {
  CONTRIBUTION_MEMORY_SECONDS,
  type ContributionRing,
  createContributionRing,
  pack16,
  restoreContributionRing,
  unpack16,
} from './contribution-ring.js';

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

/** Every window a ring answers for at `now`, per second and per minute, and onsets: what a restored ring must repeat. */
function answers(r: ContributionRing, now: number): unknown[] {
  const out: unknown[] = [];
  for (const back of [1, 2, 5, 30, 119, 121, 300, 1800, 3599]) {
    out.push(r.sum(now - back, now, now), r.sum(now - back - 7, now - 3, now));
    if (back < 120) out.push(r.onset(now - back, now, -1), r.onset(now - back, now, 1));
  }
  return out;
}

/** An hour and a half of uneven traffic, 4 points a second at times; expected not whole, so unpacked sums would show. */
function fill(r: ContributionRing, from: number, to: number): void {
  for (let s = from; s < to; s++) {
    if (s % 3 === 0) for (let q = 1; q <= 4; q++) r.add(s + q / 4, 0.25, (s + q) % 4, 0.613 + (s % 7) / 10);
    else r.add(s + 1, 1, s % 5 === 0 ? 0 : 1 + (s % 9), 3.217 + (s % 11) / 3);
  }
}

it('saves in about 1 KB and restores every slot at its time: windows and onsets sum the same, to the bit', () => {
  const T = 1_800_000_000;
  assert.equal(createContributionRing().save(), undefined, 'a ring that saw nothing saves nothing');
  const r = createContributionRing();
  // Ends mid-second and mid-minute: the slots still being filled are saved at full precision.
  fill(r, T, T + 5400);
  r.add(T + 5400.5, 0.5, 3, 1.234567);
  const saved = r.save();
  assert.ok(saved);
  assert.equal(saved.newest, T + 5400);
  assert.equal(saved.slots.length, 1004, 'base64 of 360 16-bit slots and 4 64-bit sums');
  const back = restoreContributionRing(JSON.parse(JSON.stringify(saved)));
  assert.ok(back);
  const now = T + 5401;
  assert.deepEqual(answers(back, now), answers(r, now));
  assert.deepEqual(back.save(), saved);
  // Later, both go on from the same points: the restored ring fills the slot it was filling.
  for (const x of [r, back]) x.add(T + 5401, 0.5, 2, 0.5);
  assert.deepEqual(answers(back, now + 1), answers(r, now + 1));
});

it('a ring restored after a gap keeps its slots at their times and holds nothing for the seconds missed', () => {
  const T = 1_800_000_000;
  for (const gap of [0, 45, 119, 121, 200, 1500, 3599, 4000]) {
    const r = createContributionRing();
    fill(r, T, T + 3000);
    const end = T + 3000;
    const before = [r.sum(end - 60, end, end), r.sum(end - 600, end, end)];
    const back = restoreContributionRing(r.save() as NonNullable<ReturnType<ContributionRing['save']>>) as ContributionRing;
    // The restart: `gap` seconds with no point, then 10 s at 2 a second, to the ring kept and the one restored alike.
    for (const x of [r, back]) for (let s = 0; s < 10; s++) x.add(end + gap + s + 1, 1, 2, 2);
    const now = end + gap + 10;
    assert.deepEqual(answers(back, now), answers(r, now), `gap ${gap}`);
    assert.deepEqual(back.sum(end + gap, now, now), { observed: 20, expected: 20 }, `gap ${gap}`);
    // The seconds missed, per second while within two minutes, else the whole minutes within the gap.
    if (gap > 0 && gap + 10 < 120) assert.deepEqual(back.sum(end, end + gap, now), { observed: 0, expected: 0 }, `gap ${gap}`);
    const [m0, m1] = [Math.ceil(end / 60) * 60 + 60, Math.floor((end + gap) / 60) * 60];
    if (m1 > m0 && m0 > now - 3600) assert.deepEqual(back.sum(m0, m1, now), { observed: 0, expected: 0 }, `gap ${gap}`);
    // What was seen before the restart is still where it was, while the hour remembers it (the
    // slot being filled at the restart since packed, within 0.05%).
    const close = (a: { observed: number; expected: number }, b?: { observed: number; expected: number }) =>
      a.observed === b?.observed && Math.abs(a.expected / b.expected - 1) <= 2 ** -11;
    if (gap === 45) assert.ok(close(back.sum(end - 60, end, now), before[0]));
    if (gap <= 1500) assert.ok(close(back.sum(end - 600, end, now), before[1]), `gap ${gap}`);
    if (gap >= 3599) assert.deepEqual(back.sum(end - 600, end, now), { observed: 0, expected: 0 }, 'older than the hour: gone');
  }
});

it('a saved ring that is damaged or from another layout is refused, not read at wrong times', () => {
  const r = createContributionRing();
  r.add(1_800_000_001, 1, 5, 5);
  const saved = r.save() as NonNullable<ReturnType<ContributionRing['save']>>;
  assert.ok(restoreContributionRing(saved));
  for (const bad of [
    { ...saved, slots: saved.slots.slice(8) },
    { ...saved, newest: -1 },
    { ...saved, newest: 1.5 },
    { newest: saved.newest },
    null,
  ])
    assert.equal(restoreContributionRing(bad as never), undefined, JSON.stringify(bad));
});
