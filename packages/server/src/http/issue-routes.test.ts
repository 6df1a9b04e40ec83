import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { ErrorSignal } from '../issues/index.js';
import { createTestHeed, readFixture, type TestHeed } from '../test-support/index.js';

let now = Date.UTC(2026, 10, 26, 4, 40, 0);
const base = readFixture('sentry-browser-event.envelope').toString();

function envelope(id: string, ts: number, release: string): string {
  return base
    .replace(/109defe6d57a46cc85532f2c3cf0f064/g, id)
    .replace(/"timestamp":1795667717\.869/, `"timestamp":${ts / 1000}`)
    .replace(/"release":"shop@1\.2\.3"/g, `"release":"${release}"`);
}

const send = (h: TestHeed, body: string) =>
  h.request({ method: 'POST', url: `/api/${h.project.id}/envelope/?sentry_key=${h.project.key}`, payload: body });

it('resolve, regression in a new release, signals, the errors KPI, and the issue API answers', async () => {
  const h = await createTestHeed({}, { now: () => now });
  const signals: ErrorSignal[] = [];
  h.built.services.errors.onSignal((s) => signals.push(s));
  const p = `/api/v1/projects/${h.project.id}`;
  assert.equal((await send(h, envelope('a'.repeat(32), now - 5000, 'shop@1.0.0'))).statusCode, 200);
  assert.deepEqual(
    signals.map((s) => s.kind),
    ['issue.new'],
  );
  const id = signals[0]?.issueId as number;
  const patch = (body: unknown) =>
    h.request({ method: 'PATCH', url: `${p}/issues/${id}`, headers: { authorization: `Bearer ${h.admin}` }, json: body });
  assert.equal((await patch({ status: 'done' })).json().error.code, 'request.invalid_body');
  const resolved = await patch({ status: 'resolved' });
  assert.equal(resolved.json().status, 'resolved');
  assert.equal((await h.get(`${p}/issues`)).json().total, 0, 'resolved issues leave the default list');
  now += 60_000;
  assert.equal((await send(h, envelope('b'.repeat(32), now - 1000, 'shop@1.1.0'))).statusCode, 200);
  assert.deepEqual(
    signals.map((s) => [s.kind, s.release]),
    [
      ['issue.new', 'shop@1.0.0'],
      ['issue.regression', 'shop@1.1.0'],
    ],
  );
  const detail = (await h.get(`${p}/issues/${id}`)).json();
  assert.equal(detail.status, 'unresolved');
  assert.equal(detail.regressed, true);
  assert.equal(detail.regressedInRelease, 'shop@1.1.0');
  assert.equal(detail.events, 2);
  assert.deepEqual(
    detail.recentEvents.map((e: { eventId: string }) => e.eventId),
    ['b'.repeat(32), 'a'.repeat(32)],
  );
  assert.equal(detail.latestEvent.eventId, 'b'.repeat(32));
  assert.deepEqual(detail.breakdowns.release.map((r: { value: string; count: number }) => [r.value, r.count]).sort(), [
    ['shop@1.0.0', 1],
    ['shop@1.1.0', 1],
  ]);
  const list = (await h.get(`${p}/issues?release=shop@1.1.0&q=cart`)).json();
  assert.deepEqual(
    list.issues.map((i: { id: number }) => i.id),
    [id],
  );
  assert.equal((await h.get(`${p}/issues?sort=nope`)).json().error.code, 'request.invalid_param');
  assert.equal((await h.get(`${p}/error-events/${'a'.repeat(32)}`)).json().issueId, id);
  assert.equal((await h.get(`${p}/issues/${id}/events?limit=1`)).json().events.length, 1);
  assert.equal((await h.get(`${p}/issues/999`)).json().error.code, 'issue.not_found');
  assert.equal((await h.get(`${p}/issues/abc`)).json().error.code, 'issue.not_found');
  await h.built.services.errors.flush();
  await h.built.services.writer.flush();
  const kpis = (await h.get(`${p}/kpis`)).json().kpis as Array<{ name: string }>;
  assert.ok(
    kpis.some((k) => k.name === 'errors'),
    'error events feed the errors KPI that detection watches',
  );
  const q = (await h.get(`${p}/query?kpi=errors&from=-10m&step=1h`)).json();
  assert.equal(q.lines[0].total, 2);
  await h.close();
});
