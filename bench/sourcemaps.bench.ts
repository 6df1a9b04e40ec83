/**
 * @module `npm run bench -- sourcemaps`: what symbolication costs. A realistic browser bundle (a
 * small app with the official @sentry/browser SDK inside, minified by esbuild: ~420 KB of JS and a
 * ~5 MB map) is uploaded; then a real error of it, parsed by the SDK's own stack parser, goes
 * through the in-process Sentry endpoint: envelopes per second with the map, and without (the
 * release has no files), plus the one-off cost of parsing the map and the per-event cost of the
 * symbolication step alone. Writes bench/results/sourcemaps.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import { defaultStackParser, exceptionFromError } from '@sentry/browser';
import { build } from 'esbuild';
import { createTestHeed } from '../packages/server/src/test-support/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const N = Number(process.argv.find((a) => a.startsWith('--events='))?.slice(9) ?? 3000);

const APP = `import * as Sentry from '@sentry/browser'; globalThis.__sdk = Sentry;
function parsePrice(raw) { throw new TypeError('invalid price: ' + raw); }
function computeTotal(items) { let s = 0; for (const i of items) s += parsePrice(i); return s; }
globalThis.__pay = (x) => computeTotal(x);`;
const out = await build({
  stdin: { contents: APP, resolveDir: join(here, '..'), sourcefile: 'src/app.js' },
  bundle: true,
  minify: true,
  sourcemap: 'external',
  outfile: 'app.min.js',
  write: false,
  format: 'iife',
  logLevel: 'silent',
});
const js = out.outputFiles.find((f) => f.path.endsWith('.js'))?.text ?? '';
const map = out.outputFiles.find((f) => f.path.endsWith('.map'))?.text ?? '';
vm.runInThisContext(js, { filename: 'https://shop.example.com/static/app.min.js', displayErrors: false });
let err: unknown;
try {
  vm.runInThisContext("__pay(['x'])", { displayErrors: false });
} catch (e) {
  err = e;
}
const exception = exceptionFromError(defaultStackParser, err as Error);

const h = await createTestHeed({ 'errors.maxSourceMapBytes': 64 << 20 });
const auth = { authorization: `Bearer ${h.admin}` };
const url = (name: string) => `/api/v1/projects/${h.project.id}/releases/shop@1.0.0/sourcemaps?name=${encodeURIComponent(name)}`;
let t = performance.now();
const up = await h.request({ method: 'POST', url: url('~/static/app.min.js.map'), payload: map, headers: auth });
const uploadMs = performance.now() - t;
if (up.statusCode !== 201) throw new Error(up.body);
await h.request({ method: 'POST', url: url('~/static/app.min.js'), payload: js, headers: auth });

let seq = 0;
const envelope = (release: string) => {
  const id = (++seq).toString(16).padStart(32, '0');
  const ev = { event_id: id, timestamp: Date.now() / 1000, platform: 'javascript', release, exception: { values: [exception] } };
  return `${JSON.stringify({ event_id: id })}\n{"type":"event"}\n${JSON.stringify(ev)}\n`;
};
const send = (release: string) =>
  h.request({ method: 'POST', url: `/api/${h.project.id}/envelope/?sentry_key=${h.project.key}`, payload: envelope(release) });

async function rate(release: string): Promise<number> {
  for (let i = 0; i < 200; i++) await send(release);
  const start = performance.now();
  const inFlight: Array<Promise<unknown>> = [];
  for (let i = 0; i < N; i++) {
    inFlight.push(send(release));
    if (inFlight.length >= 16) await inFlight.shift();
  }
  await Promise.all(inFlight);
  return N / ((performance.now() - start) / 1000);
}
// Alternate the two a few times and keep each one's best round: the machine is shared and JIT warms up.
let without = 0;
let withMaps = 0;
for (let round = 0; round < 3; round++) {
  without = Math.max(without, await rate('shop@0.9.0'));
  withMaps = Math.max(withMaps, await rate('shop@1.0.0'));
}

// The map's one-off parse, timed apart (what a cold cache pays per map).
const { parseSourceMap } = await import('../packages/server/src/sourcemaps/parse-map.js');
t = performance.now();
for (let i = 0; i < 10; i++) parseSourceMap(map);
const parseMs = (performance.now() - t) / 10;

const issues = (await h.get(`/api/v1/projects/${h.project.id}/issues?status=all`)).json() as {
  issues: Array<{ id: number; culprit: string }>;
};
await h.close();
const result = {
  bundleKB: Math.round(js.length / 1024),
  mapKB: Math.round(map.length / 1024),
  uploadMs: Math.round(uploadMs),
  parseMs: Math.round(parseMs * 10) / 10,
  envelopesPerSecond: { withoutMaps: Math.round(without), withMaps: Math.round(withMaps) },
  overheadMicrosPerEvent: Math.round((1e6 / withMaps - 1e6 / without) * 10) / 10,
  culprits: issues.issues.map((i) => i.culprit),
};
console.log(
  `bundle ${result.bundleKB} KB, map ${result.mapKB} KB: upload ${result.uploadMs} ms, parse ${result.parseMs} ms (once per map)\n` +
    `envelopes/s in-process: ${result.envelopesPerSecond.withoutMaps} without maps, ${result.envelopesPerSecond.withMaps} with (≈${result.overheadMicrosPerEvent} µs per event)\n` +
    `issues: ${JSON.stringify(result.culprits)}`,
);
mkdirSync(join(here, 'results'), { recursive: true });
writeFileSync(join(here, 'results', 'sourcemaps.json'), `${JSON.stringify(result, null, 2)}\n`);
