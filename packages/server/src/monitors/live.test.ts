/** Tests of live monitors: KPI direction and sensitivity reach detection, a change keeps the baseline, funnels alert. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Signal } from '../alert/index.js';
import { createDetectionEngine, type DetectionEngine, type EngineEvent } from '../detect/index.js';
import { type BucketDelta, createMemoryStore, createSeriesRegistry, type SeriesRow, type Storage } from '../store/index.js';
import { createLiveMonitors, type LiveMonitors } from './live.js';

const row = (id: number, kpi: string): SeriesRow => ({
  id,
  projectId: 1,
  kpi,
  type: 'count',
  tagKey: '',
  tags: {},
  other: false,
  createdAt: 0,
});
const ROWS = [row(1, 'checkout'), row(2, 'checkout.started'), row(3, 'checkout.completed')];
const T0 = 1_704_067_200;
const delta = (seriesId: number, ts: number, count: number): BucketDelta => ({
  seriesId,
  ts,
  count,
  sum: count,
  min: 1,
  max: 1,
  last: 1,
  lastTs: ts * 1000,
});

async function setup(docs: Array<[string, unknown]> = []): Promise<{ store: Storage; live: LiveMonitors; engine: DetectionEngine }> {
  const store = createMemoryStore();
  for (const [kind, body] of docs) await store.insertDoc(kind, 1, body, 0);
  const registry = createSeriesRegistry(ROWS, 100);
  const live = await createLiveMonitors({ store, registry });
  const engine = createDetectionEngine({
    series: (id) => registry.get(id),
    getMeta: (k) => store.getMeta(k),
    setMeta: (k, v) => store.setMeta(k, v),
    optionsFor: (r) => ({ warmupHours: 1, ...live.optionsFor(r) }),
  });
  live.onChange(() => engine.reconfigure());
  return { store, live, engine };
}

/** Plays seconds [from, to) of series 1 at count(s) per second; returns the alerts raised. */
function play(engine: DetectionEngine, from: number, to: number, count: (s: number) => number): EngineEvent[] {
  const out: EngineEvent[] = [];
  for (let s = from; s < to; s++) {
    const c = count(s);
    if (c > 0) engine.onCommit([delta(1, T0 + s, c)], (T0 + s + 1) * 1000);
    out.push(...engine.tick((T0 + s + 1) * 1000).filter((e) => e.verdict.status === 'alert'));
  }
  return out;
}
const normal = (s: number) => 4 + (s % 3);
const LEARNED = 7200;

it('a KPI declared `direction: drop` does not alert on a spike but does on a drop', async () => {
  const { engine } = await setup([['monitor.kpi', { name: 'checkout', kind: 'count', direction: 'drop', sensitivity: 'medium' }]]);
  assert.deepEqual(play(engine, 0, LEARNED, normal), []);
  assert.deepEqual(
    play(engine, LEARNED, LEARNED + 60, (s) => (s < LEARNED + 30 ? 25 : normal(s))),
    [],
  );
  const drop = play(engine, LEARNED + 60, LEARNED + 90, () => 0);
  assert.equal(drop.length, 1);
  assert.equal(drop[0]?.verdict.status === 'alert' && drop[0].verdict.direction, 'drop');
});

it('settings set through the API take effect at once and keep the learned baseline', async () => {
  const { live, engine } = await setup();
  const control = (await setup()).engine;
  assert.deepEqual(play(engine, 0, LEARNED, normal), []);
  assert.deepEqual(play(control, 0, LEARNED, normal), []);
  const spike = (s: number) => (s < LEARNED + 30 ? 25 : normal(s));
  const effective = await live.setSettings(1, 'checkout', { direction: 'drop' }, 0);
  assert.equal(effective.direction, 'drop');
  assert.equal(effective.source.direction, 'api');
  // The control, with the default (both directions), shows the spike is worth an alert.
  assert.equal(play(control, LEARNED, LEARNED + 60, spike).length, 1);
  assert.deepEqual(play(engine, LEARNED, LEARNED + 60, spike), []);
  // Learned before the change: a drop is judged at once, not after a new warm-up.
  assert.equal(play(engine, LEARNED + 60, LEARNED + 90, () => 0).length, 1);
  // `{}` clears the override: back to the kind's defaults.
  assert.equal((await live.setSettings(1, 'checkout', {}, 0)).source.direction, 'default');
});

it('a higher sensitivity alerts on a short gap that the default lets pass, on the same series', async () => {
  const gap = (s: number) => (s >= LEARNED && s < LEARNED + 3 ? 0 : normal(s));
  const results: Record<string, number> = {};
  for (const sensitivity of ['low', 'medium', 'high'] as const) {
    const { engine } = await setup([['monitor.kpi', { name: 'checkout', kind: 'count', direction: 'both', sensitivity }]]);
    play(engine, 0, LEARNED, normal);
    results[sensitivity] = play(engine, LEARNED, LEARNED + 60, gap).length;
  }
  assert.deepEqual(results, { low: 0, medium: 0, high: 1 });
});

it('watches a declared funnel from the commits and raises one kpi signal, then a recovery', async () => {
  const { live } = await setup([['funnel', { name: 'checkout', steps: ['checkout.started', 'checkout.completed'] }]]);
  const signals: Signal[] = [];
  live.onSignal((s) => signals.push(s));
  const start = Math.floor(T0 / 60);
  for (let m = 0; m < 300; m++) {
    const collapsed = m >= 240 && m < 260;
    for (let s = 0; s < 60; s += 10) {
      const ts = (start + m) * 60 + s;
      live.onCommit([delta(2, ts, 3), ...(collapsed ? [] : [delta(3, ts, s % 20 === 0 ? 3 : 2)])], (ts + 1) * 1000);
    }
  }
  assert.deepEqual(
    signals.map((s) => [s.firing, s.source, s.key]),
    [
      [true, 'kpi', 'funnel:checkout:checkout.started>checkout.completed'],
      [false, 'kpi', 'funnel:checkout:checkout.started>checkout.completed'],
    ],
  );
  assert.match(signals[0]?.explanation ?? '', /checkout\.started → checkout\.completed conversion fell to \d+% \(expected ~83%\)/);
  assert.equal(live.funnels(1)[0]?.alerting, false);
});
