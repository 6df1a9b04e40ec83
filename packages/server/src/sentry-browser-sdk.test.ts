/**
 * @module The official @sentry/browser SDK in a real browser against Heed: bundled by esbuild into a
 * page on its own loopback origin (CORS is real), run in Debian's Chromium through playwright-core.
 * A captured error with a cause, a captured message and an uncaught error must land as the right
 * issues (frames oldest first, browser breakdown, user, tags, release), the session must reach
 * release health, and the SDK must see its requests succeed: no console error, no failed request,
 * and no `network_error` client report in Heed's SDK outcomes.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { loadConfig } from './config/index.js';
import { createLogger } from './kernel/index.js';
import { type Heed, startHeed } from './main.js';
import {
  bundleForBrowser,
  chromiumSkip,
  launchChromium,
  type PageServer,
  servePage,
  type TestChromium,
  watchPage,
} from './test-support/chromium.js';

const APP = `
import * as Sentry from '@sentry/browser';
Sentry.init({
  dsn: __DSN__,
  release: 'shop@4.0.0',
  environment: 'production',
  beforeSend: (event) => (event.message === 'not for heed' ? null : event),
});
Sentry.setUser({ id: 'u-7' });
Sentry.setTag('feature', 'checkout');
Sentry.addBreadcrumb({ category: 'cart', message: 'item added', level: 'info' });
function parsePrice(raw) { throw new TypeError('invalid price: ' + raw); }
function computeTotal(items) { let s = 0; for (const i of items) s += parsePrice(i); return s; }
function checkout(items) { try { return computeTotal(items); } catch (cause) { throw new Error('checkout failed', { cause }); } }
function reserveStock() { throw new RangeError('inventory underflow'); }
function onPayClick() { reserveStock(); }
window.shop = {
  handled() { try { checkout(['abc']); } catch (e) { Sentry.captureException(e); } },
  message() { Sentry.captureMessage('payment provider slow for order 1234', 'warning'); },
  dropped() { Sentry.captureMessage('not for heed'); },
  uncaught() { setTimeout(onPayClick, 0); },
  flush() { return Sentry.flush(5000); },
};
`;

type Frame = { filename?: string; function?: string; inApp?: boolean };
type Exc = { type: string; value: string; mechanism?: { type?: string; handled?: boolean }; frames: Frame[] };
type Issue = { id: number; title: string; type: string; level: string; events: number; users: number };
type Detail = {
  breakdowns: Record<string, Array<{ value: string; count: number }>>;
  latestEvent: { exceptions?: Exc[]; user?: { id?: string }; tags?: Record<string, string>; release?: string; environment?: string };
};

let heed: Heed;
let site: PageServer;
let chrome: TestChromium;
let pid = 0;

before(async () => {
  if (chromiumSkip) return;
  const { config } = loadConfig({
    env: {},
    flags: { 'store.kind': 'memory', 'server.port': 0, 'log.level': 'silent', 'auth.adminToken': 'admin_secret' },
  });
  heed = await startHeed(config, { log: createLogger('silent') });
  const project = heed.created ?? (await heed.services.store.listProjects())[0];
  assert.ok(project);
  pid = project.id;
  const dsn = `http://${project.key}@127.0.0.1:${heed.port}/${project.id}`;
  site = await servePage(await bundleForBrowser(APP, { define: { __DSN__: JSON.stringify(dsn) } }));
  chrome = await launchChromium();
});

after(async () => {
  if (chromiumSkip) return;
  await chrome?.close();
  await site?.close();
  await heed?.close();
});

const get = async <T>(path: string): Promise<T> => {
  const res = await fetch(`${heed.url}/api/v1/projects/${pid}${path}`, { headers: { authorization: 'Bearer admin_secret' } });
  assert.equal(res.status, 200, path);
  return (await res.json()) as T;
};

const until = async <T>(what: string, fn: () => Promise<T | undefined>, ms = 15_000): Promise<T> => {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

it('events from the official browser SDK in Chromium land as issues with frames and a Chrome breakdown, and CORS lets the SDK see success', {
  skip: chromiumSkip,
  timeout: 60_000,
}, async () => {
  const page = await chrome.context.newPage();
  const heedOrigin = new URL(heed.url).origin;
  assert.notEqual(site.origin, heedOrigin);
  const watch = watchPage(page, heedOrigin);
  await page.goto(`${site.origin}/`);
  await page.waitForFunction('"shop" in window');
  await page.evaluate('window.shop.handled()');
  await page.evaluate('window.shop.message()');
  await page.evaluate('window.shop.uncaught()');
  await page.evaluate('window.shop.dropped()');
  const list = await until('three issues', async () => {
    const r = await get<{ issues: Issue[] }>('/issues?status=all');
    return r.issues.length >= 3 ? r.issues : undefined;
  });
  assert.equal(await page.evaluate('window.shop.flush()'), true, 'Sentry.flush saw every send finish');
  // While the page lived: no console error and no failed request (a CORS refusal shows as both).
  assert.deepEqual([...watch.consoleErrors], [], 'no console errors');
  assert.deepEqual([...watch.failed], [], 'no failed requests');
  // Leaving the page makes the SDK send its client report (what it dropped, and why), if it has one.
  // Its keepalive fetches outlive the page; Chromium then tells the page's watchers they were aborted.
  await page.goto(`${site.origin}/bye`);
  type Outcome = { category: string; outcome: string; reason?: string; quantity: number };
  const outcomes = await until('the client report', async () => {
    const r = await get<{ outcomes: Outcome[] }>('/sdk-outcomes');
    return r.outcomes.some((o) => o.reason === 'before_send') ? r.outcomes : undefined;
  });

  const byTitle = (re: RegExp) => {
    const i = list.find((x) => re.test(x.title));
    assert.ok(i, `an issue matching ${re} in ${JSON.stringify(list.map((x) => x.title))}`);
    return i;
  };
  const detail = (i: Issue) => get<Detail>(`/issues/${i.id}`);
  const appFns = (e: Exc | undefined) => (e?.frames ?? []).filter((f) => f.filename?.endsWith('/app.js')).map((f) => f.function);

  const handled = await detail(byTitle(/checkout failed/));
  const chain = handled.latestEvent.exceptions ?? [];
  assert.deepEqual(
    chain.map((e) => [e.type, e.value]),
    [
      ['TypeError', 'invalid price: abc'],
      ['Error', 'checkout failed'],
    ],
    'causes first, the thrown error last',
  );
  assert.deepEqual(appFns(chain[0]).slice(-3), ['checkout', 'computeTotal', 'parsePrice'], JSON.stringify(chain[0]?.frames));
  assert.match(handled.breakdowns.browser?.[0]?.value ?? '', /^Chrome( |$)/, JSON.stringify(handled.breakdowns.browser));
  assert.match(handled.breakdowns.os?.[0]?.value ?? '', /Linux/);
  assert.deepEqual(
    handled.breakdowns.release?.map((b) => b.value),
    ['shop@4.0.0'],
  );
  assert.deepEqual(
    handled.breakdowns.environment?.map((b) => b.value),
    ['production'],
  );
  assert.equal(handled.latestEvent.user?.id, 'u-7');
  assert.equal(handled.latestEvent.tags?.feature, 'checkout');
  process.stdout.write(`# browser breakdown: ${JSON.stringify(handled.breakdowns.browser)}\n`);

  const message = byTitle(/payment provider slow/);
  assert.deepEqual([message.type, message.level], ['message', 'warning']);
  assert.match((await detail(message)).breakdowns.browser?.[0]?.value ?? '', /^Chrome( |$)/);

  const uncaught = await detail(byTitle(/inventory underflow/));
  const exc = uncaught.latestEvent.exceptions?.at(-1);
  assert.equal(exc?.type, 'RangeError');
  assert.deepEqual({ handled: exc?.mechanism?.handled }, { handled: false });
  assert.deepEqual(appFns(exc).slice(-2), ['onPayClick', 'reserveStock'], JSON.stringify(exc?.frames));

  const health = await get<{ releases: Array<{ release: string; sessions: number; crashed: number }> }>('/release-health');
  const rel = health.releases.find((r) => r.release === 'shop@4.0.0');
  assert.ok(rel && rel.sessions >= 1, `the page session reached release health: ${JSON.stringify(health)}`);

  // The client report arrived (the beforeSend drop), and it names no network error.
  assert.deepEqual(
    outcomes.filter((o) => o.outcome === 'client_discarded').map((o) => [o.category, o.reason, o.quantity]),
    [['error', 'before_send', 1]],
    `only the beforeSend drop was reported: ${JSON.stringify(outcomes)}`,
  );
  assert.deepEqual(
    outcomes.filter((o) => o.reason === 'network_error'),
    [],
    'no network_error client report',
  );
  const sends = watch.sent.filter((s) => s.url.includes('/envelope/'));
  assert.ok(sends.length >= 4, `events and the session went out: ${JSON.stringify(sends)}`);
  assert.ok(
    sends.every((s) => s.status === undefined || s.status === 200),
    `every answer the SDK saw was 200: ${JSON.stringify(sends)}`,
  );
  assert.deepEqual(watch.consoleErrors, [], 'no console errors after leaving either');
  assert.deepEqual(
    watch.failed.filter((f) => !f.endsWith('net::ERR_ABORTED')),
    [],
    'nothing failed but the keepalive sends cut off from the page',
  );
  assert.equal(watch.pageErrors.length, 1, `only the error thrown on purpose: ${JSON.stringify(watch.pageErrors)}`);
  await page.close();
});
