import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { clickHouseAvailable, startTestClickHouse, type TestClickHouse } from '../../test-support/index.js';
import { runStorageContract } from '../contract.test-suite.js';
import { record, runErrorStoreContract } from '../error-contract.test-suite.js';
import { createClickHouseStore } from './clickhouse-store.js';
import { coordinationOver } from './coordination.js';
import { openDb } from './sql.js';

// One server for the whole file; each store gets a fresh database whose name holds `test`.
let ch: TestClickHouse | undefined;
before(async () => {
  if (clickHouseAvailable()) ch = await startTestClickHouse();
});
after(async () => {
  await ch?.stop();
});

const make = async () => {
  if (!ch) throw new Error('clickhouse-server is not installed: apt-get install clickhouse-server clickhouse-client');
  const database = await ch.createDatabase();
  assert.match(database, /test/, 'ClickHouse tests refuse a database whose name lacks `test`');
  const s = createClickHouseStore({ url: ch.url, database, user: 'default', password: '' });
  await s.init();
  return s;
};

runStorageContract('clickhouse', make);
runErrorStoreContract('clickhouse', make);

it('clickhouse: migrations are recorded and running them again changes nothing', async () => {
  const s = await make();
  await s.setMeta('k', 'v');
  await s.init();
  assert.equal(await s.getMeta('k'), 'v');
  await s.close();
});

it('clickhouse: a series two nodes create under the same hashed id is stored once; an id taken by another key fails', async () => {
  const s = await make();
  const row = { id: 123_456_789, projectId: 1, kpi: 'pay', type: 'count' as const, tagKey: '', tags: {}, other: false, createdAt: 1 };
  const empty = { raw: [], buckets: [] };
  await s.commit({ series: [row], ...empty });
  await s.commit({ series: [row], ...empty });
  assert.deepEqual(
    (await s.loadSeries()).map((r) => r.id),
    [row.id],
  );
  await assert.rejects(s.commit({ series: [{ ...row, kpi: 'other' }], ...empty }), /hash collision/);
  await assert.rejects(s.commit({ series: [{ ...row, id: 5 }], ...empty }), /UNIQUE/);
  await s.close();
});

it('clickhouse: coordination reads heartbeats, recent merged buckets and queued signals', async () => {
  if (!ch) throw new Error('clickhouse-server is not installed');
  const database = await ch.createDatabase();
  const s = createClickHouseStore({ url: ch.url, database, user: 'default', password: '' });
  await s.init();
  const c = coordinationOver(openDb({ url: ch.url, database, user: 'default', password: '' }));
  await c.heartbeat({ nodeId: 'n1', startedAt: 10, stopped: false }, 1000);
  await c.heartbeat({ nodeId: 'n1', startedAt: 10, stopped: true }, 2000);
  assert.deepEqual(await c.nodes(), [{ nodeId: 'n1', startedAt: 10, heartbeatAt: 2000, stopped: true }]);
  const d = (ts: number, v: number) => ({ seriesId: 3, ts, count: 1, sum: v, min: v, max: v, last: v, lastTs: ts * 1000 });
  await s.commit({ series: [], raw: [], buckets: [d(100, 1), d(101, 2)] });
  await s.commit({ series: [], raw: [], buckets: [d(101, 5)] });
  const rows = (await c.recentBuckets(101)).map((r) => [r.seriesId, r.ts, r.count, r.sum, r.max]);
  assert.deepEqual(rows, [[3, 101, 2, 7, 5]]);
  await c.publishSignal({ id: 'x', at: 50, nodeId: 'n1', body: '{}' });
  await c.publishSignal({ id: 'y', at: 60, nodeId: 'n1', body: '{"a":1}' });
  assert.deepEqual(
    (await c.signalsSince(55)).map((q) => q.id),
    ['y'],
  );
  await c.close();
  await s.close();
});

it('clickhouse: two nodes creating issues, documents and projects at once get distinct ids, and all are listed', async () => {
  if (!ch) throw new Error('clickhouse-server is not installed: apt-get install clickhouse-server clickhouse-client');
  const database = await ch.createDatabase('ids');
  // Two stores on one database: two nodes, each with its own serialisation, racing.
  const nodes = [0, 1].map(() => createClickHouseStore({ url: ch?.url ?? '', database, user: 'default', password: '' }));
  for (const n of nodes) await n.init();
  const N = 12;
  const results = await Promise.all(
    nodes.flatMap((n, k) =>
      Array.from({ length: N }, (_, i) => n.errors.commit([record({ fingerprint: `node${k}-fp${i}`, title: `error ${k}/${i}` })])),
    ),
  );
  const issueIds = results.map((r) => r[0]?.issueId as number);
  assert.ok(
    issueIds.every((id) => Number.isInteger(id) && id > 0),
    'issue ids stay positive integers',
  );
  assert.equal(new Set(issueIds).size, 2 * N, `distinct issue ids: ${issueIds.join(',')}`);
  for (const n of nodes) {
    const { issues, total } = await n.errors.listIssues({ projectId: 1, sort: 'lastSeen', limit: 100, offset: 0 });
    assert.equal(total, 2 * N, 'every node lists every issue');
    assert.deepEqual(new Set(issues.map((i) => i.id)), new Set(issueIds));
  }
  const docs = await Promise.all(nodes.flatMap((n, k) => Array.from({ length: N }, (_, i) => n.insertDoc('rule', 1, { k, i }, 1))));
  assert.equal(new Set(docs.map((d) => d.id)).size, 2 * N, 'distinct document ids');
  assert.equal((await nodes[1]?.listDocs('rule', 1))?.length, 2 * N);
  const projects = await Promise.all(nodes.map((n, k) => n.createProject(`p${k}`, `key${k}`, 1)));
  assert.notEqual(projects[0]?.id, projects[1]?.id, 'distinct project ids');
  for (const n of nodes) await n.close();
});
