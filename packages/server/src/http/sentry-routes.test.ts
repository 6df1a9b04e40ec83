import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deflateSync, gzipSync } from 'node:zlib';
import { createTestHeed, loadSentryRecords, readFixture, retarget, type TestHeed } from '../test-support/index.js';

const NOW = Date.UTC(2026, 10, 26, 4, 40, 0);

async function replayAll(h: TestHeed, file: 'sentry-node.jsonl' | 'sentry-browser.jsonl') {
  const out: Array<{ name: string; status: number; body: string; headers: Record<string, unknown> }> = [];
  for (const rec of loadSentryRecords(file)) {
    const res = await h.request(retarget(rec, h.project.id, h.project.key));
    out.push({ name: rec.name, status: res.statusCode, body: res.body, headers: res.headers });
  }
  return out;
}

type IssueView = { id: number; title: string; type: string; level: string; events: number; users: number; status: string; culprit: string };

async function issues(h: TestHeed, query = 'status=all'): Promise<IssueView[]> {
  const res = await h.get(`/api/v1/projects/${h.project.id}/issues?${query}`);
  assert.equal(res.statusCode, 200, res.body);
  return res.json().issues;
}

describe('Sentry ingest with the recorded SDK traffic', () => {
  it('accepts every recorded Node request and groups the events into the right issues', async () => {
    const h = await createTestHeed({}, { now: () => NOW });
    const results = await replayAll(h, 'sentry-node.jsonl');
    for (const r of results) assert.equal(r.status, 200, `${r.name}: ${r.body}`);
    const handled = results.find((r) => r.name === 'event-handled-exception');
    assert.deepEqual(JSON.parse(handled?.body ?? ''), { id: 'fb280ba2e21c4f97ac5f77b0844c740c' });
    const list = await issues(h);
    const titles = list.map((i) => i.title).sort();
    assert.deepEqual(titles, [
      'Error: checkout failed',
      'Error: db connection lost',
      'Error: handler failed',
      'RangeError: inventory underflow in worker',
      'payment provider slow',
    ]);
    const msg = list.find((i) => i.title === 'payment provider slow');
    assert.equal(msg?.type, 'message');
    assert.equal(msg?.level, 'warning');
    const main = list.find((i) => i.title === 'Error: checkout failed') as IssueView;
    const detail = (await h.get(`/api/v1/projects/${h.project.id}/issues/${main.id}`)).json();
    assert.equal(detail.latestEvent.release, 'shop@1.2.3');
    assert.equal(detail.latestEvent.environment, 'production');
    assert.deepEqual(detail.latestEvent.tags, { feature: 'checkout', region: 'eu-west-1', scenario: 'errors' });
    assert.equal(detail.latestEvent.user.id, 'u-123');
    assert.deepEqual(
      detail.latestEvent.exceptions.map((e: { type: string }) => e.type),
      ['TypeError', 'Error'],
      'the cause comes first, the thrown error last',
    );
    const frames = detail.latestEvent.exceptions[0].frames;
    assert.equal(frames[frames.length - 1].function, 'parsePrice', 'frames are oldest first, crash site last');
    assert.match(frames[frames.length - 1].contextLine, /invalid price/);
    assert.equal(detail.latestEvent.breadcrumbs.length, 3);
    assert.equal(detail.breakdowns.release[0].value, 'shop@1.2.3');
    assert.equal(detail.breakdowns.os[0].value, 'Debian 12');
    assert.equal(detail.breakdowns.runtime[0].value, 'node 20');
    assert.equal(detail.users, 1);
    const uncaught = list.find((i) => i.title === 'RangeError: inventory underflow in worker');
    assert.equal(uncaught?.level, 'fatal');
    const health = (await h.get(`/api/v1/projects/${h.project.id}/release-health?from=2026-11-26T00:00:00Z`)).json();
    const rel = health.releases.find((r: { release: string }) => r.release === 'shop@1.2.3');
    assert.ok(rel.sessions >= 1 && rel.crashed >= 1, JSON.stringify(rel));
    const outcomes = (await h.get(`/api/v1/projects/${h.project.id}/sdk-outcomes?from=2026-11-26T00:00:00Z`)).json().outcomes;
    const discarded = outcomes.find(
      (o: { outcome: string; reason: string }) => o.outcome === 'client_discarded' && o.reason === 'ratelimit_backoff',
    );
    assert.equal(discarded?.quantity, 3);
    for (const category of ['span', 'log_item', 'metric', 'transaction', 'attachment']) {
      assert.ok(
        outcomes.some((o: { category: string; outcome: string }) => o.category === category && o.outcome === 'accepted'),
        `${category} is counted`,
      );
    }
    await h.close();
  });

  it('groups the recorded browser events, breaks them down by browser and OS, and answers CORS', async () => {
    const h = await createTestHeed({}, { now: () => NOW });
    const results = await replayAll(h, 'sentry-browser.jsonl');
    for (const r of results) {
      assert.equal(r.status, 200, `${r.name}: ${r.body}`);
      assert.equal(r.headers['access-control-allow-origin'], '*');
      assert.match(String(r.headers['access-control-expose-headers']), /X-Sentry-Rate-Limits/i);
    }
    const list = await issues(h);
    assert.deepEqual(list.map((i) => i.title).sort(), [
      'Error: cart is empty',
      'TypeError: profile service unavailable',
      'coupon rejected',
    ]);
    const cart = list.find((i) => i.title === 'Error: cart is empty') as IssueView;
    assert.equal(cart.culprit, 'validateCart (app.js)');
    const detail = (await h.get(`/api/v1/projects/${h.project.id}/issues/${cart.id}`)).json();
    assert.deepEqual(detail.breakdowns.browser, [{ value: 'Chrome 156', count: 1, share: 1, lastSeen: detail.lastSeen }]);
    assert.equal(detail.breakdowns.os[0].value, 'Linux');
    assert.equal(detail.breakdowns.device[0].value, 'desktop');
    assert.equal(detail.latestEvent.request.url, 'http://127.0.0.1:36365/cart?step=2');
    const again = await h.request({
      ...retarget(loadSentryRecords('sentry-browser.jsonl')[2] as never, h.project.id, h.project.key),
    });
    assert.equal(again.statusCode, 200);
    assert.equal((await issues(h)).find((i) => i.id === cart.id)?.events, 1, 'a resent event id is not counted twice');
    const pre = await h.request({ method: 'OPTIONS', url: `/api/${h.project.id}/envelope/`, headers: { origin: 'http://shop.test' } });
    assert.equal(pre.statusCode, 204);
    assert.match(String(pre.headers['access-control-allow-headers']), /X-Sentry-Auth/);
    await h.close();
  });
});

