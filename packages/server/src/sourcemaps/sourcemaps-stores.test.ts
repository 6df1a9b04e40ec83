/**
 * The source maps on every store backend: files round-trip through SQLite and ClickHouse documents
 * (a map of a few MB with quotes, non-ASCII and line separators in its sources included), a crash
 * from a real minified build is symbolicated from them, and replacing and deleting work.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import vm from 'node:vm';
import { defaultStackParser, exceptionFromError } from '@sentry/browser';
import { build } from 'esbuild';
import type { Envelope } from '../ingest/index.js';
import { createLogger } from '../kernel/index.js';
import { createScrubber, normalizeErrorEvent } from '../normalize/index.js';
import { openStore, type Storage } from '../store/index.js';
import { clickHouseAvailable, startTestClickHouse, type TestClickHouse } from '../test-support/index.js';
import { createSourceMaps } from './source-maps.js';

// Quotes, non-ASCII, a U+2028 line separator and a long string: what a real bundle's sources hold.
const PADDING = 'x'.repeat(3_000_000);
const SOURCE = `
const LABEL = "prix «${'\u2028'}» 'ünïcode' \\"quoted\\"";
const BIG = "${PADDING}";
function parsePrice(raw) {
  throw new TypeError('invalid price: ' + raw + LABEL.length + BIG.length);
}
function computeTotal(items) {
  let s = 0;
  for (const i of items) s += parsePrice(i);
  return s;
}
globalThis.total = computeTotal;
`;

let js = '';
let map = '';
let ch: TestClickHouse | undefined;
const dir = mkdtempSync(join(tmpdir(), 'heed-sourcemap-stores-'));

before(async () => {
  const out = await build({
    stdin: { contents: SOURCE, sourcefile: 'src/cart.js', loader: 'js' },
    minify: true,
    sourcemap: 'external',
    format: 'iife',
    outfile: 'app.min.js',
    write: false,
    logLevel: 'silent',
  });
  js = out.outputFiles.find((f) => f.path.endsWith('.js'))?.text ?? '';
  map = out.outputFiles.find((f) => f.path.endsWith('.map'))?.text ?? '';
  if (clickHouseAvailable()) ch = await startTestClickHouse();
});
after(async () => {
  await ch?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function crashEnvelope(): Envelope {
  const ctx = vm.createContext({ TypeError });
  vm.runInContext(js, ctx, { filename: 'https://shop.example.com/assets/app.min.js', displayErrors: false });
  let err: unknown;
  try {
    vm.runInContext("total(['x'])", ctx, { displayErrors: false });
  } catch (e) {
    err = e;
  }
  const event = {
    event_id: 'b'.repeat(32),
    release: 'shop@7.0.0',
    platform: 'javascript',
    exception: { values: [exceptionFromError(defaultStackParser, err as Error)] },
  };
  return { header: {}, items: [{ type: 'event', header: { type: 'event' }, payload: Buffer.from(JSON.stringify(event)) }] };
}

function contract(kind: string, open: () => Promise<Storage>, skip: string | false) {
  describe(`source maps on ${kind}`, { skip }, () => {
    it('stores, lists, symbolicates from, replaces and deletes files', { timeout: 60_000 }, async () => {
      const store = await open();
      try {
        const maps = createSourceMaps({
          store,
          clock: Date.now,
          log: createLogger('silent'),
          maxFileBytes: 1 << 25,
          cacheBytes: 1 << 26,
          maxItemBytes: 1 << 20,
        });
        assert.ok(map.length > 3_000_000, `a map of ${map.length} bytes`);
        const up = await maps.upload(1, 'shop@7.0.0', '~/assets/app.min.js.map', Buffer.from(map));
        assert.ok(up.ok && !up.value.replaced);
        assert.ok((await maps.upload(1, 'shop@7.0.0', '~/assets/app.min.js', Buffer.from(js))).ok);
        assert.deepEqual(
          (await maps.list(1, 'shop@7.0.0')).map((f) => [f.name, f.type, f.size]),
          [
            ['~/assets/app.min.js', 'minified', Buffer.byteLength(js)],
            ['~/assets/app.min.js.map', 'sourcemap', Buffer.byteLength(map)],
          ],
        );
        // A fresh instance reads everything back from the store (no cache from the upload).
        const cold = createSourceMaps({
          store,
          clock: Date.now,
          log: createLogger('silent'),
          maxFileBytes: 1 << 25,
          cacheBytes: 1 << 26,
          maxItemBytes: 1 << 20,
        });
        const envelope = crashEnvelope();
        const symbolicate = await cold.prepare(1, envelope);
        assert.ok(symbolicate, 'the maps of the release were found');
        const ev = normalizeErrorEvent(JSON.parse(envelope.items[0]?.payload.toString() ?? ''), {
          receivedAt: Date.now(),
          scrubber: createScrubber([]),
          maxFutureMs: 60_000,
        });
        assert.ok(ev.ok);
        const frames = symbolicate(ev.value).exceptions[0]?.frames.filter((f) => f.raw) ?? [];
        assert.deepEqual(
          frames.map((f) => [f.filename, f.lineno, f.function]),
          [
            // U+2028 ends a line for JavaScript and for the map: the lines after it count one more.
            ['src/cart.js', 10, 'computeTotal'],
            ['src/cart.js', 6, 'parsePrice'],
          ],
        );
        assert.equal(frames[1]?.contextLine, "  throw new TypeError('invalid price: ' + raw + LABEL.length + BIG.length);");
        assert.deepEqual(frames[1]?.preContext?.slice(1, 3), ['const LABEL = "prix «', `» 'ünïcode' \\"quoted\\"";`]);
        const again = await maps.upload(1, 'shop@7.0.0', '~/assets/app.min.js.map', Buffer.from(map));
        assert.ok(again.ok && again.value.replaced);
        const files = await maps.list(1, 'shop@7.0.0');
        assert.equal(files.length, 2);
        for (const f of files) assert.equal(await maps.remove(1, 'shop@7.0.0', f.id), true);
        assert.deepEqual(await maps.list(1, 'shop@7.0.0'), []);
        assert.equal(await maps.remove(1, 'shop@7.0.0', files[0]?.id ?? 0), false);
        assert.deepEqual(await store.listDocs('sourcemap.blob', 1), [], 'no content left behind');
      } finally {
        await store.close();
      }
    });
  });
}

contract('sqlite', () => openStore({ kind: 'sqlite', dataDir: mkdtempSync(join(dir, 'sqlite-')), sync: 'normal' }), false);
contract(
  'clickhouse',
  async () => {
    if (!ch) throw new Error('clickhouse-server is not installed');
    const database = await ch.createDatabase();
    return openStore({
      kind: 'clickhouse',
      dataDir: dir,
      sync: 'normal',
      clickhouseUrl: ch.url,
      clickhouseDatabase: database,
      clickhouseUser: 'default',
      clickhousePassword: '',
    });
  },
  clickHouseAvailable() ? false : 'clickhouse-server is not installed',
);
