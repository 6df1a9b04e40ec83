/**
 * Source maps by debug id: a real esbuild bundle gets a debug id the way `sentry-cli sourcemaps
 * inject` writes it (the registration snippet on a line of its own, the map shifted by that line,
 * `//# debugId=` at the end of the file and `"debug_id"` in the map), runs in a V8 context served
 * from a URL, and the official SDK code builds `debug_meta.images` from what the snippet
 * registered. Uploaded under another release than the event's, the map must still apply. Also
 * `dist`: files uploaded with `?dist=` apply only to events of that dist, before dist-less ones.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import vm from 'node:vm';
import { defaultStackParser, exceptionFromError } from '@sentry/browser';
import { getDebugImagesForResources } from '@sentry/core';
import { build } from 'esbuild';
import { createTestHeed, type TestHeed } from '../test-support/index.js';
import { debugIdOfMinified, normalizeDebugId } from './debug-ids.js';

const SOURCES: Record<string, string> = {
  'src/price.js': [
    'export function parsePrice(raw) {',
    '  const n = Number(raw);',
    "  if (Number.isNaN(n)) throw new TypeError('invalid price: ' + raw);",
    '  return n;',
    '}',
    '',
  ].join('\n'),
  'src/main.js': [
    "import { parsePrice } from './price.js';",
    'export function computeTotal(items) {',
    '  let total = 0;',
    '  for (const item of items) total += parsePrice(item);',
    '  return total;',
    '}',
    'globalThis.shop = { pay(items) { return computeTotal(items); } };',
    '',
  ].join('\n'),
  'src/other.js': "export const pad = (s) => String(s).padStart(8, '-');\nglobalThis.pad = pad;\n",
};

interface Build {
  js: string;
  map: string;
  debugId: string;
}

const dir = mkdtempSync(join(tmpdir(), 'heed-debug-ids-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const FILE = 'https://shop.example.com/static/app.min.js';
const CDN_FILE = 'https://cdn.example.net/static/app.min.js';
/** The ids registered by the snippets of all builds run, as on a page loading several scripts. */
const registered: Record<string, string> = {};

/** Bundles and minifies the app; `other` puts more code before it, so the same name maps elsewhere. */
async function bundle(other: boolean): Promise<Build> {
  mkdirSync(join(dir, 'src'), { recursive: true });
  for (const [f, text] of Object.entries(SOURCES)) writeFileSync(join(dir, f), text);
  const entry = join(dir, `entry-${other}.js`);
  writeFileSync(entry, `${other ? "import './src/other.js';\n" : ''}import './src/main.js';\n`);
  const out = await build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    sourcemap: true,
    write: false,
    format: 'iife',
    outfile: join(dir, 'dist', 'static', 'app.min.js'),
    logLevel: 'silent',
  });
  const js = out.outputFiles.find((f) => f.path.endsWith('.js'))?.text ?? '';
  const map = out.outputFiles.find((f) => f.path.endsWith('.map'))?.text ?? '';
  return { js, map, debugId: '' };
}

/** What `sentry-cli sourcemaps inject` does to a file and its map. */
function inject(b: Build, debugId: string): Build {
  const snippet = `!function(){try{var e="undefined"!=typeof window?window:"undefined"!=typeof global?global:"undefined"!=typeof globalThis?globalThis:"undefined"!=typeof self?self:{},n=(new e.Error).stack;n&&(e._sentryDebugIds=e._sentryDebugIds||{},e._sentryDebugIds[n]="${debugId}",e._sentryDebugIdIdentifier="sentry-dbid-${debugId}")}catch(e){}}();`;
  const map = JSON.parse(b.map) as Record<string, unknown>;
  map.mappings = `;${map.mappings as string}`;
  map.debug_id = debugId;
  return { js: `${snippet}\n${b.js}\n//# debugId=${debugId}\n`, map: JSON.stringify(map), debugId };
}

/** Runs the build from `file`; returns the exception of `shop.pay(['1', 'x'])` and the SDK's debug images. */
function crash(b: Build, file = FILE) {
  const ctx = vm.createContext({});
  vm.runInContext(b.js, ctx, { filename: file, displayErrors: false });
  // The SDK reads the ids the snippet registered on its global object (the page's window).
  Object.assign(registered, ctx._sentryDebugIds);
  (globalThis as Record<string, unknown>)._sentryDebugIds = registered;
  try {
    vm.runInContext("shop.pay(['1', 'x'])", ctx, { displayErrors: false });
  } catch (err) {
    const exception = exceptionFromError(defaultStackParser, err as Error);
    const files = [...new Set((exception.stacktrace?.frames ?? []).map((f) => f.filename ?? ''))];
    return { exception, images: getDebugImagesForResources(defaultStackParser, files) };
  } finally {
    delete (globalThis as Record<string, unknown>)._sentryDebugIds;
  }
  throw new Error('the app did not throw');
}

