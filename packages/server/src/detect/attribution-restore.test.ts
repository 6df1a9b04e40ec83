/** @module Segment attribution survives a restart: the rings are saved with the states and restored at their times. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BucketDelta, SeriesRow } from '../store/index.js';
import { createDetectionEngine, type DetectionEngine, type SavedSeries } from './index.js';

const BROWSERS = ['Safari', 'Chrome', 'Firefox'];
const RATES = [6, 4, 2];
const ROWS: SeriesRow[] = BROWSERS.map((b, i) => ({
  id: i + 1,
  projectId: 1,
  kpi: 'checkout',
  type: 'count',
  tagKey: `browser=${b}`,
  tags: { browser: b },
  other: false,
  createdAt: 0,
}));
const T0 = 1_704_067_200;
/** Two hours learned, then Safari sends nothing for 90 s; the server stops one second after. */
const END = T0 + 7200 + 90;

function engineOn(meta: Map<string, string>): DetectionEngine {
  return createDetectionEngine({
    series: (id) => ROWS[id - 1],
    getMeta: async (k) => meta.get(k),
    setMeta: async (k, v) => void meta.set(k, v),
    optionsFor: () => ({ warmupHours: 1, label: 'checkouts' }),
  });
}

/** One second of traffic (`live` browsers), a little uneven, committed and judged a second later. */
function second(engine: DetectionEngine, s: number, live: (i: number) => boolean): void {
  const deltas: BucketDelta[] = [];
  ROWS.forEach((row, i) => {
    const count = (RATES[i] as number) + ((s * (i + 3)) % 3) - 1;
    if (live(i)) deltas.push({ seriesId: row.id, ts: s, count, sum: count, min: 1, max: 1, last: 1, lastTs: s * 1000 });
  });
  engine.onCommit(deltas, (s + 1) * 1000);
  engine.tick((s + 1) * 1000);
}

/** The engine after the learned hours and Safari's drop, judged up to END + 1, and its states saved. */
async function beforeRestart(meta: Map<string, string>): Promise<DetectionEngine> {
  const engine = engineOn(meta);
  for (let s = T0; s < END; s++) second(engine, s, (i) => s < END - 90 || i !== 0);
  engine.tick((END + 1) * 1000);
  await engine.save();
  return engine;
}

/** The last whole minute before the server stopped. */
const MINUTE = Math.floor(END / 60) * 60;
/** The windows asked after the drop: the last minute (per second) and 20 whole minutes (per minute). */
const windows = (e: DetectionEngine, now: number) => [
  e.attribution(1, 'checkout', END - 60, END, now),
  e.attribution(1, 'checkout', MINUTE - 1200, MINUTE, now),
];

describe('segment attribution across a restart', () => {
  it('a new engine on the same saved states attributes the past hour as the old one did', async () => {
    const meta = new Map<string, string>();
    const before = await beforeRestart(meta);
    const now = END + 1;
    const asked = windows(before, now);
    assert.equal(asked[0]?.verdict, 'segment', JSON.stringify(asked[0]));
    assert.equal(asked[0]?.segments[0]?.value, 'Safari');
    assert.equal(asked[1]?.segments[0]?.value, 'Safari');

    const after = engineOn(meta);
    assert.equal(await after.load(), 3);
    // At once, before any series sends again: the same answers, to the bit.
    assert.deepEqual(windows(after, now), asked);
    // Chrome and Firefox send again 20 s later; Safari still sends nothing (its ring answers untracked).
    for (let s = END + 20; s < END + 50; s++) second(after, s, (i) => i !== 0);
    assert.deepEqual(after.attribution(1, 'checkout', END - 60, END, END + 50), asked[0], 'each slot at its own time');
    assert.deepEqual(windows(after, END + 50)[1], asked[1]);
    // The restart itself is unknown to the rings, not a silence of every browser.
    assert.deepEqual(after.attribution(1, 'checkout', END + 2, END + 19, END + 50)?.total, { observed: 0, expected: 0, change: null });
    const resumed = after.attribution(1, 'checkout', END + 20, END + 50, END + 50);
    assert.ok(resumed && resumed.total.observed > 0 && resumed.verdict !== 'broad', JSON.stringify(resumed));
    // Saved again, Safari's untouched ring is kept and the others' carry on.
    await after.save();
    const again = engineOn(meta);
    await again.load();
    assert.deepEqual(again.attribution(1, 'checkout', END - 60, END, END + 50), asked[0]);
    assert.deepEqual(again.attribution(1, 'checkout', END + 20, END + 50, END + 50), resumed);
  });

  it('states saved before rings were still load: learned states kept, attribution from new rings', async () => {
    const meta = new Map<string, string>();
    await beforeRestart(meta);
    const raw = JSON.parse(meta.get('detect.states.v1') as string) as Record<string, SavedSeries>;
    assert.deepEqual(
      Object.values(raw).map((s) => typeof s.ring?.slots),
      ['string', 'string', 'string'],
      'every segment saved its ring',
    );
    for (const s of Object.values(raw)) delete s.ring;
    const old = new Map([['detect.states.v1', JSON.stringify(raw)]]);
    const after = engineOn(old);
    assert.equal(await after.load(), 3);
    // Tracked again at once (their silence is judged), with empty rings: nothing remembered, nothing made up.
    const empty = after.attribution(1, 'checkout', END - 60, END, END + 1);
    assert.deepEqual(empty?.total, { observed: 0, expected: 0, change: null }, JSON.stringify(empty));
    assert.equal(empty?.verdict, 'none');
    const alerts = [];
    for (let s = END + 1; s < END + 31; s++) {
      second(after, s, () => true);
      alerts.push(...after.tick((s + 1) * 1000).filter((e) => e.verdict.status === 'alert'));
    }
    assert.deepEqual(alerts, [], 'the learned states were restored: steady traffic raises nothing');
    const a = after.attribution(1, 'checkout', END + 10, END + 30, END + 31);
    assert.ok(a && a.total.observed > 200 && a.total.expected > 200, JSON.stringify(a));
  });
});
