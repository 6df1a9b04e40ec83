import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { clickHouseAvailable, startTestClickHouse, type TestClickHouse } from '../../test-support/index.js';
import { runStorageContract } from '../contract.test-suite.js';
import { runErrorStoreContract } from '../error-contract.test-suite.js';
import { createClickHouseStore } from './clickhouse-store.js';

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
