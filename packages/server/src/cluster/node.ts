/**
 * @module A Heed node in a cluster (store.kind = clickhouse): joins by heartbeat, judges only the
 * series it owns (fed from the shared store, whichever node ingested them), hands series over
 * without losing an alert (handoff.ts), feeds every node's data to the live stream, rules and
 * funnels, learns series other nodes created, and routes alert signals to the leader. The wiring
 * main.ts calls.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { AlertEngine } from '../alert/index.js';
import type { DetectionEngine } from '../detect/index.js';
import type { Clock, Logger } from '../kernel/index.js';
import { type BucketDelta, type Coordination, openCoordination, type SeriesRegistry, type Storage } from '../store/index.js';
import { createBucketFeed } from './bucket-feed.js';
import { createHandoff, type Handoff } from './handoff.js';
import { createMembership, type Membership, ownerKey } from './membership.js';
import { createOutboxLead, type LeaderOutbox } from './outbox-lead.js';
import { createSignalRelay } from './signal-relay.js';

/** How often the owner persists the detector states of its series (and at once after an alert). */
const STATE_PERSIST_MS = 3_000;
/** How often each node reads the recent buckets of every series. */
const FEED_MS = 500;

/** What the node runs against. */
export interface ClusterRun {
  store: Storage;
  registry: SeriesRegistry;
  detection: DetectionEngine;
  /** Also fed every node's data (the live stream, rules, funnels); detection gets owned series only. */
  watchers?: ReadonlyArray<{ onCommit(deltas: readonly BucketDelta[], nowMs: number): void }>;
  /** The notify outbox: delivered by the leader alone (outbox-lead.ts); the node starts and pauses it. */
  outbox?: LeaderOutbox;
}

/** A node's part in the cluster. */
export interface ClusterNode {
  readonly membership: Membership;
  owns(seriesId: number): boolean;
  /** The alert engine the node uses: signals go to the leader's engine. */
  alerts(inner: AlertEngine): AlertEngine;
  /** Starts heartbeats, the detection feed and the signal pump. */
  start(run: ClusterRun): void;
  stop(): Promise<void>;
}

/** Joins the cluster when the store is shared (ClickHouse); undefined otherwise. */
export async function joinCluster(
  storeConfig: Parameters<typeof openCoordination>[0],
  deps: { clock: Clock; log: Logger; nodeId?: string; ttlMs?: number },
): Promise<ClusterNode | undefined> {
  if (storeConfig.kind !== 'clickhouse') return undefined;
  const coord: Coordination = await openCoordination(storeConfig);
  // A fresh id per process: a restarted node is a new member (its old heartbeats expire).
  const nodeId = deps.nodeId ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  let registry: SeriesRegistry | undefined;
  // A KPI's segments share one owner (attribution compares them); a series this node does not know yet has none here.
  const keyOf = (id: number) => {
    const row = registry?.get(id);
    return row && ownerKey(row.projectId, row.kpi);
  };
  const membership = createMembership({ coord, nodeId, clock: deps.clock, log: deps.log, ttlMs: deps.ttlMs, keyOf });
  let relay: ReturnType<typeof createSignalRelay> | undefined;
  let handoff: Handoff | undefined;
  const timers: NodeJS.Timeout[] = [];
  const every = (ms: number, what: string, fn: () => Promise<unknown>) => {
    let busy = false;
    const t = setInterval(() => {
      if (busy) return;
      busy = true;
      fn()
        .catch((err: unknown) => deps.log.error(`cluster ${what} failed`, { err }))
        .finally(() => (busy = false));
    }, ms);
    t.unref();
    timers.push(t);
  };
  return {
    membership,
    owns: (id) => membership.owns(id),
    alerts(inner) {
      relay = createSignalRelay(inner, { coord, nodeId, isLeader: () => membership.isLeader(), clock: deps.clock, log: deps.log });
      return relay.engine;
    },
    start(run) {
      // Membership starts with the timers: a process that only builds Heed (a CLI command) never joins.
      void membership
        .beat()
        .then(() => deps.log.info('joined the cluster', { nodeId, nodes: membership.live() }))
        .catch((err: unknown) => deps.log.error('joining the cluster failed', { err }));
      registry = run.registry;
      const feed = createBucketFeed({ coord });
      const owns = (id: number) => membership.owns(id);
      const known = (id: number) => run.registry.get(id) !== undefined;
      handoff = createHandoff({ coord, nodeId, owns, known, detection: run.detection, clock: deps.clock });
      const h = handoff;
      every(1000, 'heartbeat', () => membership.beat());
      let view = '';
      every(FEED_MS, 'detection feed', async () => {
        const now = deps.clock();
        const read = await feed.poll(now, (id) => run.registry.get(id) !== undefined);
        if (read.unknown > 0) run.registry.absorb(await run.store.loadSeries());
        const live = membership.live().join(',');
        const { resumed, unknown } = await h.step(now, read, live !== view);
        if (resumed > 0) deps.log.info('resumed series from their persisted detector states', { series: resumed });
        view = live;
        // A series with a persisted state but no recent data, created by another node: learnt now, resumed next read.
        if (unknown > 0) run.registry.absorb(await run.store.loadSeries());
        if (read.deltas.length > 0) for (const w of run.watchers ?? []) w.onCommit(read.deltas, now);
      });
      // Detector states are persisted per series, so a series that changes hands resumes (see handoff.ts).
      every(STATE_PERSIST_MS, 'detector state persist', () => h.persist());
      run.detection.onEvent((e) => {
        h.persist(new Set([e.seriesId])).catch((err: unknown) => deps.log.error('persisting a detector state failed', { err }));
      });
      if (relay) every(250, 'signal pump', () => (relay as NonNullable<typeof relay>).pump());
      const { outbox } = run;
      if (outbox) {
        const lead = createOutboxLead(outbox, { isLeader: () => membership.isLeader(), nodeId, log: deps.log, now: deps.clock });
        every(250, 'outbox lead', lead);
      }
    },
    async stop() {
      for (const t of timers) clearInterval(t);
      // The states as this node leaves them: the next owners resume from here.
      await handoff?.persist().catch((err: unknown) => deps.log.error('persisting detector states failed', { err }));
      await membership.leave().catch((err: unknown) => deps.log.error('leaving the cluster failed', { err }));
      await coord.close();
    },
  };
}
