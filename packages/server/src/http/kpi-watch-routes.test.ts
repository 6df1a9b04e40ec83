/** @module Ratio KPIs, holidays and segment attribution over HTTP: declared, validated, queried, watched. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { createDetectionEngine } from '../detect/index.js';
import { createTestHeed } from '../test-support/index.js';

it('a ratio KPI declared by PUT is listed, queried as a series, and its fall opens an incident while both counts stay busy', async () => {
  let now = Date.UTC(2026, 0, 5, 8);
  const h = await createTestHeed({}, { now: () => now });
  try {
    const base = `/api/v1/projects/${h.project.id}`;
    const put = (url: string, json: unknown) => h.request({ method: 'PUT', url, headers: { authorization: `Bearer ${h.admin}` }, json });
    const bad = await put(`${base}/ratios/conversion`, { numerator: 'checkout' });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().error.code, 'request.invalid_body');
    assert.match(bad.json().error.message, /`denominator` must name a counted KPI/);
    assert.equal((await put(`${base}/ratios/conversion`, { numerator: 'cart', denominator: 'cart' })).statusCode, 400);
    assert.equal((await put(`${base}/ratios/bad name`, { numerator: 'checkout', denominator: 'cart' })).statusCode, 400);
    const created = await put(`${base}/ratios/conversion`, {
      numerator: 'checkout',
      denominator: 'cart',
      description: 'carts that check out',
    });
    assert.equal(created.statusCode, 201);
    assert.equal(created.json().expected, null);
    // Two hours at 60 carts and 30 checkouts a minute, then 20 minutes at 60 carts and 9 checkouts: busy, but converting less.
    for (let m = 0; m < 140; m++) {
      const events = [
        { name: 'cart', ts: now, count: 60 },
        { name: 'checkout', ts: now, count: m < 120 ? 30 : 9 },
      ];
      assert.equal((await h.send(events)).statusCode, 200);
      now += 60_000;
    }
    const incidents = (await h.get(`${base}/incidents`)).json().incidents as Array<{
      title: string;
      alerts: Array<{ key: string; explanation: string }>;
    }>;
    assert.equal(incidents.length, 1);
    assert.equal(incidents[0]?.alerts[0]?.key, 'ratio:conversion');
    assert.equal(incidents[0]?.title, 'conversion (checkout / cart) fell');
    assert.match(
      incidents[0]?.alerts[0]?.explanation ?? '',
      /^conversion \(checkout \/ cart\) fell to \d+% \(expected ~50%\): \d+ checkout for \d+ cart in the last \d+ min/,
    );
    const listed = (await h.get(`${base}/ratios`)).json().ratios;
    assert.deepEqual(
      listed.map((r: { name: string; alerting: boolean }) => [r.name, r.alerting]),
      [['conversion', true]],
    );
    const from = new Date(now - 140 * 60_000).toISOString();
    const series = (await h.get(`${base}/ratios/conversion/series?from=${from}&step=1h`)).json();
    assert.equal(series.points[0][1], 0.5);
    assert.deepEqual(series.points[0].slice(2), [1800, 3600]);
    assert.equal(series.points[2][1], 0.15);
    assert.equal((await h.get(`${base}/ratios/nothing/series`)).statusCode, 404);
    const del = await h.request({ method: 'DELETE', url: `${base}/ratios/conversion`, headers: { authorization: `Bearer ${h.admin}` } });
    assert.equal(del.statusCode, 200);
    assert.deepEqual((await h.get(`${base}/ratios`)).json().ratios, []);
  } finally {
    await h.close();
  }
});

it('holidays are set by PUT or declared in the monitors file, and bad lists get a 400 that says what to fix', async () => {
  const h = await createTestHeed();
  try {
    const base = `/api/v1/projects/${h.project.id}`;
    const call = (method: 'PUT' | 'POST', url: string, json: unknown) =>
      h.request({ method, url, headers: { authorization: `Bearer ${h.admin}` }, json });
    assert.deepEqual((await h.get(`${base}/holidays`)).json(), { api: null, declared: null, ranges: [] });
    const bad = await call('PUT', `${base}/holidays`, { dates: ['2026-13-01'] });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.json().error.message, /YYYY-MM-DD/);
    assert.equal((await call('PUT', `${base}/holidays`, { dates: ['2026-12-25'], timeZone: 'Nowhere/City' })).statusCode, 400);
    const ok = await call('PUT', `${base}/holidays`, { dates: ['2026-12-25'], timeZone: 'America/New_York' });
    assert.equal(ok.statusCode, 200);
    assert.deepEqual(ok.json().ranges, [[Date.UTC(2026, 11, 25, 5) / 1000, Date.UTC(2026, 11, 26, 5) / 1000]]);
    // Detection takes them as options of every KPI of the project.
    const opts = h.built.services.monitors.optionsFor({
      id: 1,
      projectId: h.project.id,
      kpi: 'x',
      type: 'count',
      tagKey: '',
      tags: {},
      other: false,
      createdAt: 0,
    });
    assert.deepEqual(opts.holidays, ok.json().ranges);

    const monitors = { holidays: { dates: ['2026-01-01'] }, ratios: { conversion: { numerator: 'checkout', denominator: 'cart' } } };
    assert.equal((await call('POST', `${base}/monitors`, { monitors })).statusCode, 200);
    const both = (await h.get(`${base}/holidays`)).json();
    assert.deepEqual(both.declared, { dates: ['2026-01-01'], timeZone: 'UTC' });
    assert.equal(both.ranges.length, 2);
    assert.equal((await h.get(`${base}/ratios`)).json().ratios[0]?.numerator, 'checkout');
    const invalid = await call('POST', `${base}/monitors`, { monitors: { holidays: { dates: ['tomorrow'] } } });
    assert.equal(invalid.statusCode, 400);
    assert.match(invalid.json().error.message, /holidays: 'tomorrow' is not a date/);
    // An empty list clears the API's holidays; the file's stay.
    assert.equal((await call('PUT', `${base}/holidays`, { dates: [] })).json().ranges.length, 1);
  } finally {
    await h.close();
  }
});

it('attribution over HTTP ranks the segments the live engine watched, and refuses windows it cannot know', async () => {
  const T0 = Date.UTC(2026, 0, 5, 8) / 1000;
  const now = (T0 + 7300) * 1000;
  const h = await createTestHeed({}, { now: () => now });
  try {
    const base = `/api/v1/projects/${h.project.id}`;
    assert.equal((await h.get(`${base}/kpis/checkout/attribution`)).statusCode, 404);
    const browsers = ['Safari', 'Chrome', 'Firefox'];
    assert.equal((await h.send(browsers.map((b) => ({ name: 'checkout', ts: T0 * 1000, tags: { browser: b } })))).statusCode, 200);
    const rows = h.built.services.registry.ofKpi(h.project.id, 'checkout');
    // A live engine of its own, driven second by second: Safari stops after two hours.
    const engine = createDetectionEngine({
      series: (id) => h.built.services.registry.get(id),
      getMeta: async () => undefined,
      setMeta: async () => {},
      optionsFor: () => ({ warmupHours: 1 }),
    });
    for (let s = 0; s < 7300; s++) {
      const deltas = rows
        .filter((r) => s < 7200 || r.tags.browser !== 'Safari')
        .map((r) => ({ seriesId: r.id, ts: T0 + s, count: 5, sum: 5, min: 1, max: 1, last: 1, lastTs: (T0 + s) * 1000 }));
      engine.onCommit(deltas, (T0 + s + 1) * 1000);
      engine.tick((T0 + s + 1) * 1000);
    }
    h.built.services.detection = engine;
    const from = new Date((T0 + 7200) * 1000).toISOString();
    const r = await h.get(`${base}/kpis/checkout/attribution?from=${from}&to=${new Date((T0 + 7290) * 1000).toISOString()}`);
    assert.equal(r.statusCode, 200);
    assert.equal(r.json().verdict, 'segment');
    assert.deepEqual([r.json().segments[0].value, r.json().segments[0].observed], ['Safari', 0]);
    assert.match(r.json().summary, /^browser=Safari: -100% \(expected ~450, saw 0\)/);
    const old = await h.get(`${base}/kpis/checkout/attribution?from=${new Date(T0 * 1000).toISOString()}`);
    assert.equal(old.statusCode, 400);
    assert.match(old.json().error.message, /within the last 60 minutes/);
  } finally {
    await h.close();
  }
});
