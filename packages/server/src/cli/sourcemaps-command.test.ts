/** `heed sourcemaps upload|list` against a running Heed, with a build esbuild wrote to disk. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { startChildHeed } from '../test-support/index.js';

const BIN = fileURLToPath(new URL('../../bin/heed.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'heed-cli-sourcemaps-'));
after(() => rmSync(dir, { recursive: true, force: true }));

it('uploads the maps and minified files of a build folder for a release, and lists them', { timeout: 60_000 }, async () => {
  mkdirSync(join(dir, 'src'));
  writeFileSync(join(dir, 'src', 'price.js'), "export function parsePrice(raw) { throw new TypeError('invalid price: ' + raw); }\n");
  writeFileSync(join(dir, 'src', 'main.js'), "import { parsePrice } from './price.js';\nglobalThis.pay = (x) => parsePrice(x);\n");
  const dist = join(dir, 'dist');
  await build({
    entryPoints: { app: join(dir, 'src', 'main.js'), 'vendor/other': join(dir, 'src', 'price.js') },
    bundle: true,
    minify: true,
    sourcemap: true,
    outdir: join(dist, 'js'),
    logLevel: 'silent',
  });
  const data = join(dir, 'data');
  const h = await startChildHeed(data);
  after(() => h.proc.kill('SIGKILL'));
  const heed = (...args: string[]) => {
    const r = spawnSync(process.execPath, [BIN, ...args, '--port', new URL(h.url).port, '--data', data], {
      encoding: 'utf8',
      env: { ...process.env, HEED_LOG_LEVEL: 'warn' },
      timeout: 30_000,
    });
    return { code: r.status, out: r.stdout, err: r.stderr };
  };
  const up = heed('sourcemaps', 'upload', '--release', 'shop@1.0.0', dist, '--url-prefix', '~/static');
  assert.equal(up.code, 0, up.err);
  assert.match(up.out, /^\[1\/4\] uploaded ~\/static\/js\/app\.js\.map \(sourcemap, [\d.]+ KB\)$/m);
  assert.match(up.out, /^\[2\/4\] uploaded ~\/static\/js\/app\.js \(minified, /m);
  assert.match(up.out, /^\[4\/4\] uploaded ~\/static\/js\/vendor\/other\.js \(minified, /m);
  const again = heed('sourcemaps', 'upload', '--release', 'shop@1.0.0', dist, '--url-prefix', '~/static/', '--json');
  assert.equal(again.code, 0, again.err);
  assert.deepEqual(
    (JSON.parse(again.out) as Array<{ replaced: boolean }>).map((f) => f.replaced),
    [true, true, true, true],
  );
  const list = JSON.parse(heed('sourcemaps', 'list', '--release', 'shop@1.0.0', '--json').out) as Array<{ name: string; type: string }>;
  assert.deepEqual(
    list.map((f) => [f.name, f.type]),
    [
      ['~/static/js/app.js', 'minified'],
      ['~/static/js/app.js.map', 'sourcemap'],
      ['~/static/js/vendor/other.js', 'minified'],
      ['~/static/js/vendor/other.js.map', 'sourcemap'],
    ],
  );
  assert.match(heed('sourcemaps', 'list', '--release', 'shop@0.1.0').out, /No files for shop@0\.1\.0/);
  // --dist: the same names under a dist are other files (not replacements), listed with their dist.
  const withDist = heed('sourcemaps', 'upload', '--release', 'shop@1.0.0', dist, '--url-prefix', '~/static/', '--dist', 'web-7', '--json');
  assert.equal(withDist.code, 0, withDist.err);
  assert.deepEqual(
    (JSON.parse(withDist.out) as Array<{ replaced: boolean; dist?: string }>).map((f) => [f.replaced, f.dist]),
    [
      [false, 'web-7'],
      [false, 'web-7'],
      [false, 'web-7'],
      [false, 'web-7'],
    ],
  );
  const listed = JSON.parse(heed('sourcemaps', 'list', '--release', 'shop@1.0.0', '--json').out) as Array<{ dist?: string }>;
  assert.equal(listed.length, 8);
  assert.equal(listed.filter((f) => f.dist === 'web-7').length, 4);
  assert.equal(heed('sourcemaps', 'upload', '--release', 'shop@1.0.0', dist, '--dist', 'has space').code, 1, 'a bad dist is refused');
  writeFileSync(join(dist, 'js', 'broken.js.map'), '{"version": 3, "sources": [], "mappings": "!!"}');
  const bad = heed('sourcemaps', 'upload', '--release', 'shop@1.0.0', join(dist, 'js'));
  assert.equal(bad.code, 1);
  assert.match(bad.err, /400 sourcemap\.invalid: ~\/broken\.js\.map: .*base64 VLQ/);
  assert.equal(heed('sourcemaps', 'upload', join(dist, 'js')).code, 2, 'no --release');
});
