import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import type { Incident } from '../alert/index.js';
import { createTestHeed, type TestHeed } from '../test-support/index.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function waitFor<T>(what: string, get: () => T | undefined | Promise<T | undefined>, ms = 10_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await get();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

const servers: Server[] = [];
after(() => {
  for (const s of servers) {
    s.closeAllConnections();
    s.close();
  }
});
async function listen(handler: Parameters<typeof createServer>[1]): Promise<string> {
  const s = createServer(handler);
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
}

/** A webhook receiver that keeps every notification. */
async function receiver() {
  const hooks: Array<{ event: string; summary: string; incident: { id: number; probableCause?: { key: string; text: string } } }> = [];
  const url = await listen((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      hooks.push(JSON.parse(body));
      res.writeHead(200).end();
    });
  });
  return { hooks, url };
}

// biome-ignore lint/suspicious/noExplicitAny: JSON answers of the API under test
type Json = any;
type Api = (method: string, path: string, json?: unknown) => Promise<{ status: number; body: Json }>;

async function heed(resolveAfterSeconds = 1): Promise<TestHeed & { api: Api }> {
  const h = await createTestHeed({
    'alert.resolveAfterSeconds': resolveAfterSeconds,
    'alert.repeatMinutes': 0,
    'alert.reopenWindowMinutes': 0,
  });
  h.built.startTimers();
  const api = async (method: string, path: string, json?: unknown) => {
    const r = await h.request({
      method: method as 'GET',
      url: path,
      headers: { authorization: `Bearer ${h.admin}` },
      ...(json === undefined ? {} : { json }),
    });
    return { status: r.statusCode, body: r.json() };
  };
  return Object.assign(h, { api });
}

