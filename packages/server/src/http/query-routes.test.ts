import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createTestHeed } from '../test-support/index.js';

const NOW = Date.UTC(2026, 10, 20, 12, 0, 0);
const SEC = NOW / 1000;

async function shop() {
  let now = NOW;
  const h = await createTestHeed({}, { now: () => now });
  const ev = [];
  for (let m = 0; m < 10; m++) {
    for (let i = 0; i < 6; i++) ev.push({ name: 'checkout', ts: NOW - (10 - m) * 60_000 + i * 1000, tags: { browser: 'Chrome' } });
    // Safari stops buying in the last five minutes.
    if (m < 5)
      for (let i = 0; i < 3; i++) ev.push({ name: 'checkout', ts: NOW - (10 - m) * 60_000 + i * 1000, tags: { browser: 'Safari' } });
    ev.push({ name: 'checkout', ts: NOW - (10 - m) * 60_000, tags: { browser: 'Firefox' } });
    ev.push({ name: 'users.online', type: 'gauge', value: 100 + m, ts: NOW - (10 - m) * 60_000, tags: { region: 'eu' } });
    ev.push({ name: 'users.online', type: 'gauge', value: 50, ts: NOW - (10 - m) * 60_000, tags: { region: 'us' } });
  }
  const r = await h.send(ev);
  assert.equal(r.json().accepted, ev.length, r.body);
  return { h, setNow: (t: number) => (now = t) };
}

describe('query API', () => {
  it('lists KPIs and their series', async () => {
    const { h } = await shop();
    const kpis = (await h.get(`/api/v1/projects/${h.project.id}/kpis`)).json().kpis;
    assert.deepEqual(kpis, [
      { name: 'checkout', type: 'count', series: 3, folded: 0 },
      { name: 'users.online', type: 'gauge', series: 2, folded: 0 },
    ]);
    const series = (await h.get(`/api/v1/projects/${h.project.id}/kpis/checkout/series`)).json().series;
    assert.deepEqual(series.map((s: { tags: Record<string, string> }) => s.tags.browser).sort(), ['Chrome', 'Firefox', 'Safari']);
    await h.close();
  });

  it('answers values at a step with zeros where nothing happened', async () => {
    const { h } = await shop();
    const q = (await h.get(`/api/v1/projects/${h.project.id}/query?kpi=checkout&from=-12m&to=now&step=1m`)).json();
    assert.equal(q.step, 60);
    assert.equal(q.resolution, 60);
    assert.deepEqual(
      q.lines[0].points.map((p: [number, number]) => p[1]),
      [0, 0, 10, 10, 10, 10, 10, 7, 7, 7, 7, 7],
    );
    assert.equal(q.lines[0].total, 85);
    await h.close();
  });

  it('splits by a tag, ranks segments, keeps the top K and folds the rest', async () => {
    const { h } = await shop();
    const q = (await h.get(`/api/v1/projects/${h.project.id}/query?kpi=checkout&from=-10m&step=5m&split=browser`)).json();
    assert.deepEqual(
      q.lines.map((l: { segment: string; points: [number, number][] }) => [l.segment, l.points.map((p) => p[1])]),
      [
        ['Chrome', [30, 30]],
        ['Safari', [15, 0]],
        ['Firefox', [5, 5]],
      ],
    );
    const top = (await h.get(`/api/v1/projects/${h.project.id}/query?kpi=checkout&from=-10m&step=5m&split=browser&top=1`)).json();
    assert.deepEqual(
      top.lines.map((l: { segment: string; total: number }) => [l.segment, l.total]),
      [
        ['Chrome', 60],
        ['other', 25],
      ],
    );
    const seg = (await h.get(`/api/v1/projects/${h.project.id}/segments?kpi=checkout&by=browser&from=-5m`)).json();
    assert.deepEqual(
      seg.segments.map((s: { value: string }) => s.value),
      ['Chrome', 'Firefox', 'Safari'],
    );
    assert.equal(seg.segments[2].total, 0);
    await h.close();
  });

  it('filters by tags with where=', async () => {
    const { h } = await shop();
    const q = (await h.get(`/api/v1/projects/${h.project.id}/query?kpi=checkout&from=-10m&step=10m&where=browser:Safari`)).json();
    assert.equal(q.lines[0].total, 15);
    await h.close();
  });

  it('reads gauges as levels: last reading, summed across segments', async () => {
    const { h } = await shop();
    const q = (await h.get(`/api/v1/projects/${h.project.id}/query?kpi=users.online&from=-10m&step=1m`)).json();
    assert.equal(q.agg, 'last');
    assert.deepEqual(
      q.lines[0].points.slice(0, 3).map((p: [number, number]) => p[1]),
      [150, 151, 152],
    );
    assert.equal(q.lines[0].total, 159);
    const split = (await h.get(`/api/v1/projects/${h.project.id}/query?kpi=users.online&from=-2m&step=1m&split=region`)).json();
    assert.deepEqual(
      split.lines.map((l: { segment: string; total: number }) => [l.segment, l.total]),
      [
        ['eu', 109],
        ['us', 50],
      ],
    );
    await h.close();
  });

  it('picks a resolution from the range: seconds for minutes, minutes for days, hours beyond retention', async () => {
    const { h, setNow } = await shop();
    const short = (await h.get(`/api/v1/projects/${h.project.id}/query?kpi=checkout&from=-5m`)).json();
    assert.equal(short.resolution, 1);
    assert.equal(short.step, 1);
    assert.ok(short.lines[0].points.length <= 300);
    const day = (await h.get(`/api/v1/projects/${h.project.id}/query?kpi=checkout&from=-1d`)).json();
    assert.equal(day.resolution, 60);
    setNow(NOW + 3 * 86400_000);
    const old = (await h.get(`/api/v1/projects/${h.project.id}/query?kpi=checkout&from=${SEC - 3600}&to=${SEC}&step=60`)).json();
    // Per-second buckets are kept 48 h by default, so a range 3 days back reads the minute rollup.
    assert.equal(old.resolution, 60);
    assert.equal(old.lines[0].total, 85);
    await h.close();
  });

  it('drills down into raw events, newest first, filtered by KPI and tag', async () => {
    const { h } = await shop();
    const r = (await h.get(`/api/v1/projects/${h.project.id}/events?kpi=checkout&from=-10m&limit=5&where=browser:Safari`)).json();
    assert.equal(r.events.length, 5);
    assert.ok(r.events.every((e: { tags: { browser: string } }) => e.tags.browser === 'Safari'));
    assert.ok(r.events[0].ts >= r.events[4].ts);
    assert.equal(r.events[0].ts, NOW - 6 * 60_000 + 2000);
    await h.close();
  });

  it('validates query parameters', async () => {
    const { h } = await shop();
    for (const qs of [
      'kpi=checkout&agg=median',
      'kpi=checkout&step=0',
      'kpi=checkout&from=now&to=-1h',
      'kpi=checkout&top=0',
      'kpi=checkout&where=nocolon',
      'from=-1h',
    ]) {
      const r = await h.get(`/api/v1/projects/${h.project.id}/query?${qs}`);
      assert.equal(r.statusCode, 400, qs);
      assert.equal(r.json().error.code, 'request.invalid_param', qs);
    }
    await h.close();
  });
});
