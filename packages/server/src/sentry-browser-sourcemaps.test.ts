/**
 * Source maps with the official @sentry/browser SDK in Chromium: an app of several files, bundled
 * with the SDK and minified by esbuild in two builds (other minified names and columns), its maps
 * and minified files uploaded to a running Heed over HTTP. The errors the SDK captures must show
 * the original files, lines, functions and context, and both builds must make one issue.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { loadConfig } from './config/index.js';
import { createLogger } from './kernel/index.js';
import { type Heed, startHeed } from './main.js';
import { chromiumSkip, launchChromium, type TestChromium, watchPage } from './test-support/chromium.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SOURCES: Record<string, string> = {
  'src/price.js': [
    'export function parsePrice(raw) {',
    '  const n = Number(raw);',
    '  if (Number.isNaN(n)) {',
    "    throw new TypeError('invalid price: ' + raw);",
    '  }',
    '  return n;',
    '}',
    '',
  ].join('\n'),
  'src/cart.js': [
    "import { parsePrice } from './price.js';",
    'export function computeTotal(items) {',
    '  let total = 0;',
    '  for (const item of items) total += parsePrice(item);',
    '  return total;',
    '}',
    'export function checkout(items) {',
    '  const sum = computeTotal(items);',
    '  return { sum };',
    '}',
    '',
  ].join('\n'),
  'src/extra.js': "export const banner = (n) => document.title = 'shop: ' + new Intl.NumberFormat('en').format(n);\n",
};
const ENTRY = (extra: boolean) => `
import * as Sentry from '@sentry/browser';
import { checkout } from './cart.js';
${extra ? "import { banner } from './extra.js';\nbanner(1);" : ''}
Sentry.init({ dsn: __DSN__, release: __RELEASE__ });
function onPay() {
  try {
    return checkout(['1', 'x']);
  } catch (e) {
    Sentry.captureException(e);
  }
}
document.getElementById('pay').addEventListener('click', onPay);
window.shop = { flush: () => Sentry.flush(5000) };
`;

let heed: Heed;
let chrome: TestChromium;
let site: { origin: string; close(): void };
let pid = 0;
const dir = mkdtempSync(join(tmpdir(), 'heed-browser-maps-'));

const api = async <T>(method: string, path: string, body?: string): Promise<T> => {
  const res = await fetch(`${heed.url}/api/v1/projects/${pid}${path}`, { method, body, headers: { authorization: 'Bearer admin_secret' } });
  const json = (await res.json()) as T;
  assert.ok(res.ok, `${method} ${path}: ${res.status} ${JSON.stringify(json).slice(0, 300)}`);
  return json;
};

/** Builds the app into dist/static/<file> (+ .map) for a release; `extra` changes the bundle around the same code. */
async function buildApp(file: string, release: string, extra: boolean, dsn: string): Promise<Record<string, string>> {
  // The same entry file in both builds (with other content), as in successive releases.
  writeFileSync(join(dir, 'src', 'main.js'), ENTRY(extra));
  const out = await build({
    entryPoints: [join(dir, 'src', 'main.js')],
    bundle: true,
    minify: true,
    sourcemap: true,
    write: false,
    format: 'iife',
    target: extra ? 'es2018' : 'es2020',
    outfile: join(dir, 'dist', 'static', file),
    nodePaths: [join(ROOT, 'node_modules')],
    define: { __DSN__: JSON.stringify(dsn), __RELEASE__: JSON.stringify(release) },
    logLevel: 'silent',
  });
  const files: Record<string, string> = {};
  for (const f of out.outputFiles) files[f.path.slice(f.path.lastIndexOf('/') + 1)] = f.text;
  for (const [name, text] of Object.entries(files)) {
    const up = await api<{ type: string }>('POST', `/releases/${encodeURIComponent(release)}/sourcemaps?name=~/static/${name}`, text);
    assert.equal(up.type, name.endsWith('.map') ? 'sourcemap' : 'minified');
  }
  return files;
}

