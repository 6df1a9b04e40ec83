/** The size budget: the browser entry, bundled and minified by esbuild, gzipped by node:zlib, stays within 6 KB. */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const BUDGET = 6 * 1024;

const bundle = async () => {
  const out = await build({
    entryPoints: [fileURLToPath(new URL('./index.ts', import.meta.url))],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2020',
    define: { __HEED_DEBUG__: 'false' },
    write: false,
  });
  return out.outputFiles[0]?.contents ?? new Uint8Array();
};

it(`browser entry is at most ${BUDGET} bytes minified + gzipped`, async () => {
  const js = await bundle();
  const gz = gzipSync(js, { level: 9 }).length;
  process.stdout.write(`# browser entry: ${js.length} B minified, ${gz} B gzipped (budget ${BUDGET})\n`);
  const text = Buffer.from(js).toString();
  assert.ok(!/(from|import\(|require\()\s*"node:/.test(text), 'no Node built-ins in the browser bundle');
  assert.ok(!text.includes('[heed]'), 'debug logging is shed (DEBUG_BUILD)');
  assert.ok(gz <= BUDGET, `${gz} B gzipped is over the ${BUDGET} B budget`);
});

it('the minified bundle works in a (simulated) page: fetch while open, sendBeacon on pagehide', async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'heed-sdk-')), 'heed-browser.mjs');
  writeFileSync(file, await bundle());
  const g = globalThis as unknown as Record<string, unknown>;
  const fetched: string[] = [];
  const beacons: string[] = [];
  const win = new EventTarget();
  const saved = { fetch: g.fetch };
  g.fetch = async (url: string) => {
    fetched.push(url);
    return new Response('{}');
  };
  g.addEventListener = win.addEventListener.bind(win);
  g.removeEventListener = win.removeEventListener.bind(win);
  g.document = Object.assign(new EventTarget(), { visibilityState: 'visible' });
  Object.defineProperty(globalThis, 'navigator', {
    configurable: true,
    value: { userAgent: 'ua', sendBeacon: (u: string) => beacons.push(u) > 0 },
  });
  try {
    const sdk = (await import(file)) as typeof import('./index.js');
    sdk.init({ dsn: 'http://k@h.test:1/2' });
    sdk.track('a');
    sdk.captureException(new Error('boom'));
    assert.equal(await sdk.flush(500), true);
    sdk.track('b');
    win.dispatchEvent(new Event('pagehide'));
    await sdk.close(0);
    assert.deepEqual(fetched.sort(), [
      'http://h.test:1/api/2/envelope/?sentry_version=7&sentry_key=k&sentry_client=heed.javascript.browser%2F0.1.0',
      'http://h.test:1/api/2/events?key=k',
    ]);
    assert.deepEqual(beacons, ['http://h.test:1/api/2/events?key=k']);
  } finally {
    g.fetch = saved.fetch;
    for (const k of ['addEventListener', 'removeEventListener', 'document']) delete g[k];
    Object.defineProperty(globalThis, 'navigator', { configurable: true, value: undefined });
  }
});
