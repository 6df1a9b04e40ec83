import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { NormalizedEvent } from '@heed/protocol';
import type { AlertEngine, Signal } from '../alert/index.js';
import { createDetectionEngine } from '../detect/index.js';
import { createLogger } from '../kernel/index.js';
import { type BucketRow, createSeriesRegistry, hashedSeriesId, type NodeRow, type QueuedSignal } from '../store/index.js';
import { createBucketFeed } from './bucket-feed.js';
import { createHandoff } from './handoff.js';
import { createMembership, ownerKey } from './membership.js';
import { createSignalRelay } from './signal-relay.js';

const log = createLogger('error');
const ev = (name: string, tagKey = ''): NormalizedEvent => ({ name, ts: 0, type: 'count', count: 1, value: 1, tags: [], tagKey });

/** The `nodes` table, in memory: latest heartbeat per node. */
const fakeNodes = () => {
  const rows = new Map<string, NodeRow>();
  return {
    rows,
    async heartbeat(n: Omit<NodeRow, 'heartbeatAt'>, now: number) {
      rows.set(n.nodeId, { ...n, heartbeatAt: now });
    },
    async nodes() {
      return [...rows.values()];
    },
  };
};

describe('cluster: series ids', () => {
  it('two nodes give a new series the same id without talking; sequential stays the default', () => {
    const a = createSeriesRegistry([], 100, { ids: 'hash' });
    const b = createSeriesRegistry([], 100, { ids: 'hash' });
    const ra = a.resolve(1, ev('signup', 'b=x'), 0);
    const rb = b.resolve(1, ev('signup', 'b=x'), 0);
    assert.ok(ra.ok && rb.ok);
    assert.equal(ra.seriesId, rb.seriesId);
    assert.ok(ra.seriesId > 0 && ra.seriesId <= 0x7fffffff);
    const seq = createSeriesRegistry([], 100);
    const r = seq.resolve(1, ev('signup'), 0);
    assert.ok(r.ok && r.seriesId === 1);
  });

  it('a collision probes deterministically to the next candidate', () => {
    const first = hashedSeriesId(1, 'k', '', () => false);
    const next = hashedSeriesId(1, 'k', '', (id) => id === first);
    assert.notEqual(first, next);
    assert.equal(
      hashedSeriesId(1, 'k', '', (id) => id === first),
      next,
    );
  });

  it('absorb learns series another node created, and skips taken ids and keys', () => {
    const a = createSeriesRegistry([], 100, { ids: 'hash' });
    const r = a.resolve(1, ev('pay'), 5);
    assert.ok(r.ok && r.created);
    const b = createSeriesRegistry([], 100, { ids: 'hash' });
    assert.equal(b.absorb([r.created, r.created]), 1);
    assert.equal(b.get(r.seriesId)?.kpi, 'pay');
    const again = b.resolve(1, ev('pay'), 6);
    assert.ok(again.ok && again.seriesId === r.seriesId && !again.created);
    assert.equal(b.absorb([{ ...r.created, id: r.seriesId + 1 }]), 0, 'same key under another id');
  });
});

describe('cluster: membership and ownership', () => {
  it('splits series between live nodes, one owner each, and moves them within the TTL when a node dies', async () => {
    let now = 1_000_000;
    const table = fakeNodes();
    const a = createMembership({ coord: table, nodeId: 'a', clock: () => now, ttlMs: 3000 });
    const b = createMembership({ coord: table, nodeId: 'b', clock: () => now + 1, ttlMs: 3000 });
    await a.beat();
    now += 10;
    await b.beat();
    await a.beat();
    const ids = Array.from({ length: 1000 }, (_, i) => i + 1);
    const ofA = ids.filter((id) => a.owns(id));
    const ofB = ids.filter((id) => b.owns(id));
    assert.equal(ofA.length + ofB.length, 1000, 'every series has exactly one owner');
    assert.ok(ofA.length > 400 && ofB.length > 400, `balanced: ${ofA.length}/${ofB.length}`);
    assert.ok(a.isLeader() && !b.isLeader(), 'the oldest node leads');
    // b stops heartbeating: after the TTL, a owns everything and b (stale view) owns nothing.
    for (let s = 0; s < 4; s++) {
      now += 1000;
      await a.beat();
    }
    assert.deepEqual(a.live(), ['a']);
    assert.equal(ids.filter((id) => a.owns(id)).length, 1000);
    assert.equal(ids.filter((id) => b.owns(id)).length, 0, 'a node that cannot heartbeat judges nothing');
    // A node that leaves says so: the others take over at the next beat, not after the TTL.
    await b.beat();
    await a.beat();
    assert.equal(a.live().length, 2);
    await a.leave();
    await b.beat();
    assert.deepEqual(b.live(), ['b']);
    assert.ok(b.isLeader());
  });
});

