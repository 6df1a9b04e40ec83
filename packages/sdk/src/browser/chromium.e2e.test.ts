/**
 * @module @heed/sdk/browser in a real browser: the entry bundled by esbuild into a page served from
 * its own loopback origin, run in Debian's Chromium (playwright-core) against a real Heed on
 * another port, so every request is cross-origin and CORS is real. Business events go out with
 * `sendBeacon` when the page goes away; an uncaught error and an unhandled rejection become issues
 * broken down by browser; the page logs no console error and no request fails.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, it } from 'node:test';
import type { Page } from 'playwright-core';
import {
  bundleForBrowser,
  chromiumSkip,
  launchChromium,
  type PageServer,
  servePage,
  type TestChromium,
  watchPage,
} from '../../../server/src/test-support/chromium.js';
import { startTestServer, type TestServer } from '../test-support/index.js';

const APP = `
import * as heed from '@heed/sdk/browser';
// Keep a log of beacons in localStorage: it outlives the page, which sendBeacon is for.
const beacon = navigator.sendBeacon.bind(navigator);
navigator.sendBeacon = (url, data) => {
  const ok = beacon(url, data);
  const log = JSON.parse(localStorage.getItem('beacons') || '[]');
  localStorage.setItem('beacons', JSON.stringify([...log, { url: String(url), ok }]));
  return ok;
};
heed.init({ dsn: new URLSearchParams(location.search).get('dsn') || __DSN__, release: 'shop@3.1.0', environment: 'production', flushIntervalMs: 600000 });
heed.setUser({ id: 'u-42' });
heed.setTag('page', 'cart');
heed.addBreadcrumb({ category: 'ui.click', message: 'checkout button' });
function explodeCart(items) { throw new Error('cart exploded with ' + items.length + ' items'); }
function onCheckoutClick() { explodeCart([1, 2, 3]); }
async function loadProfile() { throw new TypeError('profile service unavailable'); }
window.shop = {
  browse() {
    for (let i = 0; i < 3; i++) heed.track('page.view', { tags: { path: '/cart' } });
    heed.track('checkout.completed', { value: 49.9, tags: { currency: 'EUR' } });
    heed.track('checkout.completed', { value: 10, tags: { currency: 'USD' } });
    heed.gauge('cart.items', 3);
  },
  crash() { setTimeout(onCheckoutClick, 0); },
  reject() { loadProfile(); },
  leave() { heed.track('page.leave'); },
  handled() { try { explodeCart([]); } catch (e) { heed.captureException(e); } },
  stats() { return heed.getClient().stats(); },
};
`;

type Frame = { filename?: string; function?: string; lineno?: number; inApp?: boolean };
type Exc = { type: string; value: string; mechanism?: { type?: string; handled?: boolean }; frames: Frame[] };
type Issue = { id: number; title: string; events: number; users: number; lastRelease?: string };
type Breakdown = { value: string; count: number };

let heed: TestServer;
let site: PageServer;
let chrome: TestChromium;

before(async () => {
  if (chromiumSkip) return;
  heed = await startTestServer();
  site = await servePage(await bundleForBrowser(APP, { define: { __DSN__: JSON.stringify(heed.dsn), __HEED_DEBUG__: 'false' } }));
  chrome = await launchChromium();
});

after(async () => {
  if (chromiumSkip) return;
  await chrome?.close();
  await site?.close();
  await heed?.close();
});

const until = async <T>(what: string, fn: () => Promise<T | undefined>, ms = 15_000): Promise<T> => {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

const issues = async (): Promise<Issue[]> =>
  (await heed.get(`/api/v1/projects/${heed.projectId}/issues?status=all&sort=firstSeen`)).body.issues as Issue[];

const detail = async (id: number) => {
  const d = (await heed.get(`/api/v1/projects/${heed.projectId}/issues/${id}`)).body;
  const breakdowns = d.breakdowns as Record<string, Breakdown[]>;
  const ev = d.latestEvent as { exceptions: Exc[]; user?: { id?: string }; tags?: Record<string, string>; release?: string };
  return { breakdowns, ev, exc: ev.exceptions[ev.exceptions.length - 1] as Exc };
};

it('the browser SDK delivers business events by beacon and uncaught errors as issues, cross-origin, with no console errors', {
  skip: chromiumSkip,
  timeout: 60_000,
}, async () => {
  const page: Page = await chrome.context.newPage();
  const heedOrigin = new URL(heed.url).origin;
  assert.notEqual(site.origin, heedOrigin, 'the page and Heed are different origins');
  const watch = watchPage(page, heedOrigin);
  await page.goto(`${site.origin}/`);
  await page.waitForFunction('"shop" in window');

  await page.evaluate('window.shop.browse()');
  await page.evaluate('window.shop.crash()');
  await page.evaluate('window.shop.reject()');
  const two = await until('two issues', async () => {
    const list = await issues();
    return list.length >= 2 ? list : undefined;
  });
  assert.equal(await heed.total('page.view'), 0, 'business events wait for the flush interval or the page leaving');

  // While the page lived: no console error, no failed request (a CORS refusal shows as both).
  assert.deepEqual([...watch.consoleErrors], [], 'no console errors');
  assert.deepEqual([...watch.failed], [], 'no failed requests');
  // Page exit: what is queued goes with sendBeacon, which outlives the page.
  await page.evaluate('window.shop.leave()');
  await page.goto(`${site.origin}/bye`);
  await until('beaconed events', async () => ((await heed.total('page.leave')) === 1 ? true : undefined));
  assert.equal(await heed.total('page.view'), 3);
  assert.equal(await heed.total('checkout.completed'), 2);
  assert.equal(await heed.total('checkout.completed', '&agg=sum'), 59.9);
  const seg = await heed.get(`/api/v1/projects/${heed.projectId}/segments?kpi=checkout.completed&by=currency&from=-5m`);
  assert.deepEqual((seg.body.segments as Array<{ value: string }>).map((s) => s.value).sort(), ['EUR', 'USD']);
  const beacons = JSON.parse((await page.evaluate<string | null>("localStorage.getItem('beacons')")) ?? '[]') as Array<{
    url: string;
    ok: boolean;
  }>;
  assert.deepEqual(
    beacons.map((b) => [b.url.replace(/key=\w+/, 'key=K'), b.ok]),
    [[`${heedOrigin}/api/${heed.projectId}/events?key=K`, true]],
    'one beacon, accepted by the browser, carried the queued events',
  );
  const envelopes = watch.sent.filter((s) => s.url.includes('/envelope/'));
  assert.ok(envelopes.length >= 2 && envelopes.every((s) => s.type === 'fetch' && s.status === 200), JSON.stringify(envelopes));

  const crash = two.find((i) => i.title.includes('cart exploded'));
  const rejection = two.find((i) => i.title.includes('profile service'));
  assert.match(crash?.title ?? '', /cart exploded with 3 items/);
  assert.match(rejection?.title ?? '', /TypeError: profile service unavailable/);
  const c = await detail(crash?.id ?? 0);
  assert.deepEqual(
    { type: c.exc.type, mechanism: c.exc.mechanism?.type, handled: c.exc.mechanism?.handled },
    { type: 'Error', mechanism: 'auto.browser.global_handlers.onerror', handled: false },
  );
  const inApp = c.exc.frames.filter((f) => f.filename?.endsWith('/app.js')).map((f) => f.function);
  assert.deepEqual(inApp.slice(-2), ['onCheckoutClick', 'explodeCart'], `frames oldest first: ${JSON.stringify(c.exc.frames)}`);
  assert.match(c.breakdowns.browser?.[0]?.value ?? '', /^Chrome( |$)/, JSON.stringify(c.breakdowns.browser));
  assert.match(c.breakdowns.os?.[0]?.value ?? '', /Linux/);
  assert.deepEqual(
    c.breakdowns.release?.map((b) => b.value),
    ['shop@3.1.0'],
  );
  assert.equal(c.ev.user?.id, 'u-42');
  assert.equal(c.ev.tags?.page, 'cart');
  const r = await detail(rejection?.id ?? 0);
  assert.equal(r.exc.mechanism?.type, 'auto.browser.global_handlers.onunhandledrejection');
  assert.ok(
    r.exc.frames.some((f) => f.function === 'loadProfile'),
    JSON.stringify(r.exc.frames),
  );
  assert.match(r.breakdowns.browser?.[0]?.value ?? '', /^Chrome( |$)/);

  assert.deepEqual(watch.consoleErrors, [], 'no console errors after leaving either');
  assert.deepEqual(
    watch.failed.filter((f) => !f.endsWith('net::ERR_ABORTED')),
    [],
    'nothing failed but keepalive sends cut off from the page',
  );
  assert.equal(watch.pageErrors.length, 2, `only the two errors thrown on purpose: ${JSON.stringify(watch.pageErrors)}`);
  await page.close();
});

it('each page view is a release-health session: crashed by an uncaught error, errored by a handled one, or clean', {
  skip: chromiumSkip,
  timeout: 30_000,
}, async () => {
  // The first test's page ended crashed (its uncaught error). Two more views: one with a handled error, one clean.
  for (const handled of [true, false]) {
    const page = await chrome.context.newPage();
    await page.goto(`${site.origin}/`);
    await page.waitForFunction('"shop" in window');
    if (handled) await page.evaluate('window.shop.handled()');
    await page.goto(`${site.origin}/bye`);
    await page.close();
  }
  type Health = { release: string; environment: string; sessions: number; errored: number; crashed: number; crashFreeSessions: number };
  const rel = await until('three ended sessions', async () => {
    const r = (await heed.get(`/api/v1/projects/${heed.projectId}/release-health`)).body.releases as Health[];
    const h = r.find((x) => x.release === 'shop@3.1.0');
    return h && h.sessions === 3 && h.errored === 2 ? h : undefined;
  });
  assert.deepEqual(
    { env: rel.environment, sessions: rel.sessions, errored: rel.errored, crashed: rel.crashed },
    { env: 'production', sessions: 3, errored: 2, crashed: 1 },
  );
  assert.ok(Math.abs(rel.crashFreeSessions - 2 / 3) < 0.01, JSON.stringify(rel));
});

it('control: against a server that sends no CORS headers, the same page does log errors (so the checks above can fail)', {
  skip: chromiumSkip,
  timeout: 30_000,
}, async () => {
  let received = 0;
  const bare = createServer((req, res) => {
    received++;
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
  });
  await new Promise<void>((r) => bare.listen(0, '127.0.0.1', r));
  const bareOrigin = `http://127.0.0.1:${(bare.address() as AddressInfo).port}`;
  const page = await chrome.context.newPage();
  const watch = watchPage(page, bareOrigin);
  try {
    await page.goto(`${site.origin}/?dsn=${encodeURIComponent(`http://k@${bareOrigin.slice(7)}/1`)}`);
    await page.waitForFunction('"shop" in window');
    await page.evaluate('window.shop.handled()');
    await until('a CORS refusal in the console', async () => (watch.consoleErrors.some((m) => /CORS/.test(m)) ? true : undefined));
    assert.ok(received >= 1, 'the requests reached the server; the browser hid the answers from the SDK');
    assert.ok(watch.failed.length >= 1, 'and reported them as failed');
  } finally {
    await page.close();
    bare.closeAllConnections();
    bare.close();
  }
});
