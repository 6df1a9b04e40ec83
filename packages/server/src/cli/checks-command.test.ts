/** `heed checks` and `heed heartbeats` against a running Heed. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startChildHeed } from '../test-support/index.js';

const BIN = fileURLToPath(new URL('../../bin/heed.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'heed-cli-checks-'));
after(() => rmSync(dir, { recursive: true, force: true }));

it('adds, lists and removes checks and heartbeats', { timeout: 60_000 }, async () => {
  const data = join(dir, 'data');
  const h = await startChildHeed(data);
  after(() => h.proc.kill('SIGKILL'));
  const dep = createServer((_req, res) => res.writeHead(200).end('ok'));
  after(() => dep.close());
  await new Promise<void>((r) => dep.listen(0, '127.0.0.1', r));
  const depUrl = `http://127.0.0.1:${(dep.address() as AddressInfo).port}/health`;
  const conn = ['--port', new URL(h.url).port, '--data', data];
  const heed = (...args: string[]) => {
    const r = spawnSync(process.execPath, [BIN, ...args, ...conn], {
      encoding: 'utf8',
      env: { ...process.env, HEED_LOG_LEVEL: 'warn' },
      timeout: 30_000,
    });
    return { code: r.status, out: r.stdout, err: r.stderr };
  };
  const added = heed('checks', 'add', 'payments', depUrl, '--interval', '1', '--slow', '500', '--header', 'X-Probe: heed');
  assert.equal(added.code, 0, added.err);
  assert.match(added.out, /Added check #1 payments: .* every 1 s/);
  const bad = heed('checks', 'add', 'payments', 'not a target');
  assert.equal(bad.code, 1);
  assert.match(bad.err, /check.invalid/);
  let listed = '';
  for (let i = 0; i < 20 && !/ up /.test(listed); i++) {
    await new Promise((r) => setTimeout(r, 200));
    listed = heed('checks', 'list').out;
  }
  assert.match(listed, /#1 +up .*payments: http:\/\/127\.0\.0\.1:\d+\/health \d/);
  const hb = heed('heartbeats', 'add', 'nightly-export', '0 3 * * *', '--timezone', 'Europe/Berlin', '--grace', '600');
  assert.equal(hb.code, 0, hb.err);
  assert.match(hb.out, /curl -fsS 'http:\/\/127\.0\.0\.1:\d+\/api\/1\/heartbeat\/nightly-export\?key=/);
  const beats = JSON.parse(heed('heartbeats', 'list', '--json').out);
  assert.equal(beats[0].spec.schedule.expr, '0 3 * * *');
  assert.match(heed('checks', 'remove', '1').out, /Removed #1/);
  assert.match(heed('checks', 'remove', '1').err, /404 check.not_found/);
  assert.match(heed('heartbeats', 'remove', String(beats[0].id)).out, /Removed/);
  assert.equal(heed('checks', 'list').out.trim(), 'No checks.');
});
