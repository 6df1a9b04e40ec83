/** @module Tests of error rate spikes: real Sentry envelopes in, the `errors` KPI per issue watched live, incidents out. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { createTestHeed, readFixture } from '../test-support/index.js';
import type { Incident } from './index.js';

const base = readFixture('sentry-browser-event.envelope').toString();
let seq = 0;

/** One browser error event at `ts` (ms); `value` names the error and the function that threw (its issue). */
function envelope(ts: number, value: string): string {
  const id = (++seq).toString(16).padStart(32, '0');
  return base
    .replace(/109defe6d57a46cc85532f2c3cf0f064/g, id)
    .replace(/"timestamp":1795667717\.869/, `"timestamp":${ts / 1000}`)
    .replace(/cart is empty/g, value)
    .replace(/validateCart/g, value.replace(/\W/g, '_'));
}

async function setup(start: number) {
  const clock = { now: start };
  const h = await createTestHeed({}, { now: () => clock.now });
  const send = async (value: string) => {
    const r = await h.request({
      method: 'POST',
      url: `/api/${h.project.id}/envelope/?sentry_key=${h.project.key}`,
      payload: envelope(clock.now - 100, value),
    });
    assert.equal(r.statusCode, 200);
  };
  /** Moves time on by `ms` and runs the judge, as the server's timer does. */
  const advance = async (ms: number) => {
    await h.built.services.errors.flush();
    await h.built.services.writer.flush();
    clock.now += ms;
    await h.built.judge(clock.now);
  };
  const incidents = async (): Promise<Incident[]> => (await h.get(`/api/v1/projects/${h.project.id}/incidents`)).json().incidents;
  return { h, clock, send, advance, incidents };
}

const rateAlerts = (incs: Incident[]) =>
  incs.flatMap((i) => i.alerts.filter((a) => a.key.startsWith('error:rate')).map((a) => ({ inc: i, a })));

