import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { clickHouseAvailable, startTestClickHouse, type TestClickHouse } from '../../test-support/index.js';
import { runStorageContract } from '../contract.test-suite.js';
import { runErrorStoreContract } from '../error-contract.test-suite.js';
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
