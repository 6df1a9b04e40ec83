/** @module Segment attribution: one browser failing is named first; a fall everywhere is called broad. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { signalFromAnomaly } from '../alert/index.js';
import type { BucketDelta, SeriesRow } from '../store/index.js';
import { attributeSegments, createDetectionEngine, type EngineEvent } from './index.js';

const BROWSERS = ['Safari', 'Chrome', 'Firefox'];
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
const LEARNED = 7200;

/** A seeded uniform draw (mulberry32), so the traffic is the same on every run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Two hours of three browsers at ~6, ~4 and ~2 checkouts a second, then `broken` browsers send nothing. */
function run(broken: (browser: string) => boolean): EngineEvent[] {
  const engine = createDetectionEngine({
    series: (id) => ROWS[id - 1],
    getMeta: async () => undefined,
    setMeta: async () => {},
    optionsFor: () => ({ warmupHours: 1, label: 'checkouts' }),
  });
  const u = seeded(7);
  const alerts: EngineEvent[] = [];
  for (let s = 0; s < LEARNED + 120; s++) {
    const deltas: BucketDelta[] = [];
    ROWS.forEach((row, i) => {
      if (s >= LEARNED && broken(row.tags.browser as string)) return;
      const rate = [6, 4, 2][i] as number;
      // Poisson-ish: rate +- 1 with equal odds.
      const count = Math.max(0, rate + Math.round((u() - 0.5) * 2));
      if (count > 0) deltas.push({ seriesId: row.id, ts: T0 + s, count, sum: count, min: 1, max: 1, last: 1, lastTs: (T0 + s) * 1000 });
    });
    engine.onCommit(deltas, (T0 + s + 1) * 1000);
    alerts.push(...engine.tick((T0 + s + 1) * 1000).filter((e) => e.verdict.status === 'alert'));
  }
  return alerts;
}

describe('segment attribution', () => {
  it('names browser=Safari first when only Safari drops to zero, in the incident explanation', () => {
    const alerts = run((b) => b === 'Safari');
    assert.equal(alerts.length, 1, 'only the Safari series alerts');
    const a = alerts[0] as EngineEvent;
    assert.equal(a.series.tags.browser, 'Safari');
    assert.equal(a.attribution?.verdict, 'segment', JSON.stringify(a.attribution));
    assert.deepEqual([a.attribution?.segments[0]?.tag, a.attribution?.segments[0]?.value], ['browser', 'Safari']);
    assert.equal(a.attribution?.segments[0]?.change, -1);
    assert.ok(Math.abs(a.attribution?.segments[0]?.restChange ?? 1) < 0.2, 'the other browsers stay near their baselines');
    const explanation = signalFromAnomaly(a)?.explanation ?? '';
    assert.match(explanation, /Segments: browser=Safari: -100% \(expected ~\d+, saw 0\)/);
    assert.match(explanation, /other browser values normal/);
  });

  it('calls a fall of every browser broad, not one segment', () => {
    const alerts = run(() => true);
    assert.ok(alerts.length >= 1);
    for (const a of alerts) {
      assert.equal(a.attribution?.verdict, 'broad');
      assert.match(signalFromAnomaly(a)?.explanation ?? '', /Segments: broad, not one segment/);
    }
  });

  it('ranks by share of the deviation and leaves a KPI near its expectation unexplained', () => {
    const r = attributeSegments(0, 60, [
      { tags: { browser: 'Safari', country: 'FR' }, observed: 10, expected: 100 },
      { tags: { browser: 'Chrome', country: 'FR' }, observed: 195, expected: 200 },
      { tags: { browser: 'Chrome', country: 'US' }, observed: 302, expected: 300 },
    ]);
    assert.equal(r.verdict, 'segment');
    assert.equal(`${r.segments[0]?.tag}=${r.segments[0]?.value}`, 'browser=Safari');
    assert.ok((r.segments[0]?.share ?? 0) > 0.9);
    const calm = attributeSegments(0, 60, [
      { tags: { browser: 'Safari' }, observed: 101, expected: 100 },
      { tags: { browser: 'Chrome' }, observed: 199, expected: 200 },
    ]);
    assert.equal(calm.verdict, 'none');
  });
});

it('a KPI within its noise has nothing to attribute, even when one value wobbles most', () => {
  // The demo's shape: +4% in total (z 1.3), Edge +15% on 75 expected.
  const seg = (browser: string, observed: number, expected: number) => ({ tags: { browser }, observed, expected });
  const a = attributeSegments(0, 300, [
    seg('Chrome', 551, 529.6),
    seg('Safari', 240, 237.7),
    seg('Firefox', 118, 111.7),
    seg('Edge', 86, 74.6),
  ]);
  assert.equal(a.verdict, 'none', a.summary);
  // The same shape ten times busier is a real rise (z ~4), spread across values.
  const busy = attributeSegments(0, 300, [
    seg('Chrome', 5510, 5296),
    seg('Safari', 2400, 2377),
    seg('Firefox', 1180, 1117),
    seg('Edge', 860, 746),
  ]);
  assert.equal(busy.verdict, 'broad', busy.summary);
});
