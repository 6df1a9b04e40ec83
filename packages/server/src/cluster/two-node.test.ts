/**
 * Two `heed start` processes on one ClickHouse: both take ingest; one is killed with SIGKILL
 * mid-stream. No acknowledged event is lost, the survivor takes over the dead node's series and
 * the lead within seconds, and one outage (a failing check both nodes probe) is one incident.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  adminApi as api,
  type ChildHeed,
  clickHouseAvailable,
  loggedLines as logged,
  startChildHeed,
  startTestClickHouse,
  type TestClickHouse,
  waitUntil as until,
} from '../test-support/index.js';

const dir = mkdtempSync(join(tmpdir(), 'heed-two-node-'));
let ch: TestClickHouse | undefined;
const children: ChildHeed[] = [];
let target: Server | undefined;
let healthy = true;
before(async () => {
  if (clickHouseAvailable()) ch = await startTestClickHouse();
});
after(async () => {
  for (const c of children) if (c.proc.exitCode === null && c.proc.signalCode === null) c.proc.kill('SIGKILL');
  target?.close();
  await ch?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const PER_BATCH = 20;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('two nodes on one ClickHouse', () => {
  it('survive kill -9 of one node: no acknowledged event lost, ownership and lead move, one incident', { timeout: 120_000 }, async (t) => {
    if (!ch) throw new Error('clickhouse-server is not installed: apt-get install clickhouse-server clickhouse-client');
    const database = await ch.createDatabase('cluster');
    const env = {
      HEED_STORE_KIND: 'clickhouse',
      HEED_STORE_CLICKHOUSE_URL: ch?.url ?? '',
      HEED_STORE_CLICKHOUSE_DATABASE: database,
      HEED_LOG_LEVEL: 'info',
    };
    // The watched service: healthy until the outage.
    target = createServer((_req, res) => {
      res.statusCode = healthy ? 200 : 500;
      res.end(healthy ? 'ok' : 'down');
    });
    await new Promise<void>((r) => target?.listen(0, '127.0.0.1', () => r()));
    const port = (target.address() as { port: number }).port;

    const a = await startChildHeed(join(dir, 'a'), env);
    children.push(a);
    const pid = a.project.id;
    // Created before b starts, so both nodes probe it (each node runs the checks it loaded).
    await api(a, `/api/v1/projects/${pid}/checks`, {
      method: 'POST',
      body: JSON.stringify({ name: 'shop', kind: 'http', target: `http://127.0.0.1:${port}/`, intervalSeconds: 1, failureThreshold: 1 }),
    });
    const b = await startChildHeed(join(dir, 'b'), env);
    children.push(b);
    assert.equal(b.adminToken, a.adminToken, 'one admin token in the shared store');
    const idOf = (node: ChildHeed) => logged(node, 'joined the cluster')[0]?.nodeId as string;
    await until(
      'both nodes to see each other',
      () => logged(a, 'cluster membership changed').some((l) => (l.nodes as string[]).length === 2),
      10_000,
    );
    assert.equal(logged(a, 'this node leads: it runs the incident engine').length, 1, 'the oldest node leads');
    assert.equal(logged(b, 'this node leads: it runs the incident engine').length, 0);

    const acked = new Map<string, 'a' | 'b'>();
    let next = 0;
    let stop = false;
    const sender = (node: ChildHeed, name: 'a' | 'b') => async () => {
      while (!stop) {
        const id = `${name}${next++}`;
        // Each batch is its own series; `pageview` is one series both nodes write at once.
        const events = [
          ...Array.from({ length: PER_BATCH }, (_, i) => ({ name: 'order', value: i, tags: { batch: id } })),
          { name: 'pageview' },
        ];
        try {
          const r = await fetch(`${node.url}/api/${pid}/events`, {
            method: 'POST',
            headers: { authorization: `Bearer ${node.project.key}`, 'content-type': 'application/json' },
            body: JSON.stringify(events),
          });
          if (r.status === 200) acked.set(id, name);
        } catch {
          return; // the node died under this request: not acknowledged
        }
        await sleep(20);
      }
    };
    const senders = [sender(a, 'a'), sender(a, 'a'), sender(b, 'b'), sender(b, 'b')].map((s) => s());
    await until('200 acknowledged batches', () => acked.size >= 200, 60_000);

    // The outage: both nodes' probes fail; the leader opens one incident.
    healthy = false;
    const incidents = async (node: ChildHeed) =>
      (
        await api<{ incidents: Array<{ id: number; status: string; alerts: Array<{ key: string }> }> }>(
          node,
          `/api/v1/projects/${pid}/incidents`,
        )
      ).incidents;
    await until('an incident', async () => (await incidents(a)).length > 0, 15_000);
    await sleep(2000); // both nodes have signalled by now

    const killedAt = Date.now();
    a.proc.kill('SIGKILL');
    assert.equal((await a.exited).signal, 'SIGKILL');
    await until('b to take over', () => logged(b, 'this node leads: it runs the incident engine').length > 0, 15_000);
    const takeover = Date.now() - killedAt;
    const views = logged(b, 'cluster membership changed');
    assert.deepEqual(views.at(-1)?.nodes, [idOf(b)], 'b sees itself alone');
    assert.ok(takeover < 6000, `ownership and lead moved in ${takeover} ms`);
    const ackedBeforeKill = acked.size;
    await until('more batches through b', () => acked.size >= ackedBeforeKill + 50, 30_000);
    stop = true;
    await Promise.all(senders);
    await sleep(2500); // b learns series a created in its last second

    const r = await api<{ segments: Array<{ value: string; total: number }> }>(
      b,
      `/api/v1/projects/${pid}/segments?kpi=order&by=batch&from=-1h&limit=100000`,
    );
    const got = new Map(r.segments.map((s) => [s.value, s.total]));
    const missing = [...acked.keys()].filter((id) => got.get(id) !== PER_BATCH);
    assert.deepEqual(missing, [], `acknowledged batches missing or partial (of ${acked.size})`);
    const viaA = [...acked.values()].filter((n) => n === 'a').length;
    assert.ok(viaA > 50 && acked.size - viaA > 50, `both nodes took ingest: ${viaA} via a, ${acked.size - viaA} via b`);

    // Both nodes probed the failing check, before and after the kill: still one incident.
    const all = await incidents(b);
    assert.equal(all.length, 1, JSON.stringify(all.map((i) => ({ id: i.id, status: i.status, keys: i.alerts.map((x) => x.key) }))));
    assert.notEqual(all[0]?.status, 'resolved');
    // Both nodes raised the outage's signals; the leader made one incident of them.
    const q = async (sql: string) => (await (ch as TestClickHouse).query(`${sql} FORMAT TSV`)).trim();
    const signalled = await q(`SELECT uniqExact(node_id) FROM ${database}.signals`);
    assert.equal(signalled, '2', 'both nodes queued signals');
    // Series ids: one id per series key and one key per id, though both nodes created `pageview`.
    const split = await q(
      `SELECT count() FROM (SELECT project_id, kpi, tag_key, uniqExact(id) AS n FROM ${database}.series GROUP BY project_id, kpi, tag_key HAVING n > 1)`,
    );
    const shared = await q(
      `SELECT count() FROM (SELECT id, uniqExact(kpi, tag_key) AS n FROM ${database}.series GROUP BY id HAVING n > 1)`,
    );
    assert.deepEqual([split, shared], ['0', '0']);
    const pageviews = await q(
      `SELECT sumMerge(count) FROM ${database}.buckets_1 WHERE series_id IN (SELECT id FROM ${database}.series WHERE kpi = 'pageview')`,
    );
    assert.ok(Number(pageviews) >= acked.size, `every acknowledged pageview counted in one series: ${pageviews} < ${acked.size}`);
    t.diagnostic(
      `two-node: ${acked.size} batches acknowledged (${viaA} via the killed node), none lost; takeover in ${takeover} ms; 1 incident`,
    );
    b.proc.kill('SIGTERM');
    assert.equal((await b.exited).code, 0, b.stderr().slice(-2000));
  });
});
