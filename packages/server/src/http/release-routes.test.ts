/** Releases and monitors over HTTP: deploys, markers, an impact report on generated history, apply idempotence, status. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, it } from 'node:test';
import { createTestHeed, MONDAY, releaseSeries, type TestHeed } from '../test-support/index.js';

const DEPLOY_HOUR = 8 * 168 + 9;
const NOW = (MONDAY + (DEPLOY_HOUR + 6) * 3600) * 1000 + 60_000;
let h: TestHeed;

before(async () => {
  h = await createTestHeed({}, { now: () => NOW });
  // Nine weeks of hourly pre-counted records: signup rises 20% at the deploy, cart does not move.
  const signup = releaseSeries({ seed: 3, deployHour: DEPLOY_HOUR, effect: 1.2, weeks: 9, shape: 200, wander: 0.002 });
  const cart = releaseSeries({ seed: 4, deployHour: DEPLOY_HOUR, effect: 1, weeks: 9, shape: 200, wander: 0.002 });
  const events: unknown[] = [];
  for (let i = 0; i < DEPLOY_HOUR + 6; i++) {
    events.push({ name: 'signup', ts: (MONDAY + i * 3600) * 1000, count: signup.counts[i] });
    events.push({ name: 'cart', ts: (MONDAY + i * 3600) * 1000, count: cart.counts[i], tags: { plan: i % 2 ? 'pro' : 'free' } });
  }
  for (let i = 0; i < events.length; i += 5000) assert.equal((await h.send(events.slice(i, i + 5000))).statusCode, 200);
});
after(() => h.close());

const post = (url: string, json: unknown) => h.request({ method: 'POST', url, headers: { authorization: `Bearer ${h.admin}` }, json });

it('records a deploy, lists it as a marker, and reports its impact on every KPI', async () => {
  const bad = await post(`/api/v1/projects/${h.project.id}/releases`, { version: 'has spaces' });
  assert.equal(bad.statusCode, 400);
  assert.match(bad.json().error.message, /version/);
  const at = new Date((MONDAY + (DEPLOY_HOUR - 1) * 3600 + 1800) * 1000).toISOString();
  const res = await post(`/api/v1/projects/${h.project.id}/releases`, { version: 'shop@1.4.0', commit: 'abc123', at });
  assert.equal(res.statusCode, 201);
  const markers = (await h.get(`/api/v1/projects/${h.project.id}/deploys?from=-1d`)).json().deploys;
  assert.deepEqual(
    markers.map((d: { version: string }) => d.version),
    ['shop@1.4.0'],
  );
  const report = (await h.get(`/api/v1/projects/${h.project.id}/releases/${encodeURIComponent('shop@1.4.0')}/impact`)).json();
  assert.equal(report.window.hours, 6);
  const signup = report.kpis.find((k: { kpi: string }) => k.kpi === 'signup');
  const cart = report.kpis.find((k: { kpi: string }) => k.kpi === 'cart');
  assert.ok(signup.vsBaseline.low < 0.2 && signup.vsBaseline.high > 0.2 && signup.vsBaseline.effect > 0.1, signup.text);
  assert.ok(cart.vsBaseline.low < 0 && cart.vsBaseline.high > 0, cart.text);
  assert.match(report.summary, /shop@1.4.0, 6 h after deploy/);
  assert.deepEqual(report.errors.newIssues, []);
});

it('applies a monitors file idempotently and shows status', async () => {
  const monitors = JSON.parse(readFileSync(new URL('../../../../docs/heed.monitors.example.json', import.meta.url), 'utf8'));
  monitors.channels.ops.secret = 'a-long-secret';
  const url = `/api/v1/projects/${h.project.id}/monitors`;
  const plan = (await post(url, { monitors, dryRun: true })).json();
  assert.equal(plan.applied, false);
  assert.ok(plan.changes.length >= 9);
  const applied = (await post(url, { monitors })).json();
  assert.equal(applied.changes.length, plan.changes.length);
  assert.deepEqual((await post(url, { monitors, dryRun: false })).json().changes, []);
  assert.equal((await h.get(`/api/v1/projects/${h.project.id}/rules`)).json().rules.length, 2);
  // Checks and heartbeats from the file run in the checks room, as if added through its API.
  const names = async (what: string) =>
    (await h.get(`/api/v1/projects/${h.project.id}/${what}`))
      .json()
      [what].map((c: { name?: string; spec?: { name: string } }) => c.name ?? c.spec?.name);
  assert.deepEqual(await names('checks'), ['homepage']);
  assert.deepEqual(await names('heartbeats'), ['nightly-export']);
  monitors.rules['error-burst'].threshold = 200;
  delete monitors.heartbeats;
  const next = (await post(url, { monitors })).json().changes;
  assert.deepEqual(next.map((c: { op: string }) => c.op).sort(), ['delete', 'update']);
  assert.deepEqual(await names('heartbeats'), []);
  assert.deepEqual(await names('checks'), ['homepage']);
  const status = (await h.get(`${url}/status`)).json();
  assert.equal(status.monitors.find((m: { name: string }) => m.name === 'signup').state, 'ok');
  const funnel = (await h.get(`/api/v1/projects/${h.project.id}/funnels/purchase?from=-2h`)).json();
  assert.equal(funnel.conversions.length, 2);
  const invalid = await post(url, { monitors: { kpis: { signup: { direction: 'up' } }, routes: [{ channels: ['nope'] }] } });
  assert.equal(invalid.statusCode, 400);
  assert.equal(invalid.json().error.problems.length, 2);
});
