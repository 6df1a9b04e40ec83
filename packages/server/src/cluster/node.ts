/**
 * @module A Heed node in a cluster (store.kind = clickhouse): joins by heartbeat, judges only the
 * series it owns (fed from the shared store, whichever node ingested them), learns series other
 * nodes created, and routes alert signals to the leader. The wiring main.ts calls.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { AlertEngine } from '../alert/index.js';
import type { DetectionEngine } from '../detect/index.js';
import type { Clock, Logger } from '../kernel/index.js';
import { type Coordination, openCoordination, type SeriesRegistry, type Storage } from '../store/index.js';
import { createBucketFeed } from './bucket-feed.js';
import { createMembership, type Membership } from './membership.js';
import { createSignalRelay } from './signal-relay.js';

const STATE_SYNC_MS = 15_000;

/** What the node runs against. */
export interface ClusterRun {
  store: Storage;
  registry: SeriesRegistry;
  detection: DetectionEngine;
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
  const membership = createMembership({ coord, nodeId, clock: deps.clock, log: deps.log, ttlMs: deps.ttlMs });
  let relay: ReturnType<typeof createSignalRelay> | undefined;
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
      const feed = createBucketFeed({ coord, owns: (id) => membership.owns(id) });
      every(1000, 'heartbeat', () => membership.beat());
      every(1000, 'detection feed', async () => {
        const now = deps.clock();
        const { deltas, unknown } = await feed.poll(now, (id) => run.registry.get(id) !== undefined);
        if (unknown > 0) run.registry.absorb(await run.store.loadSeries());
        if (deltas.length > 0) run.detection.onCommit(deltas, now);
      });
      // Detector states live in one shared document: each node merges its own into the latest
      // (load, then save), so a series that changes hands resumes from a state seconds old.
      every(STATE_SYNC_MS, 'detector state sync', async () => {
        await run.detection.load();
        await run.detection.save();
      });
      if (relay) every(250, 'signal pump', () => (relay as NonNullable<typeof relay>).pump());
    },
    async stop() {
      for (const t of timers) clearInterval(t);
      await membership.leave().catch((err: unknown) => deps.log.error('leaving the cluster failed', { err }));
      await coord.close();
    },
  };
}