describe('cluster: a KPI has one owner', () => {
  it("gives all of a KPI's segments to one node, spreads KPIs, and owns no series it does not know", async () => {
    const now = 1_000_000;
    const table = fakeNodes();
    // 200 KPIs of 5 segments each: series id 5k + j is segment j of KPI k; ids from 1000 on are unknown.
    const keyOf = (id: number) => (id < 1000 ? ownerKey(1, `kpi${Math.floor(id / 5)}`) : undefined);
    const nodes = ['a', 'b', 'c'].map((n) => createMembership({ coord: table, nodeId: n, clock: () => now, ttlMs: 3000, keyOf }));
    for (const m of [...nodes, ...nodes]) await m.beat();
    const ownersOf = (id: number) => nodes.filter((m) => m.owns(id)).map((m) => m.nodeId);
    const perNode = new Map<string, number>();
    for (let k = 0; k < 200; k++) {
      const owners = new Set(Array.from({ length: 5 }, (_, j) => ownersOf(5 * k + j).join(',')));
      assert.equal(owners.size, 1, `KPI ${k}: segments owned by ${[...owners].join(' | ')}`);
      const [owner] = owners;
      assert.ok(owner && !owner.includes(','), `KPI ${k}: exactly one owner, got '${owner}'`);
      perNode.set(owner, (perNode.get(owner) ?? 0) + 1);
    }
    assert.ok(
      [...perNode.values()].every((n) => n > 40),
      `KPIs spread: ${JSON.stringify([...perNode])}`,
    );
    assert.deepEqual(ownersOf(1001), [], 'a series no node knows yet has no owner');
  });

  it('reports a series with a persisted state that this node does not know, once, so it loads the series list', async () => {
    const coord = {
      stateIds: async () => [7],
      loadStates: async () => [],
      bucketsOf: async () => [],
      saveStates: async () => {},
    };
    const engine = createDetectionEngine({
      series: () => undefined,
      getMeta: async () => undefined,
      setMeta: async () => {},
      owns: () => false,
    });
    const h = createHandoff({ coord, nodeId: 'a', owns: () => false, known: () => false, detection: engine, clock: () => 0 });
    const read = { deltas: [], rows: [], from: 0 };
    assert.deepEqual(await h.step(0, read, true), { resumed: 0, unknown: 1 });
    assert.deepEqual(await h.step(500, read, true), { resumed: 0, unknown: 0 }, 'not again at every read');
  });
});

describe('cluster: detection engine ownership', () => {
  it('judges only owned series, drops one it stops owning and restarts it at its next data', async () => {
    const row = { id: 1, projectId: 1, kpi: 'k', type: 'count' as const, tagKey: '', tags: {}, other: false, createdAt: 0 };
    const meta = new Map<string, string>();
    let owned = true;
    const engine = createDetectionEngine({
      series: (id) => (id === 1 ? row : undefined),
      getMeta: async (k) => meta.get(k),
      setMeta: async (k, v) => void meta.set(k, v),
      owns: () => owned,
    });
    const base = 1_700_000_000;
    engine.onCommit([{ seriesId: 1, ts: base, count: 3, sum: 3, min: 1, max: 1, last: 1, lastTs: base * 1000 }], base * 1000 + 100);
    engine.tick(base * 1000 + 2000);
    assert.equal(engine.size(), 1);
    await engine.save();
    owned = false;
    engine.tick(base * 1000 + 3000);
    assert.equal(engine.size(), 0, 'dropped when owned elsewhere');
    owned = true;
    await engine.load();
    engine.onCommit(
      [{ seriesId: 1, ts: base + 100, count: 1, sum: 1, min: 1, max: 1, last: 1, lastTs: (base + 100) * 1000 }],
      (base + 100) * 1000,
    );
    engine.tick((base + 100) * 1000 + 10);
    assert.equal(engine.size(), 1, 'tracked again, from its next data');
  });
});

