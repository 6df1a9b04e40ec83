/**
 * What the server acknowledged survives a crash: Heed runs as a child process, takes batches from
 * several concurrent senders, is killed with SIGKILL mid-stream, restarts, and must hold every
 * acknowledged batch in full.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { startChildHeed } from './test-support/index.js';

const dir = mkdtempSync(join(tmpdir(), 'heed-durability-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const PER_BATCH = 50;

async function segments(url: string, token: string, projectId: number): Promise<Map<string, number>> {
  const r = await fetch(`${url}/api/v1/projects/${projectId}/segments?kpi=order&by=batch&from=-1h`, {
    headers: { authorization: `Bearer ${token}` },
  });
  const body = (await r.json()) as { segments: Array<{ value: string; total: number }> };
  return new Map(body.segments.map((s) => [s.value, s.total]));
}

describe('durability', () => {
  it('every acknowledged event survives kill -9', { timeout: 90_000 }, async () => {
    const data = join(dir, 'kill9');
    const first = await startChildHeed(data);
    const acked = new Set<string>();
    let next = 0;
    let killed = false;
    const sender = async () => {
      while (!killed) {
        const id = `b${next++}`;
        const events = Array.from({ length: PER_BATCH }, (_, i) => ({ name: 'order', value: i, tags: { batch: id } }));
        try {
          const r = await fetch(`${first.url}/api/${first.project.id}/events`, {
            method: 'POST',
            headers: { authorization: `Bearer ${first.project.key}`, 'content-type': 'application/json' },
            body: JSON.stringify(events),
          });
          if (r.status === 200) acked.add(id);
        } catch {
          return; // the server died under this request: not acknowledged
        }
      }
    };
    const senders = Array.from({ length: 4 }, sender);
    while (acked.size < 150) await new Promise((r) => setTimeout(r, 5));
    const inFlight = next - acked.size;
    first.proc.kill('SIGKILL');
    killed = true;
    assert.ok(inFlight > 0, 'batches were in flight at the kill');
    const exit = await first.exited;
    assert.equal(exit.signal, 'SIGKILL');
    await Promise.all(senders);
    const ackedAtKill = acked.size;

    const second = await startChildHeed(data);
    const got = await segments(second.url, second.adminToken, second.project.id);
    const missing = [...acked].filter((id) => got.get(id) !== PER_BATCH);
    assert.deepEqual(missing, [], `acknowledged batches missing or partial after kill -9 (of ${ackedAtKill})`);
    // Nothing is half-written: a batch is all there or not at all.
    for (const [id, n] of got) assert.equal(n, PER_BATCH, `batch ${id}`);
    second.proc.kill('SIGTERM');
    assert.equal((await second.exited).code, 0);
  });

  it('SIGTERM flushes, exits 0, and the data is there on the next start', { timeout: 60_000 }, async () => {
    const data = join(dir, 'term');
    const a = await startChildHeed(data);
    const r = await fetch(`${a.url}/api/${a.project.id}/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${a.project.key}` },
      body: JSON.stringify([{ name: 'order', tags: { batch: 'x' } }]),
    });
    assert.equal(r.status, 200);
    a.proc.kill('SIGTERM');
    assert.equal((await a.exited).code, 0, a.stderr());
    const b = await startChildHeed(data);
    assert.equal(b.adminToken, a.adminToken, 'the admin token is kept in the store');
    assert.equal(b.project.key, a.project.key);
    assert.equal((await segments(b.url, b.adminToken, b.project.id)).get('x'), 1);
    b.proc.kill('SIGTERM');
    await b.exited;
  });
});
