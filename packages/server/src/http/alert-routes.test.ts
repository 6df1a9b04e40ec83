/** Alerts end to end through the API: a rule fires, the webhook receives the page, the signed link acknowledges, MTTx are reported. */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import { createTestHeed } from '../test-support/index.js';

const T0 = Date.UTC(2026, 10, 20, 12, 0, 0);

async function receiver() {
  const got: Array<Record<string, unknown>> = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      got.push(JSON.parse(body));
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  after(() => server.close());
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, got };
}

const until = async (cond: () => boolean) => {
  for (let i = 0; i < 250 && !cond(); i++) await new Promise((r) => setTimeout(r, 20));
  assert.ok(cond(), 'timed out');
};

describe('alert API', () => {
  it('rule → incident → webhook → signed-link ack → auto-resolve → report', { timeout: 30_000 }, async () => {
    let now = T0;
    const h = await createTestHeed({ 'alert.resolveAfterSeconds': 5 }, { now: () => now });
    const s = h.built.services;
    const hook = await receiver();
    const post = (path: string, json: unknown) =>
      h.request({ method: 'POST', url: `/api/v1/projects/${h.project.id}${path}`, headers: { authorization: `Bearer ${h.admin}` }, json });

    const ch = await post('/channels', { name: 'ops', kind: 'webhook', url: hook.url, secret: 'whsec_12345678' });
    assert.equal(ch.statusCode, 201, ch.body);
    assert.equal(ch.json().secret, '***');
    const rule = await post('/rules', { name: 'No checkouts', kpi: 'checkout', kind: 'absence', windowSeconds: 30, severity: 'critical' });
    assert.equal(rule.statusCode, 201, rule.body);
    assert.equal(
      (await post('/rules', { name: 'x', kpi: 'y', kind: 'threshold', windowSeconds: 10 })).json().error.code,
      'request.invalid_body',
    );
    await s.outbox.start();

    await h.send([{ name: 'checkout' }]);
    now += 10_000;
    s.rules.tick(now);
    assert.equal((await h.get(`/api/v1/projects/${h.project.id}/incidents`)).json().incidents.length, 0, 'still within the window');
    now += 25_000;
    s.rules.tick(now);
    await until(() => hook.got.length === 1);
    const page = hook.got[0] as { event: string; incident: { id: number; ackUrl: string; alerts: Array<{ explanation: string }> } };
    assert.equal(page.event, 'incident.triggered');
    assert.match(page.incident.alerts[0]?.explanation ?? '', /No checkout events in the last 30 s/);

    // The delivery is recorded on the incident right after the receiver answered.
    for (let i = 0; i < 100 && !(await s.alerts.get(page.incident.id))?.notifiedAt; i++) await new Promise((r) => setTimeout(r, 20));
    const link = new URL(page.incident.ackUrl);
    const view = await h.request({ method: 'GET', url: link.pathname + link.search });
    assert.equal(view.statusCode, 200);
    assert.match(view.body, /<form method="post">/);
    const forged = await h.request({ method: 'POST', url: `${link.pathname}?exp=${link.searchParams.get('exp')}&sig=AAAA` });
    assert.equal(forged.statusCode, 403);
    now += 60_000;
    const ack = await h.request({ method: 'POST', url: link.pathname + link.search });
    assert.equal(ack.statusCode, 200, ack.body);
    const inc = (await h.get(`/api/v1/projects/${h.project.id}/incidents/${page.incident.id}`)).json();
    assert.equal(inc.status, 'acknowledged');
    assert.equal(inc.acknowledgedBy, 'signed link');
    assert.ok(inc.notifiedAt >= inc.detectedAt);

    await h.send([{ name: 'checkout' }]);
    now += 1000;
    s.rules.tick(now);
    now += 6000;
    await s.alerts.tick();
    const done = (await h.get(`/api/v1/projects/${h.project.id}/incidents/${page.incident.id}`)).json();
    assert.equal(done.status, 'resolved');
    assert.deepEqual(
      done.timeline.map((e: { type: string }) => e.type),
      ['triggered', 'notified', 'acknowledged', 'recovering', 'resolved'],
    );
    await until(() => hook.got.length === 2);
    assert.equal((hook.got[1] as { event: string }).event, 'incident.resolved');

    const report = (await h.get(`/api/v1/projects/${h.project.id}/report?from=${T0 - 1000}`)).json();
    assert.equal(report.incidents, 1);
    assert.equal(report.mttd.n, 1);
    assert.equal(report.mttd.p50, 0, 'a rule knows its onset: the first second it had no data in the window');
    assert.equal(report.mtta.p50, 60);
    assert.ok(report.mttr.p50 >= 67 && report.mttr.p50 <= 68, String(report.mttr.p50));
    let outbox: Array<{ status: string; event: string }> = [];
    for (let i = 0; i < 100; i++) {
      outbox = (await h.get(`/api/v1/projects/${h.project.id}/outbox`)).json().outbox;
      if (outbox.every((o) => o.status === 'delivered')) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.deepEqual(
      outbox.map((o: { status: string; event: string }) => [o.status, o.event]),
      [
        ['delivered', 'incident.resolved'],
        ['delivered', 'incident.triggered'],
      ],
    );
    await s.outbox.stop();
    await h.close();
  });

  it('manages routes and silences, resolves by hand, and tests a channel', async () => {
    const h = await createTestHeed({}, { now: () => T0 });
    const hook = await receiver();
    const call = (method: 'POST' | 'GET' | 'DELETE', path: string, json?: unknown) =>
      h.request({ method, url: `/api/v1/projects/${h.project.id}${path}`, headers: { authorization: `Bearer ${h.admin}` }, json });
    const ch = (await call('POST', '/channels', { name: 'slack', kind: 'slack', url: `${hook.url}services/T0/B0/secret` })).json();
    assert.match(ch.url, /\/\*\*\*$/);
    const test = (await call('POST', `/channels/${ch.id}/test`)).json();
    assert.equal(test.delivered, true);
    assert.match(String((hook.got[0] as { text: string }).text), /Test notification/);
    const route = await call('POST', '/routes', {
      match: { severities: ['critical'] },
      channels: [ch.id],
      escalateAfterMinutes: 10,
      escalateTo: [ch.id],
    });
    assert.equal(route.statusCode, 201, route.body);
    assert.equal((await call('POST', '/routes', { channels: 'all' })).statusCode, 400);
    const sil = await call('POST', '/silences', {
      match: { subject: 'checkout' },
      endsAt: new Date(T0 + 3600_000).toISOString(),
      comment: 'maintenance',
    });
    assert.equal(sil.statusCode, 201, sil.body);
    assert.equal((await call('GET', '/silences')).json().silences.length, 1);
    assert.equal((await call('DELETE', `/silences/${sil.json().id}`)).statusCode, 200);
    assert.equal((await call('GET', '/silences')).json().silences.length, 0);
    await h.built.services.alerts.signal({
      projectId: h.project.id,
      key: 'kpi:1',
      source: 'kpi',
      firing: true,
      ts: T0,
      severity: 'warning',
      title: 'x',
      explanation: 'y',
      tags: {},
    });
    const r = await call('POST', '/incidents/1/resolve', { by: 'ana' });
    assert.equal(r.json().status, 'resolved');
    assert.equal(r.json().resolvedBy, 'ana');
    assert.equal((await call('GET', '/incidents?status=open')).json().incidents.length, 0);
    await h.close();
  });
});
