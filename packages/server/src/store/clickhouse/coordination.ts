/**
 * @module What several Heed nodes sharing one ClickHouse database coordinate through: heartbeats in
 * `nodes` (membership, from which each node derives series ownership and the leader), recent
 * per-second buckets (so the owner of a series judges data that any node ingested), and `signals`
 * (alert signals on their way to the leader). No other coordination service is needed.
 */
import type { BucketRow } from '../types.js';
import { type ClickHouseConnection, type Db, num, openDb } from './sql.js';

/** One node as its heartbeats describe it. */
export interface NodeRow {
  nodeId: string;
  startedAt: number;
  heartbeatAt: number;
  stopped: boolean;
}

/** A signal queued for the leader. */
export interface QueuedSignal {
  id: string;
  at: number;
  nodeId: string;
  body: string;
}

/** The coordination operations. */
export interface Coordination {
  heartbeat(node: Omit<NodeRow, 'heartbeatAt'>, now: number): Promise<void>;
  nodes(): Promise<NodeRow[]>;
  /** Per-second buckets of every series from `fromTs` (epoch seconds) on, merged. */
  recentBuckets(fromTs: number): Promise<BucketRow[]>;
  /** The same, of some series only, before `toTs` (exclusive) when given. */
  bucketsOf(seriesIds: readonly number[], fromTs: number, toTs?: number): Promise<BucketRow[]>;
  /** Persists detector states (bodies are JSON), one row per series; the latest version wins. */
  saveStates(rows: ReadonlyArray<{ seriesId: number; cursor: number; body: string }>, nodeId: string, ver: number): Promise<void>;
  /** The latest persisted state of each series asked (all series when omitted). */
  loadStates(seriesIds?: readonly number[]): Promise<Array<{ seriesId: number; cursor: number; body: string }>>;
  /** Ids of the series that have a persisted state. */
  stateIds(): Promise<number[]>;
  publishSignal(s: QueuedSignal): Promise<void>;
  /** Signals queued at or after `atMs`, oldest first. */
  signalsSince(atMs: number): Promise<QueuedSignal[]>;
  close(): Promise<void>;
}

/** Coordination over an open database. */
export function coordinationOver(db: Db): Coordination {
  const seconds = async (where: string): Promise<BucketRow[]> => {
    const rows = await db.rows<Record<string, number | string>>(
      `SELECT series_id, ts, sumMerge(count) AS c, sumMerge(sum) AS su, minMerge(min) AS mn, maxMerge(max) AS mx,
         argMaxMerge(last) AS l, maxMerge(last_ts) AS lt
       FROM buckets_1 WHERE ${where} GROUP BY series_id, ts`,
    );
    return rows.map((r) => ({
      seriesId: Number(r.series_id),
      ts: Number(r.ts),
      count: Number(r.c),
      sum: Number(r.su),
      min: Number(r.mn),
      max: Number(r.mx),
      last: Number(r.l),
      lastTs: Number(r.lt),
    }));
  };
  return {
    async heartbeat(node, now) {
      await db.insert('nodes', [
        { node_id: node.nodeId, started_at: node.startedAt, heartbeat_at: now, stopped: node.stopped ? 1 : 0, ver: now },
      ]);
    },
    async nodes() {
      // Aliases differ from column names: 18.16 lets an alias shadow a column.
      const rows = await db.rows<{ node_id: string; s: string; h: string; st: number | string }>(
        'SELECT node_id, argMax(started_at, ver) AS s, argMax(heartbeat_at, ver) AS h, argMax(stopped, ver) AS st FROM nodes GROUP BY node_id',
      );
      return rows.map((r) => ({ nodeId: r.node_id, startedAt: Number(r.s), heartbeatAt: Number(r.h), stopped: Number(r.st) === 1 }));
    },
    recentBuckets: (fromTs) => seconds(`ts >= ${num(fromTs)}`),
    async bucketsOf(ids, fromTs, toTs) {
      if (ids.length === 0) return [];
      const to = toTs === undefined ? '' : ` AND ts < ${num(toTs)}`;
      return seconds(`series_id IN (${ids.map(num).join(',')}) AND ts >= ${num(fromTs)}${to}`);
    },
    async saveStates(rows, nodeId, ver) {
      if (rows.length === 0) return;
      await db.insert(
        'detector_states',
        rows.map((r) => ({ series_id: r.seriesId, cursor: r.cursor, body: r.body, node_id: nodeId, ver })),
      );
    },
    async loadStates(ids) {
      if (ids?.length === 0) return [];
      const where = ids ? `WHERE series_id IN (${ids.map(num).join(',')})` : '';
      const rows = await db.rows<{ series_id: number; c: number | string; b: string }>(
        `SELECT series_id, argMax(cursor, ver) AS c, argMax(body, ver) AS b FROM detector_states ${where} GROUP BY series_id`,
      );
      return rows.map((r) => ({ seriesId: Number(r.series_id), cursor: Number(r.c), body: r.b }));
    },
    async stateIds() {
      const rows = await db.rows<{ series_id: number }>('SELECT DISTINCT series_id FROM detector_states');
      return rows.map((r) => Number(r.series_id));
    },
    async publishSignal(s) {
      await db.insert('signals', [{ id: s.id, at: s.at, node_id: s.nodeId, body: s.body }]);
    },
    async signalsSince(atMs) {
      const rows = await db.rows<{ id: string; at: string; node_id: string; body: string }>(
        `SELECT id, at, node_id, body FROM signals WHERE at >= ${num(atMs)} ORDER BY at, id`,
      );
      return rows.map((r) => ({ id: r.id, at: Number(r.at), nodeId: r.node_id, body: r.body }));
    },
    close: () => db.close(),
  };
}

/** Opens coordination on its own connection (the database must exist and be migrated). */
export function openCoordinationDb(c: ClickHouseConnection): Coordination {
  return coordinationOver(openDb({ ...c, timeoutMs: c.timeoutMs ?? 5000 }));
}
