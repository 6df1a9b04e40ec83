/**
 * @module The dashboard in a real browser (Debian's Chromium through playwright-core) against a real
 * `heed demo --fast`: log in, watch a live KPI update, acknowledge an incident from the demo's story,
 * see the expected band and a release marker, a deploy's impact report and a check's latency, open an
 * error whose message holds HTML (shown as text, nothing runs), no console errors.
 * Screenshots of the main pages go to packages/web/screenshots/ (git-ignored).
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { after, before, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';

const CHROMIUM = '/usr/bin/chromium';
const BIN = fileURLToPath(new URL('../../server/bin/heed.mjs', import.meta.url));
const SHOTS = fileURLToPath(new URL('../screenshots/', import.meta.url));
const XSS = 'TypeError: <img src=x onerror="window.__xss=1"> broke the cart';

interface Facts {
  url: string;
  adminToken: string;
  project: { id: number; key: string };
}

let demo: ChildProcess | undefined;
let browser: Browser | undefined;
let facts: Facts;
const skip = existsSync(CHROMIUM) ? false : `${CHROMIUM} is missing (apt-get install -y chromium)`;

before(async () => {
  if (skip) return;
  demo = spawn(process.execPath, [BIN, 'demo', '--port', '0', '--fast', '--json', '--days', '10'], {
    env: { ...process.env, HEED_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: demo.stdout as NodeJS.ReadableStream });
  facts = await new Promise<Facts>((resolve, reject) => {
    lines.once('line', (l) => resolve(JSON.parse(l) as Facts));
    demo?.once('exit', (code) => reject(new Error(`heed demo exited with ${code}`)));
  });
  const envelope = [
    JSON.stringify({ event_id: 'a'.repeat(32) }),
    JSON.stringify({ type: 'event' }),
    JSON.stringify({
      event_id: 'a'.repeat(32),
      platform: 'javascript',
      level: 'error',
      exception: {
        values: [
          {
            type: 'TypeError',
            value: XSS.slice('TypeError: '.length),
            stacktrace: { frames: [{ filename: 'cart.js', function: 'add', lineno: 1, in_app: true }] },
          },
        ],
      },
    }),
  ].join('\n');
  const res = await fetch(`${facts.url}/api/${facts.project.id}/envelope/?sentry_key=${facts.project.key}`, {
    method: 'POST',
    body: envelope,
  });
  assert.equal(res.status, 200);
  // A deploy half an hour ago (a marker on the KPI chart, a report on Releases) and a check of Heed itself.
  const admin = { authorization: `Bearer ${facts.adminToken}`, 'content-type': 'application/json' };
  const api = `${facts.url}/api/v1/projects/${facts.project.id}`;
  const deploy = await fetch(`${api}/releases`, {
    method: 'POST',
    headers: admin,
    body: JSON.stringify({ version: 'shop@1.4.9', commit: 'e2e', at: new Date(Date.now() - 1800_000).toISOString() }),
  });
  assert.equal(deploy.status, 201, await deploy.text());
  const check = await fetch(`${api}/checks`, {
    method: 'POST',
    headers: admin,
    body: JSON.stringify({ name: 'heed-health', url: `${facts.url}/healthz`, intervalSeconds: 1 }),
  });
  assert.equal(check.status, 201, await check.text());
  const beat = await fetch(`${api}/heartbeats`, {
    method: 'POST',
    headers: admin,
    body: JSON.stringify({ slug: 'nightly-export', schedule: 'every 5m' }),
  });
  assert.equal(beat.status, 201, await beat.text());
  mkdirSync(SHOTS, { recursive: true });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
});

after(async () => {
  await browser?.close();
  demo?.kill('SIGTERM');
});

const shot = (page: Page, name: string) => page.screenshot({ path: `${SHOTS}${name}.png`, fullPage: true });

it('logs in, follows the live KPI, acknowledges an incident and renders hostile error text as text', {
  skip,
  timeout: 240_000,
}, async () => {
  const ctx = await (browser as Browser).newContext({ viewport: { width: 1280, height: 900 } });
  const page = await ctx.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(String(e)));

  await page.goto(facts.url);
  await page.fill('input[name=token]', 'wrong');
  await page.click('button[type=submit]');
  await page.waitForSelector('text=The admin token is not valid.');
  await shot(page, 'login');
  await page.fill('input[name=token]', facts.adminToken);
  const t0 = Date.now();
  await page.click('button[type=submit]');
  await page.waitForSelector('.view[data-page=overview] .tile');
  const overviewMs = Date.now() - t0;
  problems.length = 0; // the wrong token's 401 above was on purpose
  await page.waitForTimeout(1500);
  await shot(page, 'overview');

  await page.goto(`${facts.url}/#/kpi/checkout.completed`);
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=live-status]')?.getAttribute('data-ticks')) >= 3, null, {
    timeout: 20_000,
  });
  await shot(page, 'kpi-live');
  await page.goto(`${facts.url}/#/kpi/checkout.completed?range=7d`);
  await page.waitForSelector('.view[data-page=kpi] .plot[data-band] canvas');
  const plot = page.locator('[data-testid=kpi-chart]');
  assert.ok(Number(await plot.getAttribute('data-band')) > 100, 'the expected band is drawn over the 7 days');
  assert.ok(Number(await plot.getAttribute('data-releases')) >= 1, 'the deploy is marked on the chart');
  await shot(page, 'kpi-7d');

  await page.goto(`${facts.url}/#/releases`);
  await page.waitForSelector('table.deploys');
  await page.waitForSelector('[data-testid=impact]', { timeout: 30_000 });
  await shot(page, 'releases');
  await page.goto(`${facts.url}/#/checks`);
  await page.waitForSelector('table.checks [data-testid=check-state]');
  await page.waitForSelector('table.heartbeats');
  await page.waitForTimeout(1000);
  await shot(page, 'checks');
  await page.locator('table.checks a').first().click();
  await page.waitForSelector('[data-testid=check-latency] canvas');
  await shot(page, 'check');

  // The story's incidents: the Safari error at once, the checkout drop soon after.
  let acked = false;
  for (let i = 0; i < 60 && !acked; i++) {
    await page.goto(`${facts.url}/#/incidents?status=triggered`);
    await page.waitForSelector('.view[data-page=incidents]');
    const first = page.locator('table.incidents a').first();
    if ((await first.count()) === 0) {
      await page.waitForTimeout(2000);
      continue;
    }
    await first.click();
    await page.waitForSelector('[data-testid=incident-status]');
    const ack = page.locator('button', { hasText: 'Acknowledge' });
    if ((await ack.count()) === 0) continue;
    await ack.click();
    await page.waitForSelector('[data-testid=incident-status]:text("acknowledged")');
    acked = true;
  }
  assert.ok(acked, 'an incident of the demo story was acknowledged');
  await shot(page, 'incident');
  await page.goto(`${facts.url}/#/incidents`);
  await page.waitForSelector('.stats');
  await shot(page, 'incidents');

  await page.goto(`${facts.url}/#/errors?status=all&q=broke%20the%20cart`);
  await page.locator('table.issues a').first().click();
  const title = page.locator('[data-testid=issue-title]');
  await title.waitFor();
  assert.equal(await title.textContent(), XSS);
  assert.equal(await page.locator('main img').count(), 0, 'the message became no element');
  assert.equal(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss), undefined, 'nothing ran');
  await shot(page, 'error-issue');
  await page.goto(`${facts.url}/#/errors`);
  await page.waitForSelector('table.issues');
  await shot(page, 'errors');
  await page.goto(`${facts.url}/#/settings`);
  await page.waitForSelector('[data-testid=dsn]');
  await shot(page, 'settings');

  assert.deepEqual(problems, []);
  process.stdout.write(`# overview interactive ${overviewMs} ms after login (demo data)\n`);
  await ctx.close();
});