describe('checks and heartbeats through the API', () => {
  it('a cascade (errors, then the dependency check fails) pages once, names the check as first cause, and resolves', async () => {
    // The new-issue alert is momentary: it must not resolve before the check confirms the failure.
    const h = await heed(3);
    const p = `/api/v1/projects/${h.project.id}`;
    const hook = await receiver();
    await h.api('POST', `${p}/channels`, { name: 'hook', kind: 'webhook', url: hook.url });
    let failing = false;
    const dep = await listen((_req, res) => res.writeHead(failing ? 503 : 200).end('ok'));
    const added = await h.api('POST', `${p}/checks`, { name: 'payment provider', url: `${dep}/health`, intervalSeconds: 1 });
    assert.equal(added.status, 201, JSON.stringify(added.body));
    const id = added.body.id as number;
    await waitFor('first probe', async () => (await h.api('GET', `${p}/checks/${id}`)).body.status.state === 'up');

    failing = true;
    const failedAt = Date.now();
    await sleep(150);
    // The app's errors start while the provider fails: a new issue pages first.
    const env = `{}\n{"type":"event"}\n${JSON.stringify({ event_id: 'e'.repeat(32), level: 'error', exception: { values: [{ type: 'PaymentTimeout', value: 'provider did not answer' }] } })}`;
    const sent = await h.request({ method: 'POST', url: `/api/${h.project.id}/envelope/?sentry_key=${h.project.key}`, payload: env });
    assert.equal(sent.statusCode, 200);
    const inc = await waitFor('cause named', async () => {
      const list = (await h.api('GET', `${p}/incidents`)).body.incidents as Incident[];
      const i = list[0] && ((await h.api('GET', `${p}/incidents/${list[0].id}`)).body as Incident);
      return i?.probableCause ? i : undefined;
    });
    assert.ok(Date.now() - failedAt < 4000);
    assert.equal(inc.probableCause?.key, `check:${id}`);
    assert.match(inc.probableCause?.text ?? '', /payment provider is down \(a dependency.*preceded New error: PaymentTimeout/);
    assert.ok(inc.timeline.some((t) => t.type === 'cause' && /payment provider is down/.test(t.text)));
    assert.deepEqual(inc.alerts.map((a) => a.source).sort(), ['check', 'error']);

    failing = false;
    await waitFor('resolved', () => hook.hooks.find((x) => x.event === 'incident.resolved'));
    const all = (await h.api('GET', `${p}/incidents`)).body.incidents as Incident[];
    assert.equal(all.length, 1, 'one incident for the cascade');
    assert.deepEqual(
      hook.hooks.map((x) => x.event),
      ['incident.triggered', 'incident.resolved'],
      'paged once, resolved once',
    );
    const resolved = hook.hooks[1];
    assert.equal(resolved?.incident.probableCause?.key, `check:${id}`);
    assert.match(resolved?.summary ?? '', /probable cause: payment provider is down/);

    const detail = (await h.api('GET', `${p}/checks/${id}`)).body;
    assert.deepEqual(
      detail.transitions.map((t: { state: string }) => t.state),
      ['down', 'up'],
    );
    assert.ok(detail.results.length >= 4);
    const series = await h.get(`${p}/query?kpi=check.up&from=-5m&split=check`);
    assert.equal(series.statusCode, 200, series.body);
    assert.equal((await h.api('DELETE', `${p}/checks/${id}`)).status, 200);
    assert.equal((await h.api('GET', `${p}/checks`)).body.checks.length, 0);
    await h.close();
  });

  it('a dependency that turns slow while still up opens a warning incident, and resolves when fast again', async () => {
    const h = await heed();
    const p = `/api/v1/projects/${h.project.id}`;
    let delay = 0;
    const dep = await listen((_req, res) => setTimeout(() => res.writeHead(200).end('ok'), delay));
    const { body } = await h.api('POST', `${p}/checks`, { name: 'search', url: dep, intervalSeconds: 1, slowMs: 100, failureThreshold: 2 });
    await waitFor('up', async () => (await h.api('GET', `${p}/checks/${body.id}`)).body.status.state === 'up');
    delay = 200;
    const inc = await waitFor('slow incident', async () => ((await h.api('GET', `${p}/incidents`)).body.incidents as Incident[])[0]);
    assert.equal(inc.title, 'search is slow');
    assert.equal(inc.severity, 'warning');
    assert.equal((await h.api('GET', `${p}/checks/${body.id}`)).body.status.state, 'up');
    delay = 0;
    await waitFor('resolved', async () => ((await h.api('GET', `${p}/incidents/${inc.id}`)).body as Incident).status === 'resolved');
    assert.equal(((await h.api('GET', `${p}/incidents`)).body.incidents as Incident[]).length, 1);
    await h.close();
  });

  it('a job that misses its heartbeat pages, and its late check-in (curl or Sentry check_in) recovers it', async () => {
    const h = await heed();
    const p = `/api/v1/projects/${h.project.id}`;
    const hook = await receiver();
    await h.api('POST', `${p}/channels`, { name: 'hook', kind: 'webhook', url: hook.url });
    const created = await h.api('POST', `${p}/heartbeats`, { slug: 'nightly-export', schedule: 'every 2s', graceSeconds: 1 });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.match(created.body.pingUrl, /\/api\/\d+\/heartbeat\/nightly-export\?key=/);
    const ping = (q: string) => h.request({ method: 'GET', url: `/api/${h.project.id}/heartbeat/nightly-export?key=${h.project.key}${q}` });
    const first = await ping('');
    assert.equal(first.statusCode, 200, first.body);
    assert.equal(first.json().state, 'ok');

    await waitFor('missed page', () => hook.hooks.find((x) => x.event === 'incident.triggered'), 6000);
    assert.match(hook.hooks[0]?.summary ?? '', /nightly-export missed its check-in/);
    // The late run reports through Sentry's check_in item, as the SDKs send it.
    const item = JSON.stringify({ check_in_id: 'f'.repeat(32), monitor_slug: 'nightly-export', status: 'ok', duration: 1.5 });
    const env = await h.request({
      method: 'POST',
      url: `/api/${h.project.id}/envelope/?sentry_key=${h.project.key}`,
      payload: `{}\n{"type":"check_in"}\n${item}`,
    });
    assert.equal(env.statusCode, 200);
    await waitFor('resolved', () => hook.hooks.find((x) => x.event === 'incident.resolved'), 6000);
    assert.deepEqual(
      hook.hooks.map((x) => x.event),
      ['incident.triggered', 'incident.resolved'],
    );
    const beat = (await h.api('GET', `${p}/heartbeats/${created.body.id}`)).body;
    assert.deepEqual(beat.transitions.map((t: { state: string }) => t.state).slice(0, 2), ['missed', 'ok']);
    assert.match(beat.transitions[1].text, /late/);

    // A Sentry check-in with monitor_config creates its heartbeat.
    const cfg = JSON.stringify({
      monitor_slug: 'hourly-sync',
      status: 'in_progress',
      monitor_config: { schedule: { type: 'crontab', value: '0 * * * *' }, checkin_margin: 5, max_runtime: 30, timezone: 'Europe/Berlin' },
    });
    await h.request({
      method: 'POST',
      url: `/api/${h.project.id}/envelope/?sentry_key=${h.project.key}`,
      payload: `{}\n{"type":"check_in"}\n${cfg}`,
    });
    const beats = await waitFor('auto-created', async () => {
      const list = (await h.api('GET', `${p}/heartbeats`)).body.heartbeats as Array<{
        spec: { slug: string; graceSeconds: number; maxRuntimeSeconds: number };
        status: { state: string };
      }>;
      return list.length === 2 ? list : undefined;
    });
    const sync = beats.find((b) => b.spec.slug === 'hourly-sync');
    assert.equal(sync?.spec.graceSeconds, 300);
    assert.equal(sync?.spec.maxRuntimeSeconds, 1800);
    assert.equal(sync?.status.state, 'running');
    await h.close();
  });

  it('validates definitions and pings, and serves the opt-in public status page', async () => {
    const h = await heed();
    const p = `/api/v1/projects/${h.project.id}`;
    for (const [body, re] of [
      [{ name: 'x' }, /'target' is required/],
      [{ name: 'x', url: 'ftp://a' }, /http:\/\/ or https:\/\//],
      [{ name: 'x', kind: 'tcp', target: 'db' }, /host:port/],
      [{ name: 'x', url: 'http://a', intervalSeconds: 0 }, /'intervalSeconds' must be a number from 1/],
      [{ name: 'x', url: 'http://a', expectStatus: ['ok'] }, /expectStatus/],
      [{ name: 'x', url: 'http://a', colour: 'red' }, /Unknown field 'colour'/],
    ] as const) {
      const r = await h.api('POST', `${p}/checks`, body);
      assert.equal(r.status, 400);
      assert.equal(r.body.error.code, 'check.invalid');
      assert.match(r.body.error.message, re);
    }
    for (const [body, re] of [
      [{ slug: 'a b', schedule: 60 }, /'slug'/],
      [{ slug: 'a', schedule: '61 * * * *' }, /minute field/],
      [{ slug: 'a', schedule: '0 3 * * *', timezone: 'Mars/Base' }, /IANA/],
    ] as const) {
      const r = await h.api('POST', `${p}/heartbeats`, body);
      assert.equal(r.body.error.code, 'check.invalid');
      assert.match(r.body.error.message, re);
    }
    const dep = await listen((_req, res) => res.writeHead(200).end('ok'));
    assert.equal((await h.api('POST', `${p}/checks`, { name: 'api', url: dep, public: true })).status, 201);
    assert.equal((await h.api('POST', `${p}/checks`, { name: 'api', url: dep })).body.error.code, 'check.invalid');
    await h.api('POST', `${p}/checks`, { name: 'internal db', kind: 'tcp', target: '127.0.0.1:1', intervalSeconds: 1, timeoutMs: 200 });
    const badPing = await h.request({ method: 'POST', url: `/api/${h.project.id}/heartbeat/nope?key=${h.project.key}` });
    assert.equal(badPing.json().error.code, 'check.not_found');
    const noKey = await h.request({ method: 'POST', url: `/api/${h.project.id}/heartbeat/nope` });
    assert.equal(noKey.json().error.code, 'auth.missing');

    const closed = await h.request({ method: 'GET', url: `/status/${h.project.id}` });
    assert.equal(closed.statusCode, 404);
    assert.equal(closed.json().error.code, 'status_page.not_found');
    const on = await h.api('POST', `${p}/status-page`, { enabled: true, title: 'Shop status' });
    assert.equal(on.status, 200);
    await waitFor('probed', async () =>
      (await h.api('GET', `${p}/checks`)).body.checks.every((c: { status: { state: string } }) => c.status.state !== 'pending'),
    );
    const json = (await h.request({ method: 'GET', url: `/api/${h.project.id}/status` })).json();
    assert.equal(json.title, 'Shop status');
    assert.deepEqual(
      json.components.map((c: { name: string; status: string }) => [c.name, c.status]),
      [['api', 'operational']],
      'private checks stay off the public page',
    );
    const html = await h.request({ method: 'GET', url: `/status/${h.project.id}` });
    assert.match(html.headers['content-type'] as string, /text\/html/);
    assert.match(html.body, /Shop status.*All systems operational.*api/s);
    await h.close();
  });
});
