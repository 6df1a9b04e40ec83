/** @module The contract every Storage backend passes: each backend's test file calls runStorageContract. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BucketDelta, CommitBatch, SeriesRow, Storage } from './types.js';

const T0 = 1_790_000_000; // epoch seconds, on a minute and hour boundary below
const base = Math.floor(T0 / 3600) * 3600;

function series(id: number, projectId: number, kpi: string, tags: Record<string, string> = {}): SeriesRow {
  const tagKey = Object.entries(tags)
    .map(([k, v]) => `${k}=${v}`)
    .join('\u0001');
  return { id, projectId, kpi, type: 'count', tagKey, tags, other: false, createdAt: 1 };
}

function delta(seriesId: number, ts: number, value: number, lastTs = ts * 1000): BucketDelta {
  return { seriesId, ts, count: 1, sum: value, min: value, max: value, last: value, lastTs };
}

function batch(parts: Partial<CommitBatch>): CommitBatch {
  return { series: [], raw: [], buckets: [], ...parts };
}

/** Runs the shared suite against fresh stores made by `make`. */
export function runStorageContract(name: string, make: () => Promise<Storage>): void {
  describe(`Storage contract: ${name}`, () => {
    it('keeps meta values and overwrites them', async () => {
      const s = await make();
      assert.equal(await s.getMeta('x'), undefined);
      await s.setMeta('x', '1');
      await s.setMeta('x', '2');
      assert.equal(await s.getMeta('x'), '2');
      assert.equal(await s.ping(), true);
      await s.close();
    });

    it('creates, finds and re-keys projects; keys are unique', async () => {
      const s = await make();
      const a = await s.createProject('a', 'key_a', 10);
      const b = await s.createProject('b', 'key_b', 11);
      assert.notEqual(a.id, b.id);
      assert.deepEqual(
        (await s.listProjects()).map((p) => p.name),
        ['a', 'b'],
      );
      assert.equal((await s.findProjectByKey('key_b'))?.id, b.id);
      assert.equal(await s.findProjectByKey('nope'), undefined);
      await assert.rejects(s.createProject('c', 'key_a', 12));
      const r = await s.setProjectKey(a.id, 'key_a2');
      assert.equal(r?.key, 'key_a2');
      assert.equal(await s.findProjectByKey('key_a'), undefined);
      assert.equal((await s.getProject(a.id))?.key, 'key_a2');
      assert.equal(await s.getProject(999), undefined);
      await s.close();
    });

    it('stores series once and loads them back with their tags', async () => {
      const s = await make();
      await s.commit(batch({ series: [series(1, 1, 'signup'), series(2, 1, 'signup', { browser: 'Safari' })] }));
      const loaded = await s.loadSeries();
      assert.deepEqual(
        loaded.map((r) => [r.id, r.kpi, r.tags]),
        [
          [1, 'signup', {}],
          [2, 'signup', { browser: 'Safari' }],
        ],
      );
      await assert.rejects(s.commit(batch({ series: [series(3, 1, 'signup', { browser: 'Safari' })] })));
      await s.close();
    });

    it('adds deltas into per-second buckets and rolls them up to minutes and hours', async () => {
      const s = await make();
      await s.commit(batch({ series: [series(1, 1, 'pay')], buckets: [delta(1, base, 10), delta(1, base + 1, 5)] }));
      await s.commit(batch({ buckets: [delta(1, base, 2), delta(1, base + 61, 7)] }));
      const secs = await s.readBuckets({ seriesIds: [1], resolution: 1, from: base, to: base + 120, step: 1 });
      assert.deepEqual(
        secs.map((r) => [r.ts, r.count, r.sum, r.min, r.max]),
        [
          [base, 2, 12, 2, 10],
          [base + 1, 1, 5, 5, 5],
          [base + 61, 1, 7, 7, 7],
        ],
      );
      const mins = await s.readBuckets({ seriesIds: [1], resolution: 60, from: base, to: base + 120, step: 60 });
      assert.deepEqual(
        mins.map((r) => [r.ts, r.count, r.sum, r.min, r.max]),
        [
          [base, 3, 17, 2, 10],
          [base + 60, 1, 7, 7, 7],
        ],
      );
      const hours = await s.readBuckets({ seriesIds: [1], resolution: 3600, from: base, to: base + 3600, step: 3600 });
      assert.deepEqual(
        hours.map((r) => [r.ts, r.count, r.sum]),
        [[base, 4, 24]],
      );
      await s.close();
    });

    it('groups buckets to a step and keeps the latest value by event time', async () => {
      const s = await make();
      await s.commit(
        batch({
          series: [series(1, 1, 'users')],
          buckets: [delta(1, base + 3, 30, (base + 3) * 1000), delta(1, base + 1, 10, (base + 1) * 1000)],
        }),
      );
      // An older reading that arrives late must not replace the latest one.
      await s.commit(batch({ buckets: [delta(1, base + 2, 20, (base + 2) * 1000)] }));
      const rows = await s.readBuckets({ seriesIds: [1], resolution: 1, from: base, to: base + 10, step: 10 });
      assert.equal(rows.length, 1);
      assert.equal(rows[0]?.ts, base);
      assert.equal(rows[0]?.count, 3);
      assert.equal(rows[0]?.last, 30);
      await s.close();
    });

    it('reads only the asked series and range', async () => {
      const s = await make();
      await s.commit(
        batch({ series: [series(1, 1, 'a'), series(2, 2, 'a')], buckets: [delta(1, base, 1), delta(2, base, 1), delta(1, base + 100, 1)] }),
      );
      const rows = await s.readBuckets({ seriesIds: [1], resolution: 1, from: base, to: base + 100, step: 1 });
      assert.deepEqual(
        rows.map((r) => [r.seriesId, r.ts]),
        [[1, base]],
      );
      assert.deepEqual(await s.readBuckets({ seriesIds: [], resolution: 1, from: 0, to: base * 2, step: 1 }), []);
      await s.close();
    });

    it('keeps raw batches per project for drill-down, newest first', async () => {
      const s = await make();
      const raw = (projectId: number, minTs: number, maxTs: number) => ({
        projectId,
        receivedAt: maxTs,
        minTs,
        maxTs,
        n: 1,
        events: `[{"ts":${maxTs}}]`,
      });
      await s.commit(batch({ raw: [raw(1, 1000, 2000), raw(1, 5000, 6000), raw(2, 1000, 9000)] }));
      const got = await s.readRaw(1, 0, 10_000, 10);
      assert.deepEqual(
        got.map((r) => r.maxTs),
        [6000, 2000],
      );
      assert.deepEqual(
        (await s.readRaw(1, 2500, 4000, 10)).map((r) => r.maxTs),
        [],
      );
      assert.equal((await s.readRaw(2, 0, 10_000, 10)).length, 1);
      await s.close();
    });

    it('prunes rows older than the cut-offs', async () => {
      const s = await make();
      await s.commit(
        batch({
          series: [series(1, 1, 'a')],
          raw: [{ projectId: 1, receivedAt: 100, minTs: 1, maxTs: 2, n: 1, events: '[]' }],
          buckets: [delta(1, base, 1), delta(1, base + 7200, 1)],
        }),
      );
      const n = await s.prune({ rawReceivedBeforeMs: 200, bucketsBefore: { 1: base + 1, 60: base, 3600: base } });
      assert.ok(n >= 2, `pruned ${n}`);
      assert.equal((await s.readRaw(1, 0, 10, 10)).length, 0);
      const secs = await s.readBuckets({ seriesIds: [1], resolution: 1, from: 0, to: base * 2, step: 1 });
      assert.deepEqual(
        secs.map((r) => r.ts),
        [base + 7200],
      );
      assert.equal((await s.readBuckets({ seriesIds: [1], resolution: 60, from: 0, to: base * 2, step: 60 })).length, 2);
      await s.close();
    });

    it('keeps documents per kind with their own ids, updates and deletes them', async () => {
      const s = await make();
      const a = await s.insertDoc('incident', 1, { title: 'checkout dropped', tags: ['x'] }, 100);
      const b = await s.insertDoc('incident', 2, { title: 'b' }, 101);
      const c = await s.insertDoc('channel', 1, { url: 'http://x' }, 102);
      assert.deepEqual([a.id, b.id, c.id], [1, 2, 1]);
      assert.deepEqual((await s.getDoc('incident', 1))?.body, { title: 'checkout dropped', tags: ['x'] });
      assert.deepEqual(
        (await s.listDocs('incident')).map((d) => d.id),
        [1, 2],
      );
      assert.deepEqual(
        (await s.listDocs('incident', 2)).map((d) => d.id),
        [2],
      );
      const u = await s.updateDoc('incident', 1, { title: 'resolved' }, 200);
      assert.deepEqual([u?.body, u?.updatedAt, u?.projectId], [{ title: 'resolved' }, 200, 1]);
      assert.equal(await s.updateDoc('incident', 9, {}, 1), undefined);
      assert.equal(await s.deleteDoc('incident', 2), true);
      assert.equal(await s.deleteDoc('incident', 2), false);
      assert.equal(await s.getDoc('incident', 2), undefined);
      // Ids are never handed out twice while the document holding one exists (SQLite may reuse
      // the id of a deleted last document; ClickHouse, whose ids are claimed across nodes, never does).
      const next = (await s.insertDoc('incident', 1, {}, 300)).id;
      assert.ok(Number.isInteger(next) && next >= 2, `a fresh id, not the live 1: ${next}`);
      await s.close();
    });
  });
}