before(async () => {
  if (chromiumSkip) return;
  mkdirSync(join(dir, 'src'));
  for (const [f, text] of Object.entries(SOURCES)) writeFileSync(join(dir, f), text);
  const { config } = loadConfig({
    env: {},
    flags: { 'store.kind': 'memory', 'server.port': 0, 'log.level': 'silent', 'auth.adminToken': 'admin_secret' },
  });
  heed = await startHeed(config, { log: createLogger('silent') });
  const project = heed.created ?? (await heed.services.store.listProjects())[0];
  assert.ok(project);
  pid = project.id;
  const dsn = `http://${project.key}@127.0.0.1:${heed.port}/${project.id}`;
  const a = await buildApp('app.min.js', 'shop@5.0.0', false, dsn);
  const b = await buildApp('main.min.js', 'shop@5.1.0', true, dsn);
  const page = (src: string) =>
    `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,"></head><body><button id="pay">Pay</button><script src="/static/${src}"></script></body></html>`;
  const routes: Record<string, [string, string]> = {
    '/a': ['text/html', page('app.min.js')],
    '/b': ['text/html', page('main.min.js')],
    '/static/app.min.js': ['text/javascript', a['app.min.js'] ?? ''],
    '/static/main.min.js': ['text/javascript', b['main.min.js'] ?? ''],
  };
  const server = createServer((req, res) => {
    const r = routes[(req.url ?? '/').split('?')[0] ?? '/'];
    res.writeHead(r ? 200 : 404, { 'content-type': r?.[0] ?? 'text/plain' }).end(r?.[1] ?? 'not found');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  site = { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() };
  chrome = await launchChromium();
});

after(async () => {
  await chrome?.close();
  site?.close();
  await heed?.close();
  rmSync(dir, { recursive: true, force: true });
});

type Frame = { filename?: string; function?: string; lineno?: number; contextLine?: string; inApp?: boolean; raw?: { filename?: string } };
type Issue = { id: number; title: string; events: number };

async function payIn(path: string): Promise<void> {
  const page = await chrome.context.newPage();
  const watch = watchPage(page, new URL(heed.url).origin);
  await page.goto(`${site.origin}${path}`);
  await page.waitForFunction('"shop" in window');
  await page.click('#pay');
  assert.equal(await page.evaluate('window.shop.flush()'), true);
  assert.deepEqual(watch.consoleErrors, []);
  await page.close();
}

it('minified errors from the browser SDK show the original code, and two builds make one issue', {
  skip: chromiumSkip,
  timeout: 90_000,
}, async () => {
  await payIn('/a');
  await payIn('/b');
  const issues = (await api<{ issues: Issue[] }>('GET', '/issues?status=all')).issues;
  const why = await Promise.all(
    issues.map(async (i) => {
      const d = await api<{ latestEvent: { grouping: { parts: string[] }; exceptions: Array<{ frames: Frame[] }> } }>(
        'GET',
        `/issues/${i.id}`,
      );
      return { parts: d.latestEvent.grouping.parts, frames: d.latestEvent.exceptions.at(-1)?.frames };
    }),
  );
  assert.deepEqual(
    issues.map((i) => [i.title, i.events]),
    [['TypeError: invalid price: x', 2]],
    `one issue for both builds: ${JSON.stringify(why)}`,
  );
  const detail = await api<{ culprit: string; latestEvent: { release: string; exceptions: Array<{ frames: Frame[] }> } }>(
    'GET',
    `/issues/${issues[0]?.id}`,
  );
  assert.equal(detail.latestEvent.release, 'shop@5.1.0');
  const frames = detail.latestEvent.exceptions.at(-1)?.frames ?? [];
  const app = frames.filter((f) => f.filename?.startsWith('src/'));
  assert.deepEqual(
    app.map((f) => [f.filename, f.lineno, f.function]),
    [
      ['src/main.js', 9, 'onPay'],
      ['src/cart.js', 8, 'checkout'],
      ['src/cart.js', 4, 'computeTotal'],
      ['src/price.js', 4, 'parsePrice'],
    ],
    JSON.stringify(frames),
  );
  const top = app.at(-1) as Frame;
  assert.equal(top.contextLine, "    throw new TypeError('invalid price: ' + raw);");
  assert.match(top.raw?.filename ?? '', /^http:\/\/127\.0\.0\.1:\d+\/static\/main\.min\.js$/);
  assert.ok(
    frames.every((f) => f.raw),
    `every frame of the bundle was mapped: ${JSON.stringify(frames.filter((f) => !f.raw))}`,
  );
  const sdk = frames.filter((f) => f.filename?.includes('node_modules/@sentry/'));
  assert.ok(
    sdk.length > 0 && sdk.every((f) => f.inApp === false),
    `the SDK's own frames are mapped and not in-app: ${JSON.stringify(sdk)}`,
  );
  assert.match(detail.culprit, /^parsePrice \(src\/price\.js\)$/);
  process.stdout.write(`# frames: ${JSON.stringify(frames.map((f) => `${f.function} ${f.filename}:${f.lineno}`))}\n`);
});
