/** The error path: envelopes sent by the Node SDK match what the real Sentry SDK sends (recorded fixtures). */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, beforeEach, describe, it } from 'node:test';
import {
  assertShapeLike,
  type Captured,
  type CaptureServer,
  FIXTURES,
  fixtureRequests,
  haveFixtures,
  parseEnvelope,
  parseEnvelopeBytes,
  startCaptureServer,
} from '../test-support/index.js';
import {
  addBreadcrumb,
  captureException,
  captureMessage,
  checkIn,
  close,
  flush,
  getClient,
  init,
  monitor,
  setTag,
  setUser,
} from './index.js';

/** Event envelopes among the captured requests (old clients closing may send client reports meanwhile). */
const events = (reqs: Captured[]) => reqs.map((r) => parseEnvelope(r.body)).filter((e) => e.items[0]?.[0].type === 'event');

const OPEN = ['$.tags', '$.extra', '$.contexts', '$.breadcrumbs[].data', '$.user', '$.request.headers'];

describe('Sentry envelopes from the Node SDK', { skip: !haveFixtures() && 'shared/fixtures missing' }, () => {
  let cs: CaptureServer;
  const fixture = () => parseEnvelopeBytes(readFileSync(`${FIXTURES}sentry-node-event.envelope`));
  before(async () => {
    cs = await startCaptureServer();
  });
  beforeEach(async () => {
    await close(1000);
    cs.requests.length = 0;
    cs.respond = () => ({ status: 200, body: '{"id":"x"}' });
    init({ dsn: cs.dsn, release: 'shop@1.2.3', environment: 'production', autoCapture: false, exitSignals: false });
  });
  after(async () => {
    await close(0);
    await cs.close();
  });

  it('captureException: same endpoint, auth, envelope and event shape as @sentry/node', async () => {
    setUser({ id: 'u-123', email: 'jane@example.com' });
    setTag('feature', 'checkout');
    addBreadcrumb({ category: 'cart', message: 'item added', level: 'info', data: { sku: 'SKU-1' } });
    const cause = new TypeError('invalid price: abc');
    const id = captureException(new Error('checkout failed', { cause }));
    assert.match(id, /^[0-9a-f]{32}$/);
    await cs.waitFor((r) => r.length === 1);
    const req = cs.requests[0];
    assert.ok(req);
    assert.equal(req.method, 'POST');
    const u = new URL(req.url, cs.url);
    assert.equal(u.pathname, '/api/42/envelope/');
    const recordedUrl = new URL(fixtureRequests('sentry-node.jsonl')[1]?.url ?? '', cs.url);
    assert.deepEqual([...u.searchParams.keys()], [...recordedUrl.searchParams.keys()]);
    assert.equal(u.searchParams.get('sentry_key'), 'publickey');
    assert.equal(u.searchParams.get('sentry_client'), 'heed.javascript.node/0.1.0');

    const rec = fixture();
    const env = parseEnvelope(req.body);
    assertShapeLike(env.header, rec.header);
    assert.equal(env.header.event_id, id);
    assert.equal(env.items.length, 1);
    const [itemHeader, event] = env.items[0] ?? [{}, {}];
    assert.deepEqual(itemHeader, rec.items[0]?.header);
    const recEvent = JSON.parse(rec.items[0]?.payload ?? '{}') as Record<string, unknown>;
    assertShapeLike(event, recEvent, '$', OPEN);
    const values = (event.exception as { values: Array<Record<string, unknown>> }).values;
    assert.deepEqual(
      values.map((v) => [v.type, v.value, v.mechanism]),
      [
        ['TypeError', 'invalid price: abc', { type: 'chained', handled: true, source: 'cause', exception_id: 1, parent_id: 0 }],
        ['Error', 'checkout failed', { type: 'generic', handled: true, exception_id: 0 }],
      ],
    );
    const frames = (values[1]?.stacktrace as { frames: Array<{ filename: string; in_app: boolean }> } | undefined)?.frames ?? [];
    assert.match(frames.at(-1)?.filename ?? '', /envelope-format\.test\.ts$/, 'crashing frame last');
    assert.equal(frames.at(-1)?.in_app, true);
    assert.equal(event.platform, 'node');
    assert.equal(event.level, 'error');
    assert.ok(Math.abs((event.timestamp as number) - Date.now() / 1000) < 5, 'float Unix seconds');
    assert.deepEqual(event.user, { id: 'u-123', email: 'jane@example.com' });
    assert.deepEqual(event.tags, { feature: 'checkout' });
    assert.equal((event.breadcrumbs as Array<{ message: string }>)[0]?.message, 'item added');
  });

  it('captureMessage: a message event with a synthetic exception, as recorded', async () => {
    captureMessage('payment provider slow', 'warning');
    await cs.waitFor((r) => r.length === 1);
    const rec = fixtureRequests('sentry-node.jsonl').find((r) => r.name === 'event-message');
    const recEnv = parseEnvelope(rec?.body ?? '');
    const env = parseEnvelope(cs.requests[0]?.body ?? '');
    const event = env.items[0]?.[1] ?? {};
    assertShapeLike(event, recEnv.items[0]?.[1], '$', OPEN);
    assert.equal(event.message, 'payment provider slow');
    assert.equal(event.level, 'warning');
    const v = (event.exception as { values: Array<Record<string, unknown>> }).values[0];
    assert.deepEqual(v?.mechanism, { type: 'generic', handled: true, synthetic: true });
    const frames = (v?.stacktrace as { frames: Array<{ filename: string }> } | undefined)?.frames ?? [];
    assert.match(frames.at(-1)?.filename ?? '', /envelope-format\.test\.ts$/, 'the caller is the top frame, not the SDK');
  });

  it('check-ins: check_in items with Sentry fields; monitor() reports start and outcome', async () => {
    await monitor('nightly-export', async () => new Promise((r) => setTimeout(r, 30)), {
      schedule: { type: 'crontab', value: '0 3 * * *' },
    });
    assert.throws(
      () =>
        monitor('broken-job', () => {
          throw new Error('job failed');
        }),
      /job failed/,
    );
    checkIn('heartbeat', { status: 'ok' });
    await cs.waitFor((r) => r.length === 5);
    const items = cs.requests.map((r) => parseEnvelope(r.body).items[0] ?? [{} as Record<string, unknown>, {} as Record<string, unknown>]);
    assert.ok(items.every(([h]) => h?.type === 'check_in'));
    const [start, end] = [items[0]?.[1], items[1]?.[1]];
    assert.equal(start?.status, 'in_progress');
    assert.equal(end?.status, 'ok');
    assert.equal(end?.check_in_id, start?.check_in_id);
    assert.match(String(start?.check_in_id), /^[0-9a-f]{32}$/);
    assert.ok((end?.duration as number) >= 0.02);
    assert.deepEqual(end?.monitor_config, { schedule: { type: 'crontab', value: '0 3 * * *' } });
    assert.equal(end?.release, 'shop@1.2.3');
    assert.deepEqual(
      items.slice(2).map(([, p]) => [p?.monitor_slug, p?.status]),
      [
        ['broken-job', 'in_progress'],
        ['broken-job', 'error'],
        ['heartbeat', 'ok'],
      ],
    );
  });

  it('rate limits: drops errors while limited and reports them in a client_report like the recorded one', async () => {
    cs.respond = () => ({ status: 200, headers: { 'x-sentry-rate-limits': '60:error;transaction:organization' } });
    captureException(new Error('first'));
    await flush(2000);
    cs.respond = () => ({ status: 200 });
    captureException(new Error('second'));
    captureException(new Error('third'));
    checkIn('still-allowed', { status: 'ok' });
    await flush(2000);
    const bodies = cs.requests.map((r) => parseEnvelope(r.body)).filter((b) => b.header.sdk || b.items[0]?.[0].type === 'client_report');
    assert.equal(bodies.filter((b) => b.items[0]?.[0].type === 'event').length, 1);
    assert.equal(bodies.filter((b) => b.items[0]?.[0].type === 'check_in').length, 1, 'other categories still flow');
    const report = bodies.find((b) => b.items[0]?.[0].type === 'client_report');
    assert.ok(report, 'client report sent');
    const rec = parseEnvelope(fixtureRequests('sentry-node.jsonl').find((r) => r.name === 'client-report-ratelimit')?.body ?? '');
    assert.deepEqual(report.header, rec.header);
    assertShapeLike(report.items[0]?.[1], rec.items[0]?.[1]);
    assert.deepEqual(report.items[0]?.[1].discarded_events, [{ reason: 'ratelimit_backoff', category: 'error', quantity: 2 }]);
  });

  it('retries 503 with backoff, gives up after maxRetries and counts the loss', async () => {
    init({ dsn: cs.dsn, autoCapture: false, exitSignals: false, maxRetries: 1 });
    cs.respond = () => ({ status: 503 });
    captureException(new Error('flaky'));
    const t0 = Date.now();
    await cs.waitFor((r) => events(r).length === 2, 5000);
    assert.ok(Date.now() - t0 >= 700, 'waited for the backoff');
    while (!getClient()?.stats().dropped['send_error:error'] && Date.now() - t0 < 5000) await new Promise((r) => setTimeout(r, 10));
    assert.equal(getClient()?.stats().dropped['send_error:error'], 1);
  });

  it('sampling, beforeSend and the kill switch drop events without a request', async () => {
    init({ dsn: cs.dsn, autoCapture: false, exitSignals: false, sampleRate: 0 });
    captureException(new Error('sampled out'));
    assert.equal(getClient()?.stats().dropped['sample_rate:error'], 1);
    init({ dsn: cs.dsn, autoCapture: false, exitSignals: false, beforeSend: (e) => (e.message === 'drop me' ? null : e) });
    captureMessage('drop me');
    captureMessage('keep me');
    assert.equal(getClient()?.stats().dropped['before_send:error'], 1);
    init({
      dsn: cs.dsn,
      autoCapture: false,
      exitSignals: false,
      beforeSend: () => {
        throw new Error('user bug');
      },
    });
    assert.equal(captureMessage('hook throws'), '');
    init({ dsn: cs.dsn, enabled: false });
    assert.equal(getClient(), undefined);
    assert.equal(captureException(new Error('off')), '');
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(
      cs.requests
        .map((r) => parseEnvelope(r.body).items[0])
        .filter((i) => i?.[0].type === 'event')
        .map((i) => i?.[1].message),
      ['keep me'],
    );
  });
});