it('a burst of a new issue opens an incident with the rate, which stays open while the burst lasts and resolves after', async () => {
  const { h, send, advance, incidents } = await setup(Date.UTC(2026, 10, 26, 9, 0, 0));
  // 40 events a minute (two every 3 s) for 5 minutes, of an issue never seen before.
  for (let step = 0; step < 100; step++) {
    await send('checkout exploded');
    await send('checkout exploded');
    await advance(3000);
    if (step < 20 || step % 10 !== 0) continue;
    // From the first minute on, and as long as the burst lasts: an open incident whose rate alert fires.
    const open = rateAlerts(await incidents()).filter(({ inc }) => inc.status !== 'resolved');
    assert.equal(open.length, 1, `after ${step * 3} s of burst: ${JSON.stringify(await incidents())}`);
    const { a, inc } = open[0] as (typeof open)[number];
    assert.equal(a.state, 'firing', `rate alert ${a.state} after ${step * 3} s of burst`);
    assert.equal(a.source, 'error');
    assert.match(a.title, /^Error rate spike: issue #\d+$/);
    assert.match(a.explanation, /^issue #\d+: expected ~[\d.]+ events in the last [\d.]+ (s|min), saw \d+ \(p/);
    assert.ok(
      inc.alerts.some((x) => x.key.startsWith('error:issue:')),
      'the new issue alert is in the same incident',
    );
  }
  const incidentId = rateAlerts(await incidents())[0]?.inc.id;
  // The burst stops: the rate calms, the alert recovers, and the incident resolves on its own.
  let quietFor = 0;
  for (; quietFor < 30 * 60_000; quietFor += 5000) {
    const inc = (await incidents()).find((i) => i.id === incidentId);
    if (inc?.status === 'resolved') break;
    await advance(5000);
  }
  const inc = (await incidents()).find((i) => i.id === incidentId) as Incident;
  assert.equal(inc.status, 'resolved', 'resolved once the burst stopped');
  assert.equal(inc.resolvedBy, 'auto');
  assert.ok(quietFor >= 60_000, `resolved ${quietFor / 1000} s after the burst: not before the hysteresis`);
  await h.close();
});

it('a steady low error rate raises no spike, and the new issue incident resolves', async () => {
  const { h, send, advance, incidents } = await setup(Date.UTC(2026, 10, 26, 12, 0, 0));
  // One event every 40 s for 30 minutes, of one issue; another issue every 2 minutes.
  for (let s = 0; s < 30 * 60; s += 5) {
    if (s % 40 === 0) await send('slow payment provider');
    if (s % 120 === 0) await send('image failed to load');
    await advance(5000);
  }
  const incs = await incidents();
  assert.ok(incs.length >= 1, 'the new issues were alerted');
  assert.deepEqual(rateAlerts(incs), [], 'no error rate spike');
  assert.ok(
    incs.every((i) => i.status === 'resolved'),
    'no incident is held open',
  );
  const kpis = (await h.get(`/api/v1/projects/${h.project.id}/kpis`)).json().kpis as Array<{ name: string; series: number }>;
  assert.equal(kpis.find((k) => k.name === 'errors')?.series, 1, 'the total');
  assert.equal(kpis.find((k) => k.name === 'errors.by_issue')?.series, 2, 'one series per issue');
  await h.close();
});

it('a regression after a long quiet starts from the fresh rate: its burst alerts, the issue calms down within minutes', async () => {
  const { h, clock, send, advance, incidents } = await setup(Date.UTC(2026, 9, 1, 9, 0, 0));
  const burst = async (seconds: number) => {
    for (let s = 0; s < seconds; s += 3) {
      await send('stock sync failed');
      await send('stock sync failed');
      await advance(3000);
    }
  };
  /** Quiet time (ms) until `done`, judging every 5 s; Infinity when it does not come within `limitMin`. */
  const until = async (done: (incs: Incident[]) => boolean, limitMin: number) => {
    for (let quiet = 0; quiet < limitMin * 60_000; quiet += 5000) {
      if (done(await incidents())) return quiet;
      await advance(5000);
    }
    return Number.POSITIVE_INFINITY;
  };
  const allResolved = (incs: Incident[]) => incs.every((i) => i.status === 'resolved');
  await burst(120);
  assert.ok((await until(allResolved, 20)) < Number.POSITIVE_INFINITY, 'the first burst calms down');
  const issue = (await h.get(`/api/v1/projects/${h.project.id}/issues`)).json().issues[0];
  const patch = await h.request({
    method: 'PATCH',
    url: `/api/v1/projects/${h.project.id}/issues/${issue.id}`,
    headers: { authorization: `Bearer ${h.admin}` },
    json: { status: 'resolved' },
  });
  assert.equal(patch.statusCode, 200);
  // Thirty quiet days: the series learns that the issue no longer happens.
  for (let hour = 0; hour < 30 * 24; hour++) await advance(3600_000);
  const before = (await incidents()).length;
  await burst(120);
  const open = rateAlerts(await incidents()).filter(({ inc }) => inc.status !== 'resolved');
  assert.ok(
    open.some(({ a }) => a.key.startsWith('error:rate:issue:') && a.state === 'firing'),
    'the regression burst is an error rate spike of its issue',
  );
  assert.ok((await incidents()).length > before, 'a new incident');
  // The issue's own rate recovers within minutes of the burst's end; the project's total, which
  // had expected almost nothing for a month, takes longer, and the incident resolves after both.
  const issueCalm = await until(
    (incs) => rateAlerts(incs).every(({ a }) => !a.key.startsWith('error:rate:issue:') || a.state !== 'firing'),
    20,
  );
  assert.ok(issueCalm < Number.POSITIVE_INFINITY, 'the regressed issue calms down within 20 min of the burst');
  assert.ok((await until(allResolved, 60)) < Number.POSITIVE_INFINITY, `the incident resolves within the hour (${clock.now})`);
  await h.close();
});

it('a declared holiday quiets business KPIs, not errors: a burst on that day still raises the rate alert', async () => {
  const { h, send, advance, incidents } = await setup(Date.UTC(2026, 11, 25, 9, 0, 0));
  const put = await h.request({
    method: 'PUT',
    url: `/api/v1/projects/${h.project.id}/holidays`,
    headers: { authorization: `Bearer ${h.admin}`, 'content-type': 'application/json' },
    payload: JSON.stringify({ dates: ['2026-12-25'], timeZone: 'UTC' }),
  });
  assert.equal(put.statusCode, 200, put.body);
  for (let step = 0; step < 30; step++) {
    await send('holiday crash');
    await send('holiday crash');
    await advance(3000);
  }
  const open = rateAlerts(await incidents()).filter(({ inc }) => inc.status !== 'resolved');
  assert.equal(open.length, 1, JSON.stringify(await incidents()));
  assert.equal(open[0]?.a.state, 'firing');
  await h.close();
});