type Frame = { filename?: string; function?: string; lineno?: number; raw?: unknown };
type Stored = { exceptions: Array<{ frames: Frame[] }>; debugImages?: unknown[] };

let h: TestHeed;
let a: Build;
let b: Build;

before(async () => {
  h = await createTestHeed({});
  a = inject(await bundle(false), randomUUID());
  b = inject(await bundle(true), randomUUID());
});
after(() => h.close());

const auth = () => ({ authorization: `Bearer ${h.admin}` });
const filesUrl = (release: string) => `/api/v1/projects/${h.project.id}/releases/${encodeURIComponent(release)}/sourcemaps`;
const upload = (release: string, name: string, body: string, dist?: string) =>
  h.request({
    method: 'POST',
    url: `${filesUrl(release)}?name=${encodeURIComponent(name)}${dist === undefined ? '' : `&dist=${encodeURIComponent(dist)}`}`,
    payload: body,
    headers: auth(),
  });

async function send(fields: Record<string, unknown>): Promise<Stored> {
  const eventId = randomUUID().replace(/-/g, '');
  const event = { event_id: eventId, timestamp: Date.now() / 1000, platform: 'javascript', ...fields };
  const envelope = `${JSON.stringify({ event_id: eventId })}\n${JSON.stringify({ type: 'event' })}\n${JSON.stringify(event)}\n`;
  const res = await h.request({ method: 'POST', url: `/api/${h.project.id}/envelope/?sentry_key=${h.project.key}`, payload: envelope });
  assert.equal(res.statusCode, 200, res.body);
  const ev = await h.get(`/api/v1/projects/${h.project.id}/error-events/${eventId}`);
  assert.equal(ev.statusCode, 200, ev.body);
  return ev.json() as Stored;
}
const appFrames = (ev: Stored) => (ev.exceptions.at(-1)?.frames ?? []).filter((f) => f.filename?.endsWith('/static/app.min.js') || f.raw);
const shape = (ev: Stored) => appFrames(ev).map((f) => [f.filename, f.lineno, f.function]);
const ORIGINAL = [
  ['src/main.js', 7, 'Object.pay'],
  ['src/main.js', 4, 'computeTotal'],
  ['src/price.js', 3, 'parsePrice'],
];

