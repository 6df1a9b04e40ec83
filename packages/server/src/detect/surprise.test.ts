/** @module Tests of the anomaly score: calm on noise, high at a jump, repeats suppressed, read against the series' record. */
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

  it('is news again at the next incident once the first is over, however soon', () => {
    const z = normals(5);
    const st = restingSurprise();
    for (let i = 0; i < 3000; i++) surprise(st, Math.abs(z()), 100 + z());
    const incident = () => Array.from({ length: 15 }, () => surprise(st, 5 + z(), 100 + z()));
    // An onset is a point at or past suppressAbove; the rise before it may come close, the repeats after it score 0.
    const onsetScore = SURPRISE_TUNING.suppressAbove / (SURPRISE_TUNING.suppressAbove + 5);
    const onsets = (xs: number[]) => xs.filter((s) => s >= onsetScore).length;
    const first = incident();
    assert.equal(onsets(first), 1, `one onset: ${first}`);
    assert.ok(
      first.slice(first.findIndex((s) => s >= onsetScore) + 1).every((s) => s === 0),
      `repeats suppressed: ${first}`,
    );
    // Sixty calm points (fewer than the fixed 100 of old): the short mean falls back below the long one.
    const calm = Array.from({ length: 60 }, () => surprise(st, Math.abs(z()), 100 + z()));
    assert.equal(st[6], 0, 'no longer suppressing');
    assert.ok(calm.every((s) => s < 0.3));
    const second = incident();
    assert.equal(onsets(second), 1, `the second incident has its onset too: ${second}`);
    // An onset is ranked by its own residual: above the plain level it crossed.
    const level = SURPRISE_TUNING.suppressAbove;
    assert.ok(Math.max(...second) > level / (level + 5));
  });

  it('reads a level against how often the series has reached it before', () => {
    const z = normals(3);
    const calm = restingSurprise();
    for (let i = 0; i < 4000; i++) surprise(calm, z(), 10);
    // The same statistics, but a record (state[8..11]: crossings of levels 1..4 per point) of a
    // series that has climbed past 2 every 100 points or so.
    const bursty = [...calm.slice(0, 8), 0.03, 1 / 100, 1 / 300, 1 / 1000, ...calm.slice(12)];
    // News is an onset: the first point at -log10 p >= suppressAbove (then its repeats are suppressed).
    const news = SURPRISE_TUNING.suppressAbove / (SURPRISE_TUNING.suppressAbove + 5);
    const calmScores = Array.from({ length: 8 }, () => surprise(calm, 3.5, 10));
    const burstyScores = Array.from({ length: 8 }, () => surprise(bursty, 3.5, 10));
    const first = calmScores.findIndex((s) => s >= news);
    assert.ok(first >= 0, `a surge on a calm series is news: ${calmScores}`);
    assert.ok((burstyScores[first] ?? 1) < news, `not yet on a bursty one: ${burstyScores}`);
    assert.ok(
      burstyScores.some((s) => s >= news),
      `a longer surge is news there too: ${burstyScores}`,
    );
    // A new extreme is news however bursty the series (once calm points have ended the suppression).
    for (let i = 0; i < 100; i++) surprise(bursty, 0.5, 10);
    assert.ok(surprise(bursty, 0.5, 1000) >= 6 / 11 - 1e-12);
  });

  it('scores a new noise regime in the steps even when the residual stays calm', () => {
    const z = normals(6);
    // The same residuals throughout (a baseline that follows the reading); only the reading's steps change.
    const run = (noisyFrom: number) => {
      const st = restingSurprise();
      const scores: number[] = [];
      for (let i = 0; i < 3040; i++) {
        // Two early readings far out set the range, so the noisy readings are no new extremes.
        const x = i === 1 ? 0 : i === 2 ? 200 : 100 + (i >= noisyFrom ? 8 : 1) * z();
        scores.push(surprise(st, Math.abs(z()), x));
      }
      return scores.slice(3000);
    };
    const level = SURPRISE_TUNING.suppressAbove;
    const onsetScore = level / (level + 5);
    const calm = run(Number.POSITIVE_INFINITY);
    const noisy = run(3000);
    assert.ok(Math.max(...calm) < onsetScore, `calm steps: ${calm}`);
    assert.ok(
      noisy.some((s) => s >= onsetScore),
      `steps eight times larger are news: ${noisy}`,
    );
  });

  it('does not take the way back after a spike for an onset: a point that is itself ordinary scores 0', () => {
    const z = normals(9);
    const st = restingSurprise();
    // Two early readings far out set the range, so the spike is no new extreme.
    for (let i = 0; i < 3000; i++) surprise(st, Math.abs(z()), i === 1 ? 0 : i === 2 ? 200 : 100 + z());
    const spike = surprise(st, 6, 130);
    const onset = SURPRISE_TUNING.suppressAbove / (SURPRISE_TUNING.suppressAbove + 5);
    assert.ok(spike < onset, `one point off is not yet an onset here: ${spike}`);
    // Back to 100 with a calm residual: two large steps in the short window, but the point itself is ordinary.
    const back = surprise(st, 0.1, 100);
    assert.equal(back, 0, 'the step back scores 0');
    assert.equal(st[6], 0, 'and starts no suppression: a real onset after it is still news');
  });

  it('warms up again from a state saved before the step statistics existed, without false onsets', () => {
    const z = normals(7);
    const st = restingSurprise();
    for (let i = 0; i < 3000; i++) surprise(st, Math.abs(z()), 100 + 10 * z());
    const old = st.slice(0, 12);
    const scores = Array.from({ length: 500 }, () => surprise(old, Math.abs(z()), 100 + 10 * z()));
    assert.equal(old.length, restingSurprise().length);
    const level = SURPRISE_TUNING.suppressAbove;
    const onsetScore = level / (level + 5);
    const high = scores.filter((s) => s >= onsetScore).length;
    assert.equal(high, 0, `onsets on calm data after the upgrade: ${high}`);
    // And the score still works: a jump is news.
    const jump = Array.from({ length: 5 }, () => surprise(old, 8 + z(), 130 + z()));
    assert.ok(
      jump.some((s) => s >= onsetScore),
      `a jump after the upgrade: ${jump}`,
    );
  });

  it('scores a stay in values the series seldom takes, which the residual and the steps miss', () => {
    const z = normals(6);
    const u = () => 0.5 + Math.atan(z()) / Math.PI; // uniform enough on (0, 1)
    const st = restingSurprise();
    // Readings spread over 0..90, and 1 in 100 between 90 and 100; the residual stays calm throughout.
    for (let i = 0; i < 4000; i++) surprise(st, Math.abs(z()), i % 100 === 0 ? 90 + 10 * u() : 90 * u());
    const onset = SURPRISE_TUNING.suppressAbove / (SURPRISE_TUNING.suppressAbove + 5);
    const common = Array.from({ length: 60 }, () => surprise(st, Math.abs(z()), 90 * u()));
    assert.ok(Math.max(...common) < onset, `common readings stay calm: ${Math.max(...common)}`);
    // Sixty readings in the rare top tenth, with small steps and a calm residual.
    const rare = Array.from({ length: 60 }, () => surprise(st, Math.abs(z()), 90 + 10 * u()));
    assert.ok(Math.max(...rare) >= onset, `a stay in rare values is an onset: ${Math.max(...rare)}`);
    // A state saved before the histogram existed carries on.
    const old = st.slice(0, 17);
    for (let i = 0; i < 50; i++) assert.ok(Number.isFinite(surprise(old, Math.abs(z()), 90 * u())));
    assert.equal(old.length, st.length);
  });

  it('carries on from a state saved before the record of crossings existed', () => {
    const z = normals(4);
    const st = restingSurprise();
    for (let i = 0; i < 500; i++) surprise(st, Math.abs(z()), 10 + z());
    const old = st.slice(0, 7);
    for (let i = 0; i < 50; i++) assert.ok(Number.isFinite(surprise(old, Math.abs(z()), 10 + z())));
    assert.ok(old.every(Number.isFinite) && !JSON.stringify(old).includes('null'), JSON.stringify(old));
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
