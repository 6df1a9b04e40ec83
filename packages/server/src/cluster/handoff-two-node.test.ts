/**
 * Two `heed start` processes on one ClickHouse: the node that owns a KPI's series is killed with
 * SIGKILL right after the KPI drops to zero, before it judged the silence; the survivor resumes the
 * series from its persisted state, re-judges the seconds since, and pages exactly once. Also: an
 * event ingested at one node shows in the other node's live stream (SSE).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createDetector, primedState } from '../detect/index.js';
import { hashedSeriesId } from '../store/index.js';
import {
  type ChildHeed,
  clickHouseAvailable,
  loggedLines as logged,
  startChildHeed,
  startTestClickHouse,
  type TestClickHouse,
  waitUntil as until,
} from '../test-support/index.js';
import { ownerKey, score } from './index.js';

const dir = mkdtempSync(join(tmpdir(), 'heed-handoff-'));
let ch: TestClickHouse | undefined;
const children: ChildHeed[] = [];
before(async () => {
  if (clickHouseAvailable()) ch = await startTestClickHouse();
});
after(async () => {
  for (const c of children) if (c.proc.exitCode === null && c.proc.signalCode === null) c.proc.kill('SIGKILL');
  await ch?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const send = (node: ChildHeed, events: object[]) =>
  fetch(`${node.url}/api/${node.project.id}/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${node.project.key}`, 'content-type': 'application/json' },
    body: JSON.stringify(events),
  });

describe('two nodes: hand-over of a series mid-outage', () => {
  it('the survivor of kill -9 pages once for a drop that began under the dead owner; the live stream shows every node', {
    timeout: 150_000,
  }, async (t) => {
    if (!ch) throw new Error('clickhouse-server is not installed: apt-get install clickhouse-server clickhouse-client');
    const database = await ch.createDatabase('handoff');
    const env = {
      HEED_STORE_KIND: 'clickhouse',
      HEED_STORE_CLICKHOUSE_URL: ch.url,
      HEED_STORE_CLICKHOUSE_DATABASE: database,
      HEED_LOG_LEVEL: 'info',
    };
    const a = await startChildHeed(join(dir, 'a'), env);
    children.push(a);
    const b = await startChildHeed(join(dir, 'b'), env);
    children.push(b);
    const pid = a.project.id;
    const idOf = (node: ChildHeed) => logged(node, 'joined the cluster')[0]?.nodeId as string;
    await until(
      'both nodes to see each other',
      () => logged(b, 'cluster membership changed').some((l) => (l.nodes as string[]).length === 2),
      15_000,
    );

    // The live stream of b shows what a ingested.
    const ctrl = new AbortController();
    const stream = await fetch(`${b.url}/api/v1/projects/${pid}/stream?kpi=seen_at_a`, {
      headers: { authorization: `Bearer ${b.adminToken}` },
      signal: ctrl.signal,
    });
    assert.equal(stream.status, 200);
    let text = '';
    const reading = (async () => {
      const dec = new TextDecoder();
      try {
        for await (const chunk of stream.body as unknown as AsyncIterable<Uint8Array>) text += dec.decode(chunk);
      } catch {
        // aborted
      }
    })();
    // b's feed has read the store once (its first read only learns what is there).
    await until('b to stream', () => text.includes('event: tick'), 10_000);
    const sentAt = Date.now();
    assert.equal(
      (
        await send(
          a,
          Array.from({ length: 7 }, () => ({ name: 'seen_at_a' })),
        )
      ).status,
      200,
    );
    const counted = () => text.split('\n').some((l) => l.startsWith('data: ') && JSON.parse(l.slice(6)).kpis?.seen_at_a?.count === 7);
    await until('the event ingested at a in the live stream of b', counted, 10_000);
    const sseLag = Date.now() - sentAt;
    ctrl.abort();
    await reading;

    // A KPI whose series a owns (ownership is a hash of the KPI over the live nodes).
    const [ida, idb] = [idOf(a), idOf(b)];
    let kpi = '';
    for (let i = 0; !kpi; i++) if (score(ida, ownerKey(pid, `orders${i}`)) > score(idb, ownerKey(pid, `orders${i}`))) kpi = `orders${i}`;
    const sid = hashedSeriesId(pid, kpi, '', () => false);
    // Its detector has already learned 20 events a second (no 48 h warm-up in a test): the state
    // that a node would have persisted, as if it had watched the series through its warm-up.
    const RATE = 20;
    const now = Date.now() / 1000;
    const state = primedState(createDetector({ kind: 'count', label: kpi }), RATE, now);
    const body = JSON.stringify({ cursor: now, state, alerting: false });
    await ch.query(
      `INSERT INTO ${database}.detector_states FORMAT JSONEachRow ${JSON.stringify({ series_id: sid, cursor: now, body, node_id: 'seed', ver: 1 })}`,
    );
    // Steady traffic through b (the survivor), judged by a (the owner), for 15 s: 5 events per
    // quarter second, stamped with their slot's time, so a slow request on a busy machine does not
    // look like a drop.
    let sending = true;
    const sender = (async () => {
      const start = Date.now();
      for (let slot = 0; sending; slot++) {
        const at = start + slot * 250;
        const events = Array.from({ length: RATE / 4 }, (_, i) => ({ name: kpi, ts: at + i * 50 }));
        const r = await send(b, events);
        assert.equal(r.status, 200);
        await sleep(Math.max(0, at + 250 - Date.now()));
      }
    })();
    await sleep(15_000);
    assert.ok(logged(a, 'resumed series from their persisted detector states').length > 0, 'a took the seeded state');
    // The drop: nothing more arrives. a dies before it has judged the silence (it waits over a second).
    sending = false;
    await sender;
    await sleep(700);
    a.proc.kill('SIGKILL');
    const killedAt = Date.now();
    assert.equal((await a.exited).signal, 'SIGKILL');
    assert.deepEqual(
      logged(a, 'anomaly').filter((l) => l.kpi === kpi),
      [],
      'the owner died before it judged the drop',
    );

    type Incident = { id: number; status: string; alerts: Array<{ key: string }> };
    const incidents = async () => {
      const r = await fetch(`${b.url}/api/v1/projects/${pid}/incidents`, { headers: { authorization: `Bearer ${b.adminToken}` } });
      return ((await r.json()) as { incidents: Incident[] }).incidents;
    };
    await until('an incident for the drop', async () => (await incidents()).length > 0, 30_000);
    const pagedAfter = Date.now() - killedAt;
    await sleep(6000); // a second alert for the same drop would have come by now
    const all = await incidents();
    assert.equal(all.length, 1, JSON.stringify(all.map((i) => ({ id: i.id, keys: i.alerts.map((x) => x.key) }))));
    assert.deepEqual(
      all[0]?.alerts.map((x) => x.key),
      [`kpi:${sid}`],
    );
    const raised = logged(b, 'anomaly').filter((l) => l.kpi === kpi && (l.verdict as { status: string }).status === 'alert');
    assert.equal(raised.length, 1, 'the survivor raised the drop once');
    assert.equal((raised[0]?.verdict as { direction?: string } | undefined)?.direction, 'drop');
    assert.ok(logged(b, 'resumed series from their persisted detector states').length > 0, 'b resumed the series from its state');
    t.diagnostic(`hand-over: paged ${pagedAfter} ms after the kill of the owner; live stream across nodes in ${sseLag} ms`);
    b.proc.kill('SIGTERM');
    assert.equal((await b.exited).code, 0, b.stderr().slice(-2000));
  });
});