describe('source maps by debug id', () => {
  it('reads debug ids in the forms tools write them', () => {
    const id = 'c0ffee00-1234-4abc-8def-0123456789ab';
    assert.equal(normalizeDebugId(id.toUpperCase()), id);
    assert.equal(normalizeDebugId(id.replace(/-/g, '')), id);
    assert.equal(normalizeDebugId('not-a-uuid'), undefined);
    assert.equal(debugIdOfMinified(`x();\n//# debugId=${id}\n//# sourceMappingURL=app.js.map`), id);
    assert.equal(debugIdOfMinified('x(); // debugId=nothing'), undefined);
  });

  it('symbolicates an event through its debug_meta with the map uploaded under another release, or none', async () => {
    const crashed = crash(a);
    assert.deepEqual(crashed.images, [{ type: 'sourcemap', code_file: FILE, debug_id: a.debugId }], 'the SDK found the injected id');
    const up = await upload('build-2026-11-26', '~/static/app.min.js.map', a.map);
    assert.equal(up.statusCode, 201, up.body);
    assert.equal(up.json().debugId, a.debugId);
    const js = await upload('build-2026-11-26', '~/static/app.min.js', a.js);
    assert.equal(js.json().debugId, a.debugId, 'the minified file is indexed by its //# debugId= too');

    const withMeta = await send({
      release: 'shop@1.0.0',
      exception: { values: [crashed.exception] },
      debug_meta: { images: crashed.images },
    });
    assert.deepEqual(shape(withMeta), ORIGINAL, JSON.stringify(appFrames(withMeta)));
    assert.deepEqual(withMeta.debugImages, [{ type: 'sourcemap', codeFile: FILE, debugId: a.debugId }], 'the event keeps its debug images');
    const noRelease = await send({ exception: { values: [crashed.exception] }, debug_meta: { images: crashed.images } });
    assert.deepEqual(shape(noRelease), ORIGINAL, 'an event without a release too');

    const without = await send({ release: 'shop@1.0.0', exception: { values: [crashed.exception] } });
    assert.equal(appFrames(without).length, 3);
    assert.ok(
      appFrames(without).every((f) => f.lineno === 2 && !f.raw),
      `no debug_meta and another release: minified (${JSON.stringify(appFrames(without))})`,
    );
    const unknownId = await send({
      release: 'shop@1.0.0',
      exception: { values: [crashed.exception] },
      debug_meta: { images: [{ type: 'sourcemap', code_file: FILE, debug_id: randomUUID() }] },
    });
    assert.ok(
      appFrames(unknownId).every((f) => !f.raw),
      'a debug id nobody uploaded maps nothing',
    );
  });

  it("prefers the debug id's map over a map of the same name in the event's release", async () => {
    const crashed = crash(b, CDN_FILE);
    assert.deepEqual(crashed.images, [{ type: 'sourcemap', code_file: CDN_FILE, debug_id: b.debugId }]);
    assert.equal((await upload('ci-7', '~/static/app.min.js.map', b.map)).statusCode, 201);
    // The release's own map is of another build (build a), at the very name the frames point at.
    assert.equal((await upload('shop@2.0.0', '~/static/app.min.js.map', a.map)).statusCode, 201);
    const ev = await send({ release: 'shop@2.0.0', exception: { values: [crashed.exception] }, debug_meta: { images: crashed.images } });
    assert.deepEqual(shape(ev), ORIGINAL, JSON.stringify(appFrames(ev)));
    const byName = await send({ release: 'shop@2.0.0', exception: { values: [crashed.exception] } });
    assert.notDeepEqual(shape(byName), ORIGINAL, 'by release and name, the wrong build maps to the wrong places');
  });

  it('keeps at most 100 debug images of an event', async () => {
    const images = Array.from({ length: 500 }, (_, i) => ({ type: 'sourcemap', code_file: `${FILE}?${i}`, debug_id: randomUUID() }));
    const ev = await send({ release: 'shop@1.0.0', message: 'many images', debug_meta: { images } });
    assert.equal(ev.debugImages?.length, 100);
  });
});

describe('source maps by dist', () => {
  it("uses the files of the event's dist first, then those without a dist; others never", async () => {
    const crashed = crash(a);
    const exception = { values: [crashed.exception] };
    // Build a's map for dist web-1; at the same name without dist, another build's map.
    assert.equal((await upload('shop@3.0.0', '~/static/app.min.js.map', a.map, 'web-1')).statusCode, 201);
    assert.equal((await upload('shop@3.0.0', '~/static/app.min.js.map', b.map)).statusCode, 201, 'same name, no dist: another file');
    const files = (await h.get(filesUrl('shop@3.0.0'))).json().files as Array<{ name: string; dist?: string }>;
    assert.deepEqual(files.map((f) => f.dist ?? null).sort(), [null, 'web-1']);

    assert.deepEqual(shape(await send({ release: 'shop@3.0.0', dist: 'web-1', exception })), ORIGINAL);
    const noDist = await send({ release: 'shop@3.0.0', exception });
    assert.ok(
      appFrames(noDist).every((f) => f.raw),
      'mapped by the dist-less file',
    );
    assert.notDeepEqual(shape(noDist), ORIGINAL, 'an event without dist does not use the dist file');
    assert.deepEqual(shape(await send({ release: 'shop@3.0.0', dist: 'web-2', exception })), shape(noDist), 'another dist falls back');

    assert.equal((await upload('shop@3.1.0', '~/static/app.min.js.map', a.map, 'web-1')).statusCode, 201);
    assert.ok(
      appFrames(await send({ release: 'shop@3.1.0', exception })).every((f) => !f.raw),
      'only a dist file: not for others',
    );
    assert.deepEqual(shape(await send({ release: 'shop@3.1.0', dist: 'web-1', exception })), ORIGINAL);

    const bad = await upload('shop@3.1.0', '~/static/app.min.js.map', a.map, '');
    assert.equal(bad.statusCode, 400, bad.body);
    assert.equal(bad.json().error.code, 'request.invalid_param');
    assert.match(bad.json().error.message, /dist/);
  });
});
