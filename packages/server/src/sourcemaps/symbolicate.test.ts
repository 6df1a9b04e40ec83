/** Symbolication of single frames (function names by declaration or by caller), names, and the byte-bounded cache. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import vm from 'node:vm';
import { defaultStackParser, exceptionFromError } from '@sentry/browser';
import { build } from 'esbuild';
import type { ErrorEvent, ErrorFrame } from '../normalize/index.js';
import { createByteLru } from './lru-cache.js';
import { lookupKeys, resolveRef, sourceMappingUrlOf } from './names.js';
import { parseSourceMap } from './parse-map.js';
import { symbolicateEvent } from './symbolicate.js';

const SOURCE = `
function parsePrice(raw) {
  if (raw === 'x') throw new TypeError('invalid price');
  return Number(raw);
}
function computeTotal(items) {
  return items.map(String).reduce((s, i) => s + parsePrice(i), 0);
}
globalThis.total = computeTotal;
`;

async function crashFrames(): Promise<{ frames: ErrorFrame[]; js: string; map: string }> {
  const out = await build({
    stdin: { contents: SOURCE, sourcefile: 'src/cart.js', loader: 'js' },
    minify: true,
    sourcemap: 'external',
    format: 'iife',
    outfile: 'out.js',
    write: false,
    logLevel: 'silent',
  });
  const js = out.outputFiles.find((f) => f.path.endsWith('.js'))?.text ?? '';
  const map = out.outputFiles.find((f) => f.path.endsWith('.map'))?.text ?? '';
  const ctx = vm.createContext({ Number, String, TypeError });
  vm.runInContext(js, ctx, { filename: 'https://x.example/app.js', displayErrors: false });
  let err: unknown;
  try {
    vm.runInContext("total(['1', 'x'])", ctx, { displayErrors: false });
  } catch (e) {
    err = e;
  }
  const frames = (exceptionFromError(defaultStackParser, err as Error).stacktrace?.frames ?? [])
    .filter((f) => f.filename === 'https://x.example/app.js')
    .map((f) => ({ filename: f.filename, function: f.function, lineno: f.lineno, colno: f.colno, inApp: true }));
  return { frames, js, map };
}

const eventOf = (frames: ErrorFrame[]) =>
  ({ message: '', exceptions: [{ type: 'TypeError', value: 'invalid price', frames }] }) as unknown as ErrorEvent;

it('names a function from its declaration in the minified file, else from its caller, else keeps the minified name', async () => {
  const { frames, js, map } = await crashFrames();
  const parsed = parseSourceMap(map);
  assert.ok(parsed.ok);
  const top = frames.at(-1) as ErrorFrame;
  assert.match(top.function ?? '', /^[a-z]$/i, 'a minified name');
  const fn = (ev: ErrorEvent) => ev.exceptions[0]?.frames.map((f) => f.function);
  // Alone (no caller frame) and without the minified file: nothing says what `t` was.
  const alone = symbolicateEvent(eventOf([top]), () => ({ parsed: parsed.value }));
  assert.deepEqual(fn(alone), [top.function]);
  assert.equal(alone.exceptions[0]?.frames[0]?.lineno, 3);
  // With the minified file, the declaration of the minified name gives the original one.
  const declared = symbolicateEvent(eventOf([top]), () => ({ parsed: parsed.value, minifiedLines: js.split('\n') }));
  assert.deepEqual(fn(declared), ['parsePrice']);
  // With the whole stack, the caller's call site names the callee.
  const byCaller = symbolicateEvent(eventOf(frames), () => ({ parsed: parsed.value }));
  assert.deepEqual(fn(byCaller), [frames[0]?.function, '?', 'parsePrice'], JSON.stringify(byCaller.exceptions[0]?.frames));
  // Both: every named function gets its name; the anonymous arrow stays unnamed.
  const both = symbolicateEvent(eventOf(frames), () => ({ parsed: parsed.value, minifiedLines: js.split('\n') }));
  assert.deepEqual(fn(both), ['computeTotal', '?', 'parsePrice']);
  assert.notEqual(byCaller.grouping.hash, undefined);
  // No map: the very same event back.
  const ev = eventOf(frames);
  assert.equal(
    symbolicateEvent(ev, () => undefined),
    ev,
  );
});

it('matches frames by full URL or ~/path, and resolves sourceMappingURL', () => {
  assert.deepEqual(lookupKeys('https://cdn.example.com/static/app.js?v=3#x'), ['https://cdn.example.com/static/app.js', '~/static/app.js']);
  assert.deepEqual(lookupKeys('/static/app.js'), ['~/static/app.js']);
  assert.deepEqual(lookupKeys('<anonymous>'), []);
  assert.equal(resolveRef('~/static/js/app.js', 'app.js.map'), '~/static/js/app.js.map');
  assert.equal(resolveRef('~/static/js/app.js', '../maps/app.js.map'), '~/static/maps/app.js.map');
  assert.equal(resolveRef('https://cdn.example.com/js/app.js', 'app.js.map'), 'https://cdn.example.com/js/app.js.map');
  assert.equal(sourceMappingUrlOf('x();\n//# sourceMappingURL=app.js.map\n'), 'app.js.map');
  assert.equal(sourceMappingUrlOf('x();'), undefined);
});

it('keeps parsed files within a byte budget, least recently used out first, loading each once', async () => {
  const lru = createByteLru<string>(100);
  let loads = 0;
  const load = (v: string, bytes: number) => async () => {
    loads++;
    return { value: v, bytes };
  };
  const [x, y] = await Promise.all([lru.get('a', load('A', 40)), lru.get('a', load('A', 40))]);
  assert.deepEqual([x, y, loads], ['A', 'A', 1], 'concurrent misses load once');
  await lru.get('b', load('B', 40));
  await lru.get('a', load('A', 40)); // a is now the most recent
  await lru.get('c', load('C', 40)); // over 100: b goes
  assert.deepEqual(lru.size(), { bytes: 80, entries: 2 });
  await lru.get('b', load('B', 40));
  assert.equal(loads, 4, 'b was evicted and loaded again');
  assert.equal(await lru.get('huge', load('H', 500)), 'H', 'too big to keep, still served');
  assert.equal(lru.size().entries, 2);
});

it('refuses hostile maps cheaply: nested sections, huge offsets, millions of lines; counts decoded size', async () => {
  const leaf = { version: 3, sources: ['a.js'], names: [], mappings: 'AAAA' };
  const open = '{"version":3,"sections":[{"offset":{"line":0,"column":0},"map":';
  const deep = parseSourceMap(`${open.repeat(20_000)}${JSON.stringify(leaf)}${'}]}'.repeat(20_000)}`);
  assert.equal(deep.ok, false);
  assert.match(deep.ok ? '' : deep.message, /may not have sections of its own/);
  const far = parseSourceMap(JSON.stringify({ version: 3, sections: [{ offset: { line: 10_000_000, column: 0 }, map: leaf }] }));
  assert.equal(far.ok, false);
  assert.match(far.ok ? '' : far.message, /more than 1,000,000 generated lines/);
  const empty = parseSourceMap(JSON.stringify({ ...leaf, mappings: ';'.repeat(2_000_000) }));
  assert.equal(empty.ok, false);
  const badOffset = parseSourceMap(JSON.stringify({ version: 3, sections: [{ offset: { line: -1, column: 0 }, map: leaf }] }));
  assert.equal(badOffset.ok, false);
  // What the cache budget counts is the decoded size, not the text's length.
  const { map } = await crashFrames();
  const parsed = parseSourceMap(map);
  assert.ok(parsed.ok);
  const lines = JSON.parse(map).mappings.split(';').length;
  assert.ok(parsed.value.approxBytes > map.length + 40 * lines, `${parsed.value.approxBytes} vs text ${map.length}`);
});
