/** The browser entry in a simulated page (window, document, navigator on globalThis): handlers, beacons, gzip, shapes. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import type { KpiEvent } from '../core/types.js';
import {
  assertShapeLike,
  type CaptureServer,
  FIXTURES,
  haveFixtures,
  parseEnvelope,
  parseEnvelopeBytes,
  startCaptureServer,
} from '../test-support/index.js';
import { close, flush, getClient, init, setUser, track } from './index.js';
import { gzipInBrowser } from './platform.js';

type G = Record<string, unknown>;
const g = globalThis as unknown as G;
const beacons: Array<{ url: string; body: string }> = [];
let beaconAnswer = true;
let win: EventTarget;
let doc: EventTarget & { visibilityState: string };

function installPage() {
  win = new EventTarget();
  doc = Object.assign(new EventTarget(), { visibilityState: 'visible' });
  g.addEventListener = win.addEventListener.bind(win);
  g.removeEventListener = win.removeEventListener.bind(win);
  g.document = doc;
  g.location = { href: 'http://shop.test/cart?step=2' };
  Object.defineProperty(globalThis, 'navigator', {
    configurable: true,
    value: {
      userAgent: 'Mozilla/5.0 (test)',
      sendBeacon: (url: string, body: string) => {
        beacons.push({ url, body });
        return beaconAnswer;
      },
    },
  });
}

function removePage() {
  for (const k of ['addEventListener', 'removeEventListener', 'document', 'location']) delete g[k];
  Object.defineProperty(globalThis, 'navigator', { configurable: true, value: undefined });
}

const fire = (t: EventTarget, type: string, props: Record<string, unknown> = {}) => t.dispatchEvent(Object.assign(new Event(type), props));

describe('browser entry', () => {
  let cs: CaptureServer;
  before(async () => {
    cs = await startCaptureServer();
    installPage();
  });
  beforeEach(() => {
    cs.requests.length = 0;
    beacons.length = 0;
    beaconAnswer = true;
    init({ dsn: cs.dsn, release: 'shop@1.2.3', environment: 'production' });
  });
  afterEach(() => close(500));
  after(async () => {
    removePage();
    await cs.close();
  });

  it('sends events as simple CORS requests (key in the query, text/plain)', async () => {
    track('checkout.completed', { value: 49.9 });
    await flush(1000);
    const r = cs.requests.find((q) => q.url.startsWith('/api/42/events'));
    assert.equal(r?.url, '/api/42/events?key=publickey');
    assert.equal(r?.headers['content-type'], 'text/plain');
    assert.equal(r?.headers.authorization, undefined);
  });

  it('captures window errors and unhandled rejections, shaped like @sentry/browser events', { skip: !haveFixtures() }, async () => {
    setUser({ id: 'u-123' });
    fire(win, 'error', { error: new Error('cart is empty'), message: 'Uncaught Error: cart is empty' });
    fire(win, 'unhandledrejection', { reason: new TypeError('profile service unavailable') });
    fire(win, 'error', { error: null, message: 'Script error.' });
    await flush(1000);
    const events = cs.requests.filter((q) => q.url.includes('/envelope/')).map((q) => parseEnvelope(q.body));
    const payloads = events.filter((e) => e.items[0]?.[0].type === 'event').map((e) => e.items[0]?.[1] ?? {});
    assert.deepEqual(
      payloads.map((p) => (p.exception as { values: Array<{ value: string; mechanism: { type: string } }> }).values[0]?.mechanism.type),
      ['auto.browser.global_handlers.onerror', 'auto.browser.global_handlers.onunhandledrejection', 'auto.browser.global_handlers.onerror'],
    );
    const rec = parseEnvelopeBytes(readFileSync(`${FIXTURES}sentry-browser-event.envelope`));
    const recEvent = JSON.parse(rec.items[0]?.payload ?? '{}') as unknown;
    for (const e of events.filter((x) => x.items[0]?.[0].type === 'event')) {
      assertShapeLike(e.header, rec.header);
      assertShapeLike(e.items[0]?.[1], recEvent, '$', ['$.tags', '$.extra', '$.contexts', '$.user', '$.request.headers']);
    }
    assert.deepEqual(payloads[0]?.request, { url: 'http://shop.test/cart?step=2', headers: { 'User-Agent': 'Mozilla/5.0 (test)' } });
    assert.equal(payloads[0]?.platform, 'javascript');
    assert.match(String(cs.requests.find((q) => q.url.includes('/envelope/'))?.url), /sentry_client=heed\.javascript\.browser%2F/);
  });

  it('pagehide hands everything queued to sendBeacon; refused beacons are counted', async () => {
    track('page.view');
    track('cta.click');
    getClient()?.captureException(new Error('late'), {});
    getClient()?.sendNow(() => true); // what the envelope lane had not sent yet goes too
    track('leaving');
    fire(win, 'pagehide');
    const kpi = beacons.filter((b) => b.url.includes('/events?key=publickey'));
    assert.deepEqual(
      kpi.flatMap((b) => (JSON.parse(b.body) as KpiEvent[]).map((e) => e.name)),
      ['leaving'],
    );
    beaconAnswer = false;
    track('lost');
    doc.visibilityState = 'hidden';
    fire(doc, 'visibilitychange');
    doc.visibilityState = 'visible';
    assert.equal(getClient()?.stats().dropped['network_error:kpi'], 1);
  });

  it('compresses large batches with CompressionStream', async () => {
    const gz = await gzipInBrowser('hello '.repeat(100));
    assert.equal(gunzipSync(gz ?? new Uint8Array()).toString(), 'hello '.repeat(100));
    for (let i = 0; i < 400; i++) track('bulk', { tags: { i: String(i % 3) } });
    await flush(2000);
    const r = cs.requests.find((q) => q.url.startsWith('/api/42/events'));
    assert.equal(r?.headers['content-encoding'], 'gzip');
    assert.equal((JSON.parse(r?.body ?? '[]') as unknown[]).length, 400);
    assert.ok((r?.wireBytes ?? 0) < (r?.body.length ?? 0) / 5);
  });

  it('close removes the page listeners', async () => {
    await close(500);
    fire(win, 'error', { error: new Error('after close') });
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(cs.requests.filter((q) => q.body.includes('after close')).length, 0);
  });
});
