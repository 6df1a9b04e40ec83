/** @module Tests of `heed backtest`: the file contract (paths, columns, one row per input row) and alerts. */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { backtestCommand, parseTimestamp } from './backtest-command.js';
import { runCli } from './main.js';

const dir = mkdtempSync(join(tmpdir(), 'heed-backtest-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function series(minutes: number, outageFrom: number): string {
  const rows = ['timestamp,value'];
  let seed = 7;
  for (let i = 0; i < minutes; i++) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    const noise = (seed / 2 ** 31 - 0.5) * 10;
    const v = i >= outageFrom && i < outageFrom + 60 ? 0 : Math.max(0, Math.round(50 + 20 * Math.sin((2 * Math.PI * i) / 1440) + noise));
    rows.push(`${new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString().replace('T', ' ').slice(0, 19)},${v}`);
  }
  return `${rows.join('\n')}\n`;
}

describe('heed backtest', () => {
  it('reads timestamps as ISO (UTC by default) or epoch seconds / milliseconds', () => {
    assert.equal(parseTimestamp('2024-01-01 00:00:00'), 1_704_067_200);
    assert.equal(parseTimestamp('2024-01-01T01:00:00+01:00'), 1_704_067_200);
    assert.equal(parseTimestamp('1704067200'), 1_704_067_200);
    assert.equal(parseTimestamp('1704067200000'), 1_704_067_200);
  });

  it('writes one CSV per input CSV at the same relative path, one row per input row', async () => {
    const input = join(dir, 'in');
    const output = join(dir, 'out');
    mkdirSync(join(input, 'shop'), { recursive: true });
    const csv = series(3 * 1440, 2 * 1440 + 300);
    writeFileSync(join(input, 'shop', 'checkouts.csv'), csv);
    writeFileSync(join(input, 'flat.csv'), 'timestamp,value\n2024-01-01 00:00:00,1.5\n2024-01-01 00:01:00,1.5\n');
    const code = await backtestCommand(['--input', input, '--output', output, '--kind', 'auto', '--json']);
    assert.equal(code, 0);
    const lines = readFileSync(join(output, 'shop', 'checkouts.csv'), 'utf8')
      .trim()
      .split('\n');
    const inLines = csv.trim().split('\n');
    assert.equal(lines[0], 'timestamp,value,anomaly_score,alert');
    assert.equal(lines.length, inLines.length);
    for (let i = 1; i < lines.length; i++) {
      const [ts, v, score, alert] = (lines[i] as string).split(',');
      const [its, iv] = (inLines[i] as string).split(',');
      assert.equal(ts, its);
      assert.equal(v, iv);
      assert.ok(Number(score) >= 0 && Number(score) < 1);
      assert.ok(alert === '0' || alert === '1');
    }
    const alerts = lines.slice(1).map((l, i) => ({ i, a: l.endsWith(',1') }));
    const outage = 2 * 1440 + 300;
    assert.ok(
      alerts.some(({ i, a }) => a && i >= outage && i < outage + 10),
      'the outage is alerted within 10 minutes',
    );
    assert.equal(readFileSync(join(output, 'flat.csv'), 'utf8').trim().split('\n').length, 3);
  });

  it('is registered in the CLI and refuses bad usage', async () => {
    const err = process.stderr.write;
    process.stderr.write = () => true;
    try {
      assert.equal(await runCli(['backtest', '--input', join(dir, 'nope'), '--output', join(dir, 'x')]), 2);
      assert.equal(await runCli(['backtest', '--input', dir, '--output', join(dir, 'x'), '--kind', 'ratio']), 2);
    } finally {
      process.stderr.write = err;
    }
  });
});