describe('Sentry ingest: auth, encodings and limits', () => {
  const envelope = readFixture('sentry-browser-event.envelope');
  const post = (h: TestHeed, o: { url?: string; payload?: Buffer | string; headers?: Record<string, string> } = {}) =>
    h.request({
      method: 'POST',
      url: o.url ?? `/api/${h.project.id}/envelope/?sentry_version=7&sentry_key=${h.project.key}`,
      payload: o.payload ?? envelope,
      headers: o.headers ?? {},
    });

  it('takes the key from X-Sentry-Auth or the envelope dsn, and refuses other keys and projects', async () => {
    const h = await createTestHeed({}, { now: () => NOW });
    const url = `/api/${h.project.id}/envelope/`;
    const auth = { 'x-sentry-auth': `Sentry sentry_version=7, sentry_client=test/1, sentry_key=${h.project.key}` };
    assert.equal((await post(h, { url, headers: auth })).statusCode, 200);
    const tunnelled = Buffer.from(
      envelope.toString().replace('{"event_id"', `{"dsn":"http://${h.project.key}@heed.test/${h.project.id}","event_id"`),
    );
    assert.equal((await post(h, { url, payload: tunnelled })).statusCode, 200);
    assert.equal((await post(h, { url })).json().error.code, 'auth.missing');
    assert.equal((await post(h, { url: `${url}?sentry_key=nope` })).json().error.code, 'auth.invalid');
    assert.equal((await post(h, { url: `/api/999/envelope/?sentry_key=${h.project.key}` })).json().error.code, 'auth.forbidden');
    await h.close();
  });

  it('reads gzip, deflate and text/plain bodies, and the legacy store endpoint', async () => {
    const h = await createTestHeed({}, { now: () => NOW });
    const gz = await post(h, { payload: gzipSync(envelope), headers: { 'content-encoding': 'gzip' } });
    assert.equal(gz.statusCode, 200, gz.body);
    const df = await post(h, {
      payload: deflateSync(envelope),
      headers: { 'content-encoding': 'deflate', 'content-type': 'text/plain;charset=UTF-8' },
    });
    assert.equal(df.statusCode, 200, df.body);
    const event = envelope.toString().split('\n')[2] as string;
    const legacy = await post(h, {
      url: `/api/${h.project.id}/store/?sentry_key=${h.project.key}`,
      payload: event.replace('109defe6d57a46cc85532f2c3cf0f064', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'),
      headers: { 'content-type': 'application/json' },
    });
    assert.deepEqual(legacy.json(), { id: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' });
    const list = await issues(h);
    assert.equal(list.length, 1);
    assert.equal(list[0]?.events, 2);
    await h.close();
  });

  it('answers malformed envelopes with 400 envelope.invalid and X-Sentry-Error', async () => {
    const h = await createTestHeed({}, { now: () => NOW });
    const res = await post(h, { payload: '{}\n{"type":"event","length":500}\n{}' });
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().error.code, 'envelope.invalid');
    assert.match(String(res.headers['x-sentry-error']), /length 500/);
    await h.close();
  });

  it('over the rate: 429 with Retry-After and X-Sentry-Rate-Limits; sessions in a mixed envelope still land', async () => {
    const h = await createTestHeed({ 'errors.rateLimitPerSecond': 1 }, { now: () => NOW });
    assert.equal((await post(h)).statusCode, 200);
    const limited = await post(h, { payload: envelope.toString().replace(/109defe6/g, 'ffffffff') });
    assert.equal(limited.statusCode, 429);
    assert.equal(limited.json().error.code, 'envelope.rate_limited');
    assert.equal(limited.headers['retry-after'], '1');
    assert.equal(limited.headers['x-sentry-rate-limits'], '1:error;default:project:rate_limited');
    const session =
      '{"type":"session"}\n{"sid":"s1","init":true,"started":"2026-11-26T04:35:00Z","status":"ok","errors":0,"attrs":{"release":"r1"}}';
    const mixed = await post(h, {
      payload: `${envelope
        .toString()
        .replace(/109defe6/g, 'eeeeeeee')
        .trimEnd()}\n${session}`,
    });
    assert.equal(mixed.statusCode, 200, mixed.body);
    assert.equal(mixed.headers['x-sentry-rate-limits'], '1:error;default:project:rate_limited');
    const health = (await h.get(`/api/v1/projects/${h.project.id}/release-health?from=2026-11-26T00:00:00Z`)).json();
    assert.equal(health.releases[0].sessions, 1);
    assert.equal((await issues(h))[0]?.events, 1);
    await h.close();
  });
});
