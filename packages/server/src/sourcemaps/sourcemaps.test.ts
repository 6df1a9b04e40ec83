/**
 * Source maps end to end: a small multi-file app is bundled and minified by esbuild, run in a V8
 * context served from a URL, its real error parsed by the official browser SDK's stack parser and
 * sent through the Sentry envelope endpoint; the stored issue must show the original files, lines,
 * functions and context, and two differently minified builds must make one issue.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import vm from 'node:vm';
import { defaultStackParser, exceptionFromError } from '@sentry/browser';
import { build } from 'esbuild';
import { createTestHeed, type TestHeed } from '../test-support/index.js';

const SOURCES: Record<string, string> = {
  'src/price.js': [
    '// Prices come in as text from the cart form.',
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
    '',
    'export function computeTotal(items) {',
    '  let total = 0;',
    '  for (const item of items) {',
    '    total += parsePrice(item);',
    '  }',
    '  return total;',
    '}',
    '',
    'export const checkout = (items) => {',
    '  const sum = computeTotal(items);',
    '  return { sum };',
    '};',
    '',
  ].join('\n'),
  'src/main.js': ["import { checkout } from './cart.js';", 'globalThis.shop = { pay(items) { return checkout(items); } };', ''].join('\n'),
  // Only build B imports it: more code, so other minified names and columns for the same functions.
  'src/extra.js': [
    'export function formatMoney(amount, currency) {',
    "  const f = new Intl.NumberFormat('en', { style: 'currency', currency });",
    '  return f.format(amount);',
    '}',
    'export const log = (...args) => globalThis.__log?.push(args.map(String).join(" "));',
    '',
  ].join('\n'),
};

interface Build {
  js: string;
  map: string;
  file: string;
}

const dir = mkdtempSync(join(tmpdir(), 'heed-sourcemaps-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function bundle(variant: 'a' | 'b'): Promise<Build> {
  mkdirSync(join(dir, 'src'), { recursive: true });
  for (const [f, text] of Object.entries(SOURCES)) writeFileSync(join(dir, f), text);
  const entry = join(dir, `entry-${variant}.js`);
  writeFileSync(
    entry,
    variant === 'a'
      ? "import './src/main.js';\n"
      : "import { formatMoney, log } from './src/extra.js';\nimport './src/main.js';\nlog(formatMoney(1, 'EUR'));\n",
  );
  const file = variant === 'a' ? 'app.min.js' : 'main.min.js';
  const out = await build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    sourcemap: true,
    write: false,
    format: 'iife',
    target: variant === 'a' ? 'es2020' : 'es2017',
    outfile: join(dir, 'dist', 'static', file),
    logLevel: 'silent',
  });
  const js = out.outputFiles.find((f) => f.path.endsWith('.js'))?.text ?? '';
  const map = out.outputFiles.find((f) => f.path.endsWith('.map'))?.text ?? '';
  return { js, map, file };
}

/** Runs the build as the page at `origin` would load it, and returns the Sentry exception of `shop.pay(['1', 'x'])`. */
function crash(b: Build, origin: string) {
  const ctx = vm.createContext({ Intl, Number, TypeError });
  // displayErrors: false, else Node prefixes the stack with the failing source line (browsers do not).
  vm.runInContext(b.js, ctx, { filename: `${origin}/static/${b.file}`, displayErrors: false });
  try {
    vm.runInContext("shop.pay(['1', 'x'])", ctx, { displayErrors: false });
  } catch (err) {
    return exceptionFromError(defaultStackParser, err as Error);
  }
  throw new Error('the app did not throw');
}

type Frame = {
  filename?: string;
  absPath?: string;
  function?: string;
  lineno?: number;
  colno?: number;
  contextLine?: string;
  preContext?: string[];
  postContext?: string[];
  raw?: { filename?: string; function?: string; lineno?: number; colno?: number };
};
type Detail = {
  id: number;
  events: number;
  fingerprint: string;
  latestEvent: { exceptions: Array<{ frames: Frame[] }>; grouping: { parts: string[] } };
};

let h: TestHeed;
let a: Build;
let b: Build;

before(async () => {
  h = await createTestHeed({ 'errors.maxSourceMapBytes': 65536 });
  [a, b] = [await bundle('a'), await bundle('b')];
});
after(() => h.close());

