/** KPI settings over HTTP: declared by `heed apply`, overridden by PUT, validated, cleared. */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { createTestHeed, type TestHeed } from '../test-support/index.js';

let h: TestHeed;
before(async () => {
  h = await createTestHeed();
});
after(() => h.close());

const call = (method: 'PUT' | 'POST', url: string, json: unknown) =>
  h.request({ method, url, headers: { authorization: `Bearer ${h.admin}` }, json });

it('declared settings apply, the API overrides them field by field, and {} clears the override', async () => {
  const base = `/api/v1/projects/${h.project.id}`;
  assert.deepEqual((await h.get(`${base}/kpis/checkout/settings`)).json().source, { direction: 'default', sensitivity: 'default' });
  const monitors = {
    kpis: { checkout: { kind: 'count', direction: 'drop', sensitivity: 0.2 }, cart: { sensitivity: 'high' } },
    funnels: { buy: { steps: ['cart', 'checkout'] } },
  };
  assert.equal((await call('POST', `${base}/monitors`, { monitors })).statusCode, 200);
  const declared = (await h.get(`${base}/kpis/checkout/settings`)).json();
  assert.equal(declared.direction, 'drop');
  assert.equal(declared.falseAlarmsPerWeek, 0.2);
  assert.equal(declared.source.direction, 'declaration');
  const cart = (await h.get(`${base}/kpis/cart/settings`)).json();
  assert.equal(cart.falseAlarmsPerWeek, 3);

  const put = await call('PUT', `${base}/kpis/checkout/settings`, { sensitivity: 'low' });
  assert.equal(put.statusCode, 200);
  assert.equal(put.json().direction, 'drop');
  assert.equal(put.json().falseAlarmsPerWeek, 0.1);
  assert.deepEqual(put.json().source, { direction: 'declaration', sensitivity: 'api' });

  const bad = await call('PUT', `${base}/kpis/checkout/settings`, { direction: 'down' });
  assert.equal(bad.statusCode, 400);
  assert.match(bad.json().error.message, /direction/);
  assert.equal((await call('PUT', `${base}/kpis/checkout/settings`, { sensitivity: 0 })).statusCode, 400);

  const cleared = (await call('PUT', `${base}/kpis/checkout/settings`, {})).json();
  assert.equal(cleared.override, null);
  assert.equal(cleared.falseAlarmsPerWeek, 0.2);

  const funnel = (await h.get(`${base}/funnels/buy`)).json();
  assert.deepEqual(funnel.conversions[0].live, { expected: null, alerting: false });
});

it('a declared funnel whose last step stops opens an incident through the alert engine, end to end', async () => {
  let now = Date.UTC(2026, 0, 5, 8);
  const e2e = await createTestHeed({}, { now: () => now });
  try {
    const base = `/api/v1/projects/${e2e.project.id}`;
    const monitors = { funnels: { checkout: { steps: ['checkout.started', 'checkout.completed'] } } };
    const applied = await e2e.request({
      method: 'POST',
      url: `${base}/monitors`,
      headers: { authorization: `Bearer ${e2e.admin}` },
      json: { monitors },
    });
    assert.equal(applied.statusCode, 200);
    // Two hours at 20 entries and 14 completions a minute, then twenty minutes with none completed.
    for (let m = 0; m < 140; m++) {
      const ts = now;
      const events: unknown[] = [{ name: 'checkout.started', ts, count: 20 }];
      if (m < 120) events.push({ name: 'checkout.completed', ts, count: 14 });
      assert.equal((await e2e.send(events)).statusCode, 200);
      now += 60_000;
    }
    const incidents = (await e2e.get(`${base}/incidents`)).json().incidents as Array<{
      title: string;
      alerts: Array<{ source: string; explanation: string }>;
    }>;
    assert.equal(incidents.length, 1);
    assert.equal(incidents[0]?.alerts[0]?.source, 'kpi');
    assert.match(
      incidents[0]?.alerts[0]?.explanation ?? '',
      /checkout\.started → checkout\.completed conversion fell to 0% \(expected ~70%\)/,
    );
    const status = (await e2e.get(`${base}/monitors/status`)).json().monitors as Array<{ section: string; state: string }>;
    assert.equal(status.find((l) => l.section === 'funnels')?.state, 'firing');
  } finally {
    await e2e.close();
  }
});
