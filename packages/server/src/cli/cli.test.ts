/** The heed command as users run it: help everywhere, projects, config print, import into a running Heed. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startChildHeed } from '../test-support/index.js';

const BIN = fileURLToPath(new URL('../../bin/heed.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'heed-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function heed(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, HEED_LOG_LEVEL: 'warn', ...env },
    timeout: 60_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('heed CLI', () => {
  it('answers --help on every command and subcommand', () => {
    const top = heed(['--help']);
    assert.equal(top.code, 0);
    const commands = [...top.out.matchAll(/^ {2}(\S+(?: [a-z-]+)?)\s{2,}/gm)].map((m) => (m[1] as string).split(' '));
    assert.ok(commands.length >= 6, top.out);
    for (const c of commands) {
      const r = heed([...c, '--help']);
      assert.equal(r.code, 0, `${c.join(' ')} --help: ${r.err}`);
      assert.match(r.out, /^Usage: heed /m, c.join(' '));
      assert.match(r.out, /--help/);
    }
    assert.equal(heed(['projects', '--help']).code, 0);
  });

  it('says what is wrong with a bad flag or command, with exit code 2', () => {
    const r = heed(['start', '--prot', '1']);
    assert.equal(r.code, 2);
    assert.match(r.err, /--prot/);
    assert.match(r.err, /Usage: heed start/);
    const u = heed(['frobnicate']);
    assert.equal(u.code, 2);
    assert.match(u.err, /Unknown command 'frobnicate'/);
  });

  it('creates, lists and re-keys projects with --json', () => {
    const data = join(dir, 'projects');
    const c = heed(['projects', 'create', 'web shop', '--data', data, '--json']);
    assert.equal(c.code, 0, c.err);
    const p = JSON.parse(c.out);
    assert.equal(p.name, 'web shop');
    assert.match(p.dsn, new RegExp(`^http://[A-Za-z0-9_]+@127\\.0\\.0\\.1:7600/${p.id}$`));
    const list = JSON.parse(heed(['projects', 'list', '--data', data, '--json']).out);
    assert.deepEqual(
      list.map((x: { name: string }) => x.name),
      ['web shop'],
    );
    const r = JSON.parse(heed(['projects', 'rotate-key', String(p.id), '--data', data, '--json']).out);
    assert.notEqual(r.key, p.key);
    const missing = heed(['projects', 'rotate-key', '99', '--data', data]);
    assert.equal(missing.code, 2);
    assert.match(missing.err, /No project has id 99/);
    assert.equal(heed(['projects', 'create', '--data', data]).code, 2);
  });

  it('prints the effective config with sources, secrets masked, and refuses bad values', () => {
    const r = heed(['config', 'print', '--json', '--port', '9000'], { HEED_ADMIN_TOKEN: 'supersecrettoken', HEED_STORE_KIND: 'memory' });
    assert.equal(r.code, 0, r.err);
    const cfg = JSON.parse(r.out);
    assert.deepEqual(cfg['server.port'], { value: 9000, source: 'flag' });
    assert.deepEqual(cfg['store.kind'], { value: 'memory', source: 'env' });
    assert.equal(cfg['server.host'].source, 'default');
    assert.ok(!r.out.includes('supersecrettoken'));
    assert.match(cfg['auth.adminToken'].value, /masked/);
    const bad = heed(['config', 'print'], { HEED_STORE_KIND: 'pg' });
    assert.equal(bad.code, 2);
    assert.match(bad.err, /'store.kind' \(from HEED_STORE_KIND\) must be 'sqlite' or 'memory' or 'clickhouse': current value is 'pg'/);
    const typo = heed(['config', 'print'], { HEED_SERVER_PROT: '1' });
    assert.match(typo.err, /Unknown environment variable HEED_SERVER_PROT/);
    const file = join(dir, 'bad.json');
    writeFileSync(file, '{"server":{"port":"x"}}');
    assert.match(heed(['config', 'print', '--config', file]).err, /'server.port' \(in .*bad.json\) must be an integer/);
  });

  it('imports NDJSON and CSV history into a running Heed, reporting rejected lines', { timeout: 60_000 }, async () => {
    const data = join(dir, 'import');
    const h = await startChildHeed(data);
    after(() => h.proc.kill('SIGKILL'));
    const day = Date.UTC(2026, 0, 5) / 1000;
    const nd = join(dir, 'history.ndjson');
    const lines = [];
    for (let m = 0; m < 100; m++)
      lines.push(JSON.stringify({ name: 'signup', ts: day + m * 60, count: 3, tags: { plan: m % 2 ? 'pro' : 'free' } }));
    lines.splice(10, 0, '{"name": broken');
    writeFileSync(nd, `${lines.join('\n')}\n`);
    const port = new URL(h.url).port;
    const r = heed(['import', nd, '--port', port, '--data', data, '--batch', '30', '--json']);
    assert.equal(r.code, 1, 'a rejected line makes the exit code 1');
    const sum = JSON.parse(r.out);
    assert.equal(sum.accepted, 100);
    assert.equal(sum.rejected, 1);
    assert.deepEqual(sum.firstRejections[0].line, 11);
    assert.match(r.err, /import: 100%/);

    const csv = join(dir, 'checkouts.csv');
    const rows = ['timestamp,value'];
    for (let m = 0; m < 60; m++) rows.push(`${new Date((day + m * 60) * 1000).toISOString().replace('T', ' ').slice(0, 19)},${m % 5}`);
    writeFileSync(csv, `${rows.join('\n')}\n`);
    const c = heed(['import', csv, '--name', 'checkout', '--url', h.url, '--token', h.adminToken, '--json']);
    assert.equal(c.code, 0, c.err);
    assert.equal(JSON.parse(c.out).accepted, 60);

    const q = async (kpi: string) => {
      const res = await fetch(`${h.url}/api/v1/projects/1/query?kpi=${kpi}&from=${day}&to=${day + 6000}&step=6000`, {
        headers: { authorization: `Bearer ${h.adminToken}` },
      });
      return (await res.json()) as { lines: Array<{ total: number }> };
    };
    assert.equal((await q('signup')).lines[0]?.total, 300);
    assert.equal((await q('checkout')).lines[0]?.total, 120);
    h.proc.kill('SIGTERM');
    await h.exited;
  });

  it('lists, acknowledges and resolves incidents, and reports MTTx, against a running Heed', { timeout: 60_000 }, async () => {
    const data = join(dir, 'incidents');
    const h = await startChildHeed(data);
    after(() => h.proc.kill('SIGKILL'));
    const port = new URL(h.url).port;
    const rule = await fetch(`${h.url}/api/v1/projects/1/rules`, {
      method: 'POST',
      headers: { authorization: `Bearer ${h.adminToken}` },
      body: JSON.stringify({ name: 'No checkouts', kpi: 'checkout', kind: 'absence', windowSeconds: 1 }),
    });
    assert.equal(rule.status, 201);
    let list: Array<{ id: number; status: string; title: string }> = [];
    for (let i = 0; i < 50 && list.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 200));
      const r = heed(['incidents', 'list', '--port', port, '--data', data, '--json']);
      assert.equal(r.code, 0, r.err);
      list = JSON.parse(r.out);
    }
    assert.equal(list[0]?.title, 'No checkouts');
    assert.match(heed(['incidents', 'list', '--port', port, '--data', data]).out, /#1 +triggered +critical .*No checkouts \(1 alert\)/);
    const ack = heed(['incidents', 'ack', '1', '--by', 'ana', '--port', port, '--data', data]);
    assert.equal(ack.code, 0, ack.err);
    assert.match(ack.out, /#1 is acknowledged/);
    assert.match(heed(['incidents', 'resolve', '1', '--port', port, '--data', data]).out, /#1 is resolved/);
    assert.match(heed(['incidents', 'ack', '99', '--port', port, '--data', data]).err, /404 incident.not_found/);
    const rep = JSON.parse(heed(['report', '--port', port, '--data', data, '--json']).out);
    assert.equal(rep.incidents, 1);
    assert.equal(rep.mtta.n, 1);
    assert.match(heed(['report', '--port', port, '--data', data]).out, /MTTR {2}onset to resolution +median/);
  });
});
