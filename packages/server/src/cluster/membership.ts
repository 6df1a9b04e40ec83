/**
 * @module Membership of several nodes on one store: each node writes a heartbeat every second and
 * reads everyone's. The live nodes are those heard from within the TTL; every node derives from the
 * same list, without talking to the others, who owns each series (rendezvous hashing: a series
 * moves only when its owner leaves or a node joins) and who leads (the oldest live node). A KPI's
 * series (its segments) share one owner, so the node that pages a segment's drop can compare it
 * with the KPI's other segments (attribution).
 */
import { createHash } from 'node:crypto';
import type { Clock, Logger } from '../kernel/index.js';
import type { Coordination, NodeRow } from '../store/index.js';

/** A node's view of the cluster. */
export interface Membership {
  readonly nodeId: string;
  /** Writes this node's heartbeat and reads everyone's. */
  beat(): Promise<void>;
  /** True when this node judges the series (false while its own view is stale). */
  owns(seriesId: number): boolean;
  ownerOf(seriesId: number): string | undefined;
  /** True when this node is the leader (runs the incident engine). */
  isLeader(): boolean;
  /** Live node ids, sorted. */
  live(): readonly string[];
  /** Says goodbye, so the others take over at once rather than after the TTL. */
  leave(): Promise<void>;
}

/** Options of the membership. */
export interface MembershipOptions {
  coord: Pick<Coordination, 'heartbeat' | 'nodes'>;
  nodeId: string;
  clock: Clock;
  log?: Logger;
  /** A node not heard from for this long (ms) is dead. Default 3000. */
  ttlMs?: number;
  /**
   * The key a series is owned by: its KPI's (`ownerKey`), so a KPI's segments share one owner;
   * undefined while this node does not know the series (it owns it once it does). Without it, each
   * series is owned by its id.
   */
  keyOf?: (seriesId: number) => string | undefined;
}

/** The owner key of a KPI's series. */
export function ownerKey(projectId: number, kpi: string): string {
  return `${projectId}\u0000${kpi}`;
}

/** Rendezvous score of a node for an owner key (a KPI's, or a series id). */
export function score(nodeId: string, key: string | number): number {
  return createHash('sha1').update(`${nodeId}\u0000${key}`).digest().readUInt32BE(0);
}

/** The live nodes of a heartbeat listing, as seen at `now`. */
export function liveNodes(rows: readonly NodeRow[], now: number, ttlMs: number): NodeRow[] {
  return rows
    .filter((r) => !r.stopped && r.heartbeatAt >= now - ttlMs)
    .sort((a, b) => a.startedAt - b.startedAt || a.nodeId.localeCompare(b.nodeId));
}

/** Creates the membership; call beat() every second. */
export function createMembership(opts: MembershipOptions): Membership {
  const ttlMs = opts.ttlMs ?? 3000;
  const startedAt = opts.clock();
  let nodes: string[] = [];
  let leader: string | undefined;
  let seenAt = 0;
  const owners = new Map<number, string | undefined>();
  const fresh = () => opts.clock() - seenAt < ttlMs;

  const ownerOf = (seriesId: number): string | undefined => {
    if (owners.has(seriesId)) return owners.get(seriesId);
    const key = opts.keyOf ? opts.keyOf(seriesId) : seriesId;
    if (key === undefined) return undefined;
    let best: string | undefined;
    let bestScore = -1;
    for (const n of nodes) {
      const s = score(n, key);
      if (s > bestScore || (s === bestScore && best !== undefined && n < best)) [best, bestScore] = [n, s];
    }
    owners.set(seriesId, best);
    return best;
  };

  return {
    nodeId: opts.nodeId,
    async beat() {
      const now = opts.clock();
      await opts.coord.heartbeat({ nodeId: opts.nodeId, startedAt, stopped: false }, now);
      const rows = (await opts.coord.nodes()).filter((r) => r.nodeId !== opts.nodeId);
      const live = liveNodes([...rows, { nodeId: opts.nodeId, startedAt, heartbeatAt: now, stopped: false }], now, ttlMs);
      const ids = live.map((r) => r.nodeId).sort();
      if (ids.join('\n') !== nodes.join('\n')) {
        opts.log?.info('cluster membership changed', { nodes: ids, was: nodes });
        nodes = ids;
        owners.clear();
      }
      leader = live[0]?.nodeId;
      seenAt = now;
    },
    owns: (seriesId) => fresh() && ownerOf(seriesId) === opts.nodeId,
    ownerOf,
    isLeader: () => fresh() && leader === opts.nodeId,
    live: () => nodes,
    async leave() {
      seenAt = 0;
      await opts.coord.heartbeat({ nodeId: opts.nodeId, startedAt, stopped: true }, opts.clock());
    },
  };
}
