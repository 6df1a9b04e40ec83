/**
 * @module Test support for real-browser tests: Debian's Chromium through playwright-core on a fresh
 * profile, scripts bundled for the browser with esbuild, pages served from their own loopback
 * origin (so requests to Heed are cross-origin and CORS is real), and a watch over what a page
 * reports (console errors, uncaught errors, failed requests). Not re-exported from `./index.ts`, so
 * tests that do not drive a browser never load playwright-core or esbuild: import this file directly.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { type BrowserContext, chromium, type Page } from 'playwright-core';

/** Debian's Chromium (`apt-get install -y chromium`). */
export const CHROMIUM = '/usr/bin/chromium';

/** Flags for a quiet, headless, sandbox-less Chromium on a shared CI machine. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** `skip` value for node:test: false when Chromium is there, otherwise the reason. */
export const chromiumSkip: string | false = existsSync(CHROMIUM) ? false : `${CHROMIUM} is missing (apt-get install -y chromium)`;

/** A running Chromium with one browser context on a throw-away profile. */
export interface TestChromium {
  context: BrowserContext;
  close(): Promise<void>;
}

/** Launches Chromium on a fresh user-data-dir (removed on close). */
export async function launchChromium(): Promise<TestChromium> {
  const dir = mkdtempSync(join(tmpdir(), 'heed-chromium-'));
  const context = await chromium.launchPersistentContext(dir, { executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  return {
    context,
    async close() {
      await context.close().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/** Bundles module source (imports resolve from the repository root, e.g. `@heed/sdk/browser`) into one browser script. */
export async function bundleForBrowser(source: string, opts: { minify?: boolean; define?: Record<string, string> } = {}): Promise<string> {
  const out = await build({
    stdin: { contents: source, resolveDir: ROOT, sourcefile: 'app.js', loader: 'js' },
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    minify: opts.minify === true,
    keepNames: true,
    define: opts.define,
    write: false,
    logLevel: 'silent',
  });
  return out.outputFiles[0]?.text ?? '';
}

/** A static page server on its own loopback port: a different origin from Heed. */
export interface PageServer {
  origin: string;
  close(): Promise<void>;
}

/** Serves `/` (an HTML page loading `/app.js`), `/app.js` and `/bye` (a page to navigate away to). */
export async function servePage(appJs: string, title = 'shop'): Promise<PageServer> {
  const files: Record<string, [string, string]> = {
    '/': [
      'text/html; charset=utf-8',
      `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title><link rel="icon" href="data:,"></head>` +
        '<body><h1>shop</h1><script src="/app.js"></script></body></html>',
    ],
    '/app.js': ['text/javascript; charset=utf-8', appJs],
    '/bye': ['text/html; charset=utf-8', '<!doctype html><html><head><link rel="icon" href="data:,"></head><body>bye</body></html>'],
  };
  const server = createServer((req, res) => {
    const file = files[(req.url ?? '/').split('?')[0] ?? '/'];
    res.writeHead(file ? 200 : 404, { 'content-type': file?.[0] ?? 'text/plain', 'cache-control': 'no-store' });
    res.end(file?.[1] ?? 'not found');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** What a page reported while it was watched. */
export interface PageWatch {
  /** `console.error` messages, including Chromium's own (CORS refusals, failed loads). */
  consoleErrors: string[];
  /** Uncaught errors and unhandled rejections. */
  pageErrors: string[];
  /** Requests that failed at the network level (CORS, refused, aborted): `METHOD url: reason`. */
  failed: string[];
  /** Every request sent to `origin`: method, path and query, Chromium's resource type (`fetch`, `ping` for beacons), status. */
  sent: Array<{ method: string; url: string; type: string; status?: number }>;
}

/** Starts watching a page; requests to `origin` are listed in `sent`. */
export function watchPage(page: Page, origin: string): PageWatch {
  const w: PageWatch = { consoleErrors: [], pageErrors: [], failed: [], sent: [] };
  page.on('console', (m) => {
    if (m.type() === 'error') w.consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => w.pageErrors.push(String(e)));
  page.on('requestfailed', (r) => w.failed.push(`${r.method()} ${r.url()}: ${r.failure()?.errorText ?? '?'}`));
  page.on('request', (r) => {
    if (r.url().startsWith(origin)) w.sent.push({ method: r.method(), url: r.url().slice(origin.length), type: r.resourceType() });
  });
  page.on('response', (r) => {
    const req = r.request();
    const hit = w.sent.find((s) => s.status === undefined && `${origin}${s.url}` === req.url() && s.method === req.method());
    if (hit) hit.status = r.status();
  });
  return w;
}