const auth = () => ({ authorization: `Bearer ${h.admin}` });
const filesUrl = (release: string, projectId = h.project.id) =>
  `/api/v1/projects/${projectId}/releases/${encodeURIComponent(release)}/sourcemaps`;
const upload = (release: string, name: string, body: string, projectId = h.project.id) =>
  h.request({ method: 'POST', url: `${filesUrl(release, projectId)}?name=${encodeURIComponent(name)}`, payload: body, headers: auth() });

async function sendEvent(release: string, exception: unknown, projectId = h.project.id, key = h.project.key): Promise<Detail> {
  const eventId = randomUUID().replace(/-/g, '');
  const event = { event_id: eventId, timestamp: Date.now() / 1000, platform: 'javascript', release, exception: { values: [exception] } };
  const envelope = `${JSON.stringify({ event_id: eventId })}\n${JSON.stringify({ type: 'event' })}\n${JSON.stringify(event)}\n`;
  const res = await h.request({ method: 'POST', url: `/api/${projectId}/envelope/?sentry_key=${key}`, payload: envelope });
  assert.equal(res.statusCode, 200, res.body);
  const ev = await h.get(`/api/v1/projects/${projectId}/error-events/${eventId}`);
  assert.equal(ev.statusCode, 200, ev.body);
  const issue = await h.get(`/api/v1/projects/${projectId}/issues/${ev.json().issueId}`);
  return { ...issue.json(), latestEvent: ev.json() } as Detail;
}

const appFrames = (d: Detail) => (d.latestEvent.exceptions.at(-1)?.frames ?? []).filter((f) => f.raw);