describe('cluster: detection feed', () => {
  it('hands on what changed since the last read, of every series, after a priming read', async () => {
    let rows: BucketRow[] = [];
    const row = (seriesId: number, ts: number, count: number): BucketRow => ({
      seriesId,
      ts,
      count,
      sum: count,
      min: 1,
      max: 1,
      last: 1,
      lastTs: ts * 1000,
    });
    const feed = createBucketFeed({ coord: { recentBuckets: async () => rows } });
    rows = [row(1, 100, 5)];
    assert.deepEqual((await feed.poll(101_000)).deltas, [], 'the first read primes');
    rows = [row(1, 100, 8), row(1, 101, 2), row(2, 101, 4)];
    const { deltas, unknown } = await feed.poll(102_000, (id) => id === 1);
    assert.deepEqual(
      deltas.map((d) => [d.seriesId, d.ts, d.count]),
      [
        [1, 100, 3],
        [1, 101, 2],
        [2, 101, 4],
      ],
    );
    assert.equal(unknown, 1);
    assert.deepEqual((await feed.poll(103_000)).deltas, [], 'nothing changed');
  });
});

describe('cluster: signal relay', () => {
  it('every node queues; only the leader feeds its engine, once per signal, and a new leader reloads', async () => {
    const queue: QueuedSignal[] = [];
    const coord = {
      publishSignal: async (q: QueuedSignal) => void queue.push(q),
      signalsSince: async (at: number) => queue.filter((q) => q.at >= at),
    };
    const engine = (fed: Signal[], loads: { n: number; owed?: number }): AlertEngine =>
      ({
        load: async () => void loads.n++,
        resumeOwedPages: async () => {
          loads.owed = (loads.owed ?? 0) + 1;
          return 0;
        },
        signal: async (s: Signal) => void fed.push(s),
        tick: async () => undefined,
      }) as unknown as AlertEngine;
    const now = 5_000_000;
    let leader = 'a';
    const fedA: Signal[] = [];
    const fedB: Signal[] = [];
    const loadsA: { n: number; owed?: number } = { n: 0 };
    const loadsB: { n: number; owed?: number } = { n: 0 };
    const ra = createSignalRelay(engine(fedA, loadsA), { coord, nodeId: 'a', isLeader: () => leader === 'a', clock: () => now, log });
    const rb = createSignalRelay(engine(fedB, loadsB), { coord, nodeId: 'b', isLeader: () => leader === 'b', clock: () => now, log });
    const sig = (key: string) => ({ key, projectId: 1, firing: true }) as Signal;
    await ra.engine.signal(sig('kpi:1'));
    await rb.engine.signal(sig('kpi:2'));
    assert.equal(await rb.pump(), 0, 'a follower feeds nothing');
    assert.equal(await ra.pump(), 2);
    assert.equal(await ra.pump(), 0, 'each signal once');
    assert.deepEqual(
      fedA.map((s) => s.key),
      ['kpi:1', 'kpi:2'],
    );
    leader = 'b';
    await rb.pump();
    assert.equal(loadsB.n, 1, 'the new leader reloads the incidents');
    assert.equal(loadsB.owed, 1, 'and sends the pages its predecessor owed, once');
    assert.equal(fedB.length, 2, 'and replays the last seconds of the queue');
    assert.equal(fedA.length, 2);
  });

  it('an acknowledgement on a follower is applied by the leader', async () => {
    const queue: QueuedSignal[] = [];
    const coord = {
      publishSignal: async (q: QueuedSignal) => void queue.push(q),
      signalsSince: async (at: number) => queue.filter((q) => q.at >= at),
    };
    // The store both engines read: one incident.
    const stored = { id: 7, status: 'triggered' };
    const acks: string[] = [];
    const engine = {
      load: async () => undefined,
      resumeOwedPages: async () => 0,
      get: async (id: number) => (id === 7 ? { ...stored } : undefined),
      acknowledge: async (id: number, by: string) => {
        acks.push(`${id}:${by}`);
        stored.status = 'acknowledged';
        return { ...stored };
      },
    } as unknown as AlertEngine;
    const leaderRelay = createSignalRelay(engine, { coord, nodeId: 'a', isLeader: () => true, clock: () => 1, log });
    const follower = createSignalRelay(engine, { coord, nodeId: 'b', isLeader: () => false, clock: () => 1, log });
    await leaderRelay.pump();
    const pumping = setInterval(() => void leaderRelay.pump(), 50);
    try {
      const inc = await follower.engine.acknowledge(7, 'ann');
      assert.equal(inc?.status, 'acknowledged');
      assert.deepEqual(acks, ['7:ann'], 'applied once, by the leader');
      assert.equal(await follower.engine.acknowledge(99, 'ann'), undefined);
    } finally {
      clearInterval(pumping);
    }
  });
});
