/**
 * @module @heed/sdk/browser in Debian's Chromium when things go wrong: a Heed that answers 429 with
 * Retry-After (read cross-origin thanks to Heed's CORS headers), an unreachable server, and a page
 * that leaves with a large queue. Nothing is thrown into the page, memory stays bounded, and what
 * can be delivered is. The page takes its `init` options from its URL hash.
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
heed.init(JSON.parse(decodeURIComponent(location.hash.slice(1))));
window.shop = {
  many(name, n) { for (let i = 0; i < n; i++) heed.track(name, { tags: { i: String(i % 5) } }); },
  errors(n) { for (let i = 0; i < n; i++) heed.captureException(new Error('storm ' + i)); },
  flush: (ms) => heed.flush(ms),
  stats: () => heed.getClient().stats(),
};
`;

type Stats = { events: number; envelopes: number; dropped: Record<string, number> };

let heed: TestServer;
let site: PageServer;
let chrome: TestChromium;

before(async () => {
  if (chromiumSkip) return;
  heed = await startTestServer();
  site = await servePage(await bundleForBrowser(APP, { define: { __HEED_DEBUG__: 'false' } }));
  chrome = await launchChromium();
});

after(async () => {
  if (chromiumSkip) return;
  await chrome?.close();
  await site?.close();
  await heed?.close();
});

const open = async (options: Record<string, unknown>): Promise<Page> => {
  const page = await chrome.context.newPage();
  await page.goto(`${site.origin}/#${encodeURIComponent(JSON.stringify(options))}`);
  await page.waitForFunction('"shop" in window');
  return page;
};

it('a 429 storm: the page waits out Retry-After and delivers every business event; errors over the limit are dropped and reported', {
  skip: chromiumSkip,
  timeout: 45_000,
}, async () => {
  const limited = await startTestServer({ 'ingest.rateLimitPerSecond': 100, 'errors.rateLimitPerSecond': 2 });
  try {
    await storm(limited);
  } finally {
    await limited.close();
  }
});

async function storm(heed: TestServer) {
  const page = await open({ dsn: heed.dsn, release: 'shop@5.0.0', maxBatch: 50, flushIntervalMs: 200 });
  const watch = watchPage(page, new URL(heed.url).origin);
  await page.evaluate('window.shop.many("storm", 600)');
  await page.evaluate('window.shop.errors(10)');
  const start = Date.now();
  let stats: Stats = { events: 1, envelopes: 1, dropped: {} };
  while (Date.now() - start < 30_000 && (stats.events > 0 || stats.envelopes > 0)) {
    await page.evaluate('window.shop.flush(1000)');
    stats = await page.evaluate<Stats>('window.shop.stats()');
  }
  assert.deepEqual([stats.events, stats.envelopes], [0, 0], JSON.stringify(stats));
  assert.equal(await heed.total('storm'), 600, 'every business event arrived');
  assert.ok(
    watch.sent.some((s) => s.url.includes('/events') && s.status === 429),
    'Heed did answer 429 (the page read Retry-After)',
  );
  assert.equal(stats.dropped['queue_overflow:kpi'], undefined);
  const heldBack = stats.dropped['ratelimit_backoff:error'] ?? 0;
  const r = await heed.get(`/api/v1/projects/${heed.projectId}/issues?status=all&q=storm&limit=100`);
  const stored = (r.body.issues as Array<{ events: number }>).reduce((s, i) => s + i.events, 0);
  assert.ok(stored >= 2 && stored < 10, `the limit held errors back: ${stored} stored, ${heldBack} held back by the page`);
  assert.deepEqual(watch.pageErrors, [], 'nothing thrown into the page');
  await page.evaluate('window.shop.flush(1000)'); // sends the client report of the drops
  const outcomes = (await heed.get(`/api/v1/projects/${heed.projectId}/sdk-outcomes`)).body.outcomes as Array<{
    category: string;
    outcome: string;
    reason?: string;
    quantity: number;
  }>;
  const heedDropped = outcomes.filter((o) => o.outcome === 'dropped' && o.category === 'error').reduce((s, o) => s + o.quantity, 0);
  const reported = outcomes.filter((o) => o.outcome === 'client_discarded' && o.category === 'error').reduce((s, o) => s + o.quantity, 0);
  assert.equal(reported, heldBack, `the page reported its drops: ${JSON.stringify(outcomes)}`);
  assert.equal(stored + heedDropped + heldBack, 10, `every error is accounted for: ${JSON.stringify(outcomes)}`);
  await page.close();
}

it('an unreachable server: calls return, memory stays bounded, drops are counted, the page is unharmed', {
  skip: chromiumSkip,
  timeout: 30_000,
}, async () => {
  const dead = createServer();
  await new Promise<void>((r) => dead.listen(0, '127.0.0.1', r));
  const port = (dead.address() as AddressInfo).port;
  await new Promise((r) => dead.close(r));
  const page = await open({ dsn: `http://k@127.0.0.1:${port}/1`, release: 'shop@5.0.0', maxQueue: 100, maxEnvelopes: 5, maxRetries: 1 });
  const watch = watchPage(page, `http://127.0.0.1:${port}`);
  await page.evaluate('window.shop.many("lost", 1000)');
  await page.evaluate('window.shop.errors(20)');
  assert.equal(await page.evaluate('window.shop.flush(300)'), false, 'flush says it could not deliver');
  const stats = await page.evaluate<Stats>('window.shop.stats()');
  assert.ok(stats.events <= 100 && stats.envelopes <= 5, `bounded: ${JSON.stringify(stats)}`);
  assert.equal(stats.dropped['queue_overflow:kpi'], 900);
  assert.ok((stats.dropped['queue_overflow:error'] ?? 0) >= 14, JSON.stringify(stats.dropped));
  assert.deepEqual(watch.pageErrors, [], 'nothing thrown into the page');
  assert.equal(await page.evaluate('1 + 1'), 2, 'the page still runs');
  await page.close();
});

it('a page leaving mid-flush: the rest of the queue goes by sendBeacon, everything arrives once', {
  skip: chromiumSkip,
  timeout: 30_000,
}, async () => {
  const page = await open({ dsn: heed.dsn, flushIntervalMs: 600000, maxQueue: 2000 });
  // The first 500 (maxBatch) go at once: being gzipped, or in flight, as the page leaves.
  await page.evaluate('window.shop.many("leaving", 800)');
  await page.goto(`${site.origin}/bye`);
  const end = Date.now() + 10_000;
  while (Date.now() < end && (await heed.total('leaving')) < 800) await new Promise((r) => setTimeout(r, 100));
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(await heed.total('leaving'), 800, 'each event once: the batch in flight is not sent again by the beacon');
  await page.close();
});
