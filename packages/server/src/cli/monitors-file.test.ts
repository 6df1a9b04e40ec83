/**
 * @module Monitors files in YAML: the YAML example is the JSON example; `heed verify` gives syntax
 * errors with their line and column and schema errors with their path and position (exit 1);
 * `heed apply` and `heed status` take a YAML file as they take a JSON one.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { verifyDeclaration } from '../monitors/index.js';
import { startChildHeed } from '../test-support/index.js';
import { loadMonitors } from './monitors-command.js';
import { pathSegments, readMonitorsFile } from './monitors-file.js';

const BIN = fileURLToPath(new URL('../../bin/heed.mjs', import.meta.url));
const DOCS = fileURLToPath(new URL('../../../../docs/', import.meta.url));
const YAML_EXAMPLE = join(DOCS, 'heed.monitors.example.yaml');
const JSON_EXAMPLE = join(DOCS, 'heed.monitors.example.json');
const dir = mkdtempSync(join(tmpdir(), 'heed-monitors-yaml-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const SECRET = { SHOP_WEBHOOK_SECRET: 'a-long-webhook-secret' };

function heed(args: string[], env: Record<string, string> = SECRET) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, HEED_LOG_LEVEL: 'warn', ...env },
    timeout: 60_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

describe('monitors files in YAML', () => {
  it('the YAML example parses to the same declaration as the JSON example', async () => {
    const y = await readMonitorsFile(YAML_EXAMPLE);
    const j = await readMonitorsFile(JSON_EXAMPLE);
    assert.equal(y.problem, undefined);
    assert.deepEqual(y.raw, j.raw);
    const dy = verifyDeclaration(y.raw);
    assert.deepEqual(dy.problems, []);
    assert.deepEqual(dy.declaration, verifyDeclaration(j.raw).declaration);
    // Through the loader, with ${env:...} substituted: valid, and the same object sent to the server.
    const ly = await loadMonitors(YAML_EXAMPLE, SECRET);
    assert.deepEqual(ly.problems, []);
    assert.deepEqual(ly.raw, (await loadMonitors(JSON_EXAMPLE, SECRET)).raw);
    assert.equal((ly.raw as { channels: { ops: { secret: string } } }).channels.ops.secret, SECRET.SHOP_WEBHOOK_SECRET);
  });

  it('heed verify gives a YAML syntax error with its line and column, exit 1', () => {
    const bad = file('bad-indent.yaml', 'version: 1\nkpis:\n  signup:\n    kind: count\n   direction: drop\n');
    const r = heed(['verify', bad]);
    assert.equal(r.code, 1, r.out);
    assert.match(r.err, /Not valid YAML at line 5, column \d+: All mapping items must start at the same column/);
    const twice = file('twice.yml', 'kpis:\n  signup: { kind: count }\n  signup: { kind: gauge }\n');
    const q = heed(['verify', twice, '--json']);
    assert.equal(q.code, 1);
    const problem = JSON.parse(q.out).problems[0];
    assert.equal(problem.path, '(file)');
    assert.deepEqual([problem.line, problem.column], [3, 3], problem.message);
    assert.equal(problem.message, 'Not valid YAML at line 3, column 3: Map keys must be unique.');
    // A cycle (an alias inside its own anchor) and an alias bomb are file problems, not crashes.
    const cycle = heed(['verify', file('cycle.yaml', 'kpis: &a\n  loop: *a\n')]);
    assert.equal(cycle.code, 1, cycle.err);
    assert.match(cycle.err, /an alias refers to its own anchor/);
    const laughs = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 10; i++)
      laughs.push(
        `${'abcdefghij'[i]}: &${'abcdefghij'[i]} [${Array(9)
          .fill(`*${'abcdefghij'[i - 1]}`)
          .join(',')}]`,
      );
    const bomb = heed(['verify', file('bomb.yaml', `${laughs.join('\n')}\n`)]);
    assert.equal(bomb.code, 1, bomb.err);
    assert.match(bomb.err, /Not valid YAML.*[Aa]lias/);
  });

  it('heed verify gives schema errors with their path, line and column, exit 1', () => {
    const bad = file(
      'bad-schema.yaml',
      [
        'version: 1',
        'kpis:',
        '  signup: { kind: count }',
        '  checkout.started:',
        '    direction: up',
        'routes:',
        '  - channels: [nope]',
        '',
      ].join('\n'),
    );
    const r = heed(['verify', bad]);
    assert.equal(r.code, 1, r.out);
    assert.match(r.err, /2 problem\(s\)/);
    assert.match(r.err, /kpis\.checkout\.started\.direction \(line 5, column 16\): `direction` must be "drop", "spike" or "both"\./);
    assert.match(r.err, /routes\[0\]\.channels \(line 7, column 15\): No channel 'nope' is declared/);
    const j = JSON.parse(heed(['verify', bad, '--json']).out);
    assert.deepEqual(
      j.problems.map((p: { path: string; line: number; column: number }) => [p.path, p.line, p.column]),
      [
        ['kpis.checkout.started.direction', 5, 16],
        ['routes[0].channels', 7, 15],
      ],
    );
    const ok = heed(['verify', YAML_EXAMPLE]);
    assert.equal(ok.code, 0, ok.err);
    assert.match(ok.out, /valid\./);
  });

  it('problem paths are split on the declared names, dots included', () => {
    const raw = { kpis: { 'checkout.started': { direction: 'up' } }, routes: [{ channels: ['x'] }] };
    assert.deepEqual(pathSegments('kpis.checkout.started.direction', raw), ['kpis', 'checkout.started', 'direction']);
    assert.deepEqual(pathSegments('routes[0].channels', raw), ['routes', 0, 'channels']);
    assert.deepEqual(pathSegments('rules.none', raw), []);
  });

  it('heed apply and heed status take a YAML file; the JSON example is then already applied', async () => {
    const data = join(dir, 'data');
    const h = await startChildHeed(data);
    after(() => h.proc.kill('SIGKILL'));
    const port = new URL(h.url).port;
    // The examples name their secret SHOP_WEBHOOK_SECRET: with --data the CLI reads Heed's
    // configuration, which refuses unknown HEED_* variables.
    const env = SECRET;
    const copy = (from: string, name: string) => file(name, readFileSync(from, 'utf8'));
    const yaml = copy(YAML_EXAMPLE, 'heed.monitors.yaml');
    const json = copy(JSON_EXAMPLE, 'heed.monitors.json');
    const applied = heed(['apply', yaml, '--port', port, '--data', data, '--yes', '--json'], env);
    assert.equal(applied.code, 0, applied.err);
    const a = JSON.parse(applied.out);
    assert.equal(a.applied, true);
    assert.ok(a.changes.some((c: { section: string; name: string }) => c.section === 'kpis' && c.name === 'signup'));
    const again = heed(['apply', json, '--port', port, '--data', data, '--yes'], env);
    assert.equal(again.code, 0, again.err);
    assert.match(again.out, /Up to date: nothing to change\./);
    const status = heed(['status', '--port', port, '--data', data, '--json'], {});
    const s = JSON.parse(status.out);
    // Exit 3 when a declaration is firing (the example's health check points at an unreachable host).
    assert.equal(status.code, s.monitors.some((m: { state: string }) => m.state === 'firing') ? 3 : 0, status.err);
    assert.equal(s.applied, true);
    assert.ok(s.monitors.some((m: { name: string }) => m.name === 'purchase'));
    const line = (section: string) => s.monitors.find((m: { section: string }) => m.section === section);
    assert.deepEqual([line('ratios')?.name, line('ratios')?.state], ['conversion', 'no_data']);
    assert.equal(line('holidays')?.name, 'Europe/Paris');
    assert.match(line('holidays')?.detail, /^2 date\(s\) declared; (next \d{4}-\d\d-\d\d|none ahead)$/);
    const bad = heed(['apply', join(dir, 'bad-schema.yaml'), '--port', port, '--data', data, '--yes'], {});
    assert.equal(bad.code, 1);
    assert.match(bad.err, /kpis\.checkout\.started\.direction \(line 5, column 16\)/);
  });
});
