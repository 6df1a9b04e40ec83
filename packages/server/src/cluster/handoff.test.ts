import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createDetectionEngine, createDetector, type EngineEvent, primedState } from '../detect/index.js';
import type { BucketRow, SeriesRow } from '../store/index.js';
import { createHandoff } from './handoff.js';

const T0 = 1_790_000_000;
const ROW: SeriesRow = { id: 1, projectId: 1, kpi: 'orders', type: 'count', tagKey: '', tags: {}, other: false, createdAt: 0 };
const sec = (ts: number, count: number): BucketRow => ({ seriesId: 1, ts, count, sum: count, min: 1, max: 1, last: 1, lastTs: ts * 1000 });

describe('cluster: hand-over of a series', () => {
  it('a node that gains a series resumes its persisted state and re-judges the seconds since, silence included', async () => {
    // The previous owner persisted its state at T0 (20 events a second learned), then sent 5 s of
    // data and died; from T0 + 5 nothing arrives. The buckets before the feed window are in the store.
    const stored = new Map<number, { cursor: number; body: string }>();
    const state = primedState(createDetector({ kind: 'count', label: 'orders' }), 20, T0);
    stored.set(1, { cursor: T0, body: JSON.stringify({ cursor: T0, state, alerting: false }) });
    const older = [0, 1, 2].map((s) => sec(T0 + s, 20));
    const asked: Array<[number, number | undefined]> = [];
    const coord = {
      stateIds: async () => [...stored.keys()],
      loadStates: async (ids?: readonly number[]) =>
        [...stored].filter(([id]) => !ids || ids.includes(id)).map(([seriesId, s]) => ({ seriesId, ...s })),
      saveStates: async (rows: ReadonlyArray<{ seriesId: number; cursor: number; body: string }>) => {
        for (const r of rows) stored.set(r.seriesId, { cursor: r.cursor, body: r.body });
      },
      bucketsOf: async (_ids: readonly number[], from: number, to?: number) => {
        asked.push([from, to]);
        return older.filter((r) => r.ts >= from && (to === undefined || r.ts < to));
      },
    };
    let owned = false;
    const engine = createDetectionEngine({
      series: (id) => (id === 1 ? ROW : undefined),
      getMeta: async () => undefined,
      setMeta: async () => undefined,
      owns: () => owned,
    });
    const events: EngineEvent[] = [];
    engine.onEvent((e) => events.push(e));
    let now = (T0 + 12) * 1000;
    const h = createHandoff({ coord, nodeId: 'b', owns: () => owned, detection: engine, clock: () => now });
    // The feed window starts at T0 + 3: seconds 3 and 4 come with the read.
    const read = { deltas: [], rows: [sec(T0 + 3, 20), sec(T0 + 4, 20)], from: T0 + 3 };
    assert.deepEqual(await h.step(now, read, true), { resumed: 0, unknown: 0 }, 'not owned: nothing resumed');
    owned = true;
    assert.deepEqual(await h.step(now, read, true), { resumed: 1, unknown: 0 });
    assert.deepEqual(asked, [[T0, T0 + 3]], 'the seconds before the window are read from the store');
    assert.deepEqual(await h.step(now, { ...read, rows: [] }, false), { resumed: 0, unknown: 0 }, 'resumed once');
    engine.tick(now);
    const alerts = events.filter((e) => e.verdict.status === 'alert');
    assert.equal(alerts.length, 1, 'the drop that began under the previous owner is raised');
    assert.ok(alerts[0]?.verdict.status === 'alert' && alerts[0].verdict.direction === 'drop');
    assert.ok((alerts[0]?.ts ?? 0) > T0 + 5, 'judged from the silence after the last data');
    // The new owner persists what it judged, once per change.
    assert.equal(await h.persist(), 1);
    assert.ok((stored.get(1)?.cursor ?? 0) > T0 + 5);
    assert.equal(await h.persist(), 0, 'nothing moved');
    now += 1000;
    engine.tick(now);
    assert.equal(await h.persist(), 1);
  });
});