describe('source maps', () => {
  it('symbolicates a real minified stack: original files, lines, functions and context, with the minified location kept', async () => {
    const up = await upload('shop@1.0.0', `~/static/${a.file}.map`, a.map);
    assert.equal(up.statusCode, 201, up.body);
    assert.equal(up.json().type, 'sourcemap');
    const d = await sendEvent('shop@1.0.0', crash(a, 'https://shop.example.com'));
    const frames = appFrames(d);
    assert.deepEqual(
      frames.map((f) => [f.filename, f.lineno, f.function]),
      [
        ['src/main.js', 2, 'Object.pay'],
        ['src/cart.js', 12, 'checkout'],
        ['src/cart.js', 6, 'computeTotal'],
        ['src/price.js', 5, 'parsePrice'],
      ],
      JSON.stringify(frames),
    );
    const top = frames.at(-1) as Frame;
    assert.equal(top.contextLine, "    throw new TypeError('invalid price: ' + raw);");
    assert.deepEqual(top.preContext, SOURCES['src/price.js']?.split('\n').slice(0, 4));
    assert.deepEqual(top.postContext, ['  }', '  return n;', '}', '']);
    assert.equal(top.colno, 11);
    assert.equal(top.absPath, 'https://shop.example.com/src/price.js');
    assert.equal(top.raw?.filename, `https://shop.example.com/static/${a.file}`);
    assert.equal(top.raw?.lineno, 1);
    assert.match(top.raw?.function ?? '', /^[A-Za-z_$][\w$]?$/, 'the minified name is kept in raw');
    assert.ok(d.latestEvent.grouping.parts.includes('src/price.js:parsePrice'), JSON.stringify(d.latestEvent.grouping.parts));
    const metrics = (await h.request({ method: 'GET', url: '/metrics', headers: auth() })).body;
    assert.match(metrics, /^heed_sourcemap_frames_total\{outcome="mapped"\} 4$/m, 'the four frames of the bundle were counted');
    assert.match(metrics, /^heed_sourcemap_frames_total\{outcome="no_map"\} [1-9]/m, 'the frames of the test runner have no map');
  });

  it('keeps an event whose release has no map, with its minified frames', async () => {
    const d = await sendEvent('shop@0.9.0', crash(a, 'https://shop.example.com'));
    const frames = (d.latestEvent.exceptions.at(-1)?.frames ?? []).filter((f) => f.filename?.endsWith(a.file));
    assert.equal(frames.length, 4, JSON.stringify(frames));
    assert.ok(frames.every((f) => f.lineno === 1 && !f.raw && !f.contextLine));
  });

  it('groups the same error from two differently minified builds into one issue (and without maps it would not)', async () => {
    for (const [release, x] of [
      ['shop@2.0.0', a],
      ['shop@2.1.0', b],
    ] as const) {
      assert.equal((await upload(release, `~/static/${x.file}.map`, x.map)).statusCode, 201);
      assert.equal((await upload(release, `~/static/${x.file}`, x.js)).statusCode, 201, 'the minified file too');
    }
    const ea = crash(a, 'https://shop.example.com');
    const eb = crash(b, 'https://cdn.example.net');
    const rawA = ea.stacktrace?.frames?.filter((f) => f.filename?.endsWith(a.file)) ?? [];
    const rawB = eb.stacktrace?.frames?.filter((f) => f.filename?.endsWith(b.file)) ?? [];
    assert.notDeepEqual(
      rawA.map((f) => [f.function, f.colno]),
      rawB.map((f) => [f.function, f.colno]),
      'the builds differ in minified names and columns',
    );
    const da = await sendEvent('shop@2.0.0', ea);
    const db = await sendEvent('shop@2.1.0', eb);
    assert.equal(db.id, da.id, `one issue: ${JSON.stringify([da.latestEvent.grouping.parts, db.latestEvent.grouping.parts])}`);
    assert.equal(db.events, da.events + 1);
    assert.deepEqual(
      appFrames(db).map((f) => f.function),
      ['Object.pay', 'checkout', 'computeTotal', 'parsePrice'],
      'names found through the minified file',
    );
    const other = await h.request({ method: 'POST', url: '/api/v1/projects', headers: auth(), json: { name: 'no maps' } });
    const p2 = other.json() as { id: number; key: string };
    const na = await sendEvent('shop@2.0.0', ea, p2.id, p2.key);
    const nb = await sendEvent('shop@2.1.0', eb, p2.id, p2.key);
    assert.notEqual(na.id, nb.id, 'minified frames alone make two issues');
  });

  it('refuses what is not a source map with a clear 4xx, and a file over the limit with 413', async () => {
    const notJson = await upload('shop@3.0.0', '~/static/app.js.map', '<html>not found</html>');
    assert.equal(notJson.statusCode, 400);
    assert.equal(notJson.json().error.code, 'sourcemap.invalid');
    assert.match(notJson.json().error.message, /not valid JSON/);
    const v2 = await upload('shop@3.0.0', '~/static/app.js.map', JSON.stringify({ version: 2, sources: [], mappings: '' }));
    assert.equal(v2.json().error.code, 'sourcemap.invalid');
    assert.match(v2.json().error.message, /version 3/);
    const badName = await upload('shop@3.0.0', 'static/app.js.map', a.map);
    assert.equal(badName.statusCode, 400);
    assert.match(badName.json().error.message, /~\//);
    const big = await upload('shop@3.0.0', '~/static/big.js.map', 'x'.repeat(70_000));
    assert.equal(big.statusCode, 413);
    assert.equal(big.json().error.code, 'request.body_too_large');
    assert.match(big.json().error.message, /errors.maxSourceMapBytes/);
    assert.deepEqual((await h.get(filesUrl('shop@3.0.0'))).json().files, []);
  });

  it('lists, replaces and deletes files; a deleted map no longer applies', async () => {
    const release = 'shop@4.0.0';
    const first = await upload(release, `~/static/${a.file}.map?v=1`, a.map);
    assert.equal(first.statusCode, 201);
    const again = await upload(release, `~/static/${a.file}.map`, a.map);
    assert.equal(again.statusCode, 200, 'the same name (query aside) replaces');
    assert.equal(again.json().replaced, true);
    const files = (await h.get(filesUrl(release))).json().files as Array<{ id: number; name: string; size: number }>;
    assert.deepEqual(
      files.map((f) => [f.name, f.size]),
      [[`~/static/${a.file}.map`, Buffer.byteLength(a.map)]],
    );
    assert.equal(appFrames(await sendEvent(release, crash(a, 'http://127.0.0.1:8080'))).length, 4);
    const del = await h.request({ method: 'DELETE', url: `${filesUrl(release)}/${files[0]?.id}`, headers: auth() });
    assert.equal(del.statusCode, 200, del.body);
    const gone = await h.request({ method: 'DELETE', url: `${filesUrl(release)}/${files[0]?.id}`, headers: auth() });
    assert.equal(gone.statusCode, 404);
    assert.equal(gone.json().error.code, 'sourcemap.not_found');
    assert.equal(appFrames(await sendEvent(release, crash(a, 'http://127.0.0.1:8080'))).length, 0);
  });
});
