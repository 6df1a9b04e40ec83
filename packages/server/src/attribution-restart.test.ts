/**
 * Segment attribution survives a real restart: `heed start` (SQLite) sees three browsers, one of
 * which stops, is stopped with SIGTERM (which saves the detector states and rings), starts again,
 * and answers `GET .../kpis/checkout/attribution` over the same past seconds as before.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { adminApi, type ChildHeed, startChildHeed, waitUntil } from './test-support/index.js';

const dir = mkdtempSync(join(tmpdir(), 'heed-attribution-restart-'));
after(() => rmSync(dir, { recursive: true, force: true }));

interface Answer {
  verdict: string;
  total?: { observed: number; expected: number };
  segments: Array<{ value: string; observed: number }>;
}

const attribution = (node: ChildHeed, from: number, to: number) =>
  adminApi<Answer>(node, `/api/v1/projects/${node.project.id}/kpis/checkout/attribution?from=${from}&to=${to}`);

describe('attribution across a restart', () => {
  it('answers for the seconds before a SIGTERM restart as it did before it', { timeout: 90_000 }, async () => {
    const data = join(dir, 'sqlite');
    const first = await startChildHeed(data);
    // Eight live seconds: Chrome 4 and Firefox 2 a second throughout, Safari 6 a second for the first four.
    const start = Math.floor(Date.now() / 1000) + 1;
    await new Promise((r) => setTimeout(r, start * 1000 - Date.now()));
    let sent = 0;
    for (let k = 0; k < 8; k++) {
      const ts = start + k;
      const events = [
        { name: 'checkout', ts, count: 4, tags: { browser: 'Chrome' } },
        { name: 'checkout', ts, count: 2, tags: { browser: 'Firefox' } },
        ...(k < 4 ? [{ name: 'checkout', ts, count: 6, tags: { browser: 'Safari' } }] : []),
      ];
      const r = await fetch(`${first.url}/api/${first.project.id}/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${first.project.key}`, 'content-type': 'application/json' },
        body: JSON.stringify(events),
      });
      assert.equal(r.status, 200, await r.text());
      sent += k < 4 ? 12 : 6;
      await new Promise((res) => setTimeout(res, (ts + 1) * 1000 - Date.now()));
    }
    const to = start + 8;
    let before: Answer | undefined;
    await waitUntil(
      'the eight seconds judged',
      async () => {
        before = await attribution(first, start, to);
        return before.total?.observed === sent;
      },
      15_000,
    );
    assert.ok(before && before.segments.length >= 2, JSON.stringify(before));

    first.proc.kill('SIGTERM');
    assert.equal((await first.exited).code, 0, first.stderr());
    const second = await startChildHeed(data);
    try {
      // Nothing sent since the restart: the saved rings answer, each second where it was.
      assert.deepEqual(await attribution(second, start, to), before);
      const late = await attribution(second, start + 4, to);
      assert.equal(late.total?.observed, 24, 'Safari stopped four seconds in: Chrome and Firefox alone after');
    } finally {
      second.proc.kill('SIGTERM');
      await second.exited;
    }
  });
});
