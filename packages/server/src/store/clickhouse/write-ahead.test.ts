import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { clickHouseAvailable, freePort, startTestClickHouse, type TestClickHouse } from '../../test-support/index.js';
import type { CommitBatch } from '../types.js';
import { createClickHouseStore } from './clickhouse-store.js';
import { BufferFullError, withWriteAhead } from './write-ahead.js';

let ch: TestClickHouse | undefined;
const dir = mkdtempSync(join(tmpdir(), 'heed-wal-'));
before(async () => {
  if (clickHouseAvailable()) ch = await startTestClickHouse();
});
after(async () => {
  await ch?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const T = 1_790_000_000;
const batch = (i: number): CommitBatch => ({
  series: i === 0 ? [{ id: 1, projectId: 1, kpi: 'pay', type: 'count', tagKey: '', tags: {}, other: false, createdAt: 1 }] : [],
  raw: [{ projectId: 1, receivedAt: T * 1000 + i, minTs: T * 1000, maxTs: T * 1000, n: 1, events: '[]' }],
  buckets: [{ seriesId: 1, ts: T, count: 1, sum: 10, min: 10, max: 10, last: 10, lastTs: T * 1000 + i }],
});

it('clickhouse: batches acknowledged while ClickHouse is down are buffered, replayed after a crash, counted once; a full buffer refuses', async () => {
  if (!ch) throw new Error('clickhouse-server is not installed: apt-get install clickhouse-server clickhouse-client');
  const database = await ch.createDatabase('wal');
  assert.match(database, /test/);
  const data = join(dir, 'node');
  // Node 1 sees ClickHouse nowhere (a port nobody listens on) and has room for two batches.
  const dead = `http://127.0.0.1:${await freePort()}`;
  const down = withWriteAhead(createClickHouseStore({ url: dead, database, user: 'default', password: '', migrate: false }), {
    dir: data,
    maxBytes: 2 * Buffer.byteLength(`${JSON.stringify({ id: 'x'.repeat(36), batch: batch(0) })}\n`),
    retryMs: 3_600_000,
  });
  await down.init();
  await down.commit(batch(0));
  await down.commit(batch(1));
  assert.equal(down.buffered(), 2);
  await assert.rejects(down.commit(batch(2)), BufferFullError);
  assert.deepEqual(
    (await down.loadSeries().catch(() => [])).map((s) => s.id),
    [],
    'loading needs ClickHouse',
  );
  assert.equal(readFileSync(join(data, 'clickhouse-wal.ndjson'), 'utf8').trim().split('\n').length, 2);
  // "Crash": node 1 is abandoned without closing; a new process opens the same folder with ClickHouse up.
  const up = withWriteAhead(createClickHouseStore({ url: ch.url, database, user: 'default', password: '' }), { dir: data, maxBytes: 1e6 });
  await up.init();
  assert.equal(up.buffered(), 0);
  assert.equal(readFileSync(join(data, 'clickhouse-wal.ndjson'), 'utf8'), '');
  assert.deepEqual(
    (await up.loadSeries()).map((s) => s.kpi),
    ['pay'],
  );
  const rows = await up.readBuckets({ seriesIds: [1], resolution: 60, from: T - 60, to: T + 60, step: 60 });
  assert.equal(rows[0]?.count, 2, 'each acknowledged batch counted exactly once');
  // Replaying the same batch ids again (a second crash before the file was emptied) changes nothing.
  const again = createClickHouseStore({ url: ch.url, database, user: 'default', password: '' });
  await again.init();
  const ids = await ch.query(`SELECT batch_id FROM ${database}.commits FORMAT TSV`);
  for (const id of ids.trim().split('\n')) await again.commitOnce(batch(1), id);
  const rows2 = await again.readBuckets({ seriesIds: [1], resolution: 1, from: T, to: T + 1, step: 1 });
  assert.equal(rows2[0]?.count, 2);
  await again.close();
  await up.close();
});

it('clickhouse: a crash between the data insert and the acknowledgement, or mid-replay, does not count a batch twice', async () => {
  if (!ch) throw new Error('clickhouse-server is not installed: apt-get install clickhouse-server clickhouse-client');
  const database = await ch.createDatabase('walcrash');
  const data = join(dir, 'crash');
  const conn = { url: ch.url, database, user: 'default', password: '' };
  const crashing = () =>
    createClickHouseStore({
      ...conn,
      afterInsert: () => {
        throw new Error('injected crash after the data insert');
      },
    });
  const open = async (store: ReturnType<typeof createClickHouseStore>) => {
    const s = withWriteAhead(store, { dir: data, maxBytes: 1e6, retryMs: 3_600_000 });
    await s.init();
    return s;
  };
  // Process 1: batch 0's insert lands, then the process "dies" before acknowledging it; the batch
  // is acknowledged from the local file instead (as when ClickHouse answers too late).
  const p1 = await open(crashing());
  await p1.commit(batch(0));
  assert.equal(p1.buffered(), 1, 'the batch whose commit did not return is in the file');
  // Process 2 (same folder) cannot reach ClickHouse: batch 1 is only in the file.
  const dead = `http://127.0.0.1:${await freePort()}`;
  const p2 = await open(createClickHouseStore({ ...conn, url: dead, migrate: false }));
  await p2.commit(batch(1));
  assert.equal(p2.buffered(), 2);
  // Process 3 replays: batch 0 is skipped (it landed), batch 1 lands and the process dies before
  // the file is emptied.
  const p3 = await open(crashing());
  assert.equal(p3.buffered(), 1, 'batch 1 landed but was not acknowledged as replayed');
  // Process 4 replays again: both batches already landed (their markers came in the same insert).
  const p4 = await open(createClickHouseStore(conn));
  assert.equal(p4.buffered(), 0);
  const count = async (sql: string) => Number((await ch?.query(`${sql} FORMAT TSV`))?.trim());
  assert.equal(await count(`SELECT sumMerge(count) FROM ${database}.buckets_1 WHERE series_id = 1`), 2, 'each batch counted once');
  assert.equal(await count(`SELECT sumMerge(count) FROM ${database}.buckets_3600 WHERE series_id = 1`), 2, 'in every rollup');
  assert.equal(await count(`SELECT count() FROM ${database}.raw_batches`), 2, 'raw events stored once');
  assert.equal(await count(`SELECT uniqExact(batch_id) FROM ${database}.commits`), 2);
  await p4.close();
});
