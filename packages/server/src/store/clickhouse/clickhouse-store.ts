/**
 * @module The ClickHouse backend: events and per-second buckets in MergeTree tables partitioned by
 * day, minute and hour rollups fed by materialised views, and the small tables (meta, projects,
 * documents) as versioned ReplacingMergeTree rows read with argMax. Several Heed nodes may share
 * one database; writes of the small tables are serialised per node (see docs/clickhouse.md).
 */
import { randomUUID } from 'node:crypto';
import { rollUp } from '../aggregate.js';
import { type BucketRow, type CommitBatch, type Project, type RawBatch, RESOLUTIONS, type SeriesRow, type Storage } from '../types.js';
import { clickhouseDocs } from './clickhouse-docs.js';
import { createClickHouseErrors } from './clickhouse-errors.js';
import { bucketTable, byDayMs, pruneTable } from './clickhouse-prune.js';
import { claimIds, claimName } from './id-claims.js';
import { migrate } from './schema.js';
import { newSeries } from './series-check.js';
import { type ClickHouseConnection, createMutex, createVersionClock, type Db, ensureDatabase, num, openDb, str } from './sql.js';

/** Options of the ClickHouse store. */
export interface ClickHouseOptions extends ClickHouseConnection {
  /** Apply migrations at init (default true; `heed migrate` runs them alone). */
  migrate?: boolean;
  /** Fault injection (tests): called after a batch's data insert returned, before the commit does. */
  afterInsert?: (batchId: string) => void;
}

interface ProjectRecord {
  id: number;
  name: string;
  key: string;
  created_at: string;
}

const PROJECTS = `SELECT id, argMax(name, ver) AS name, argMax(key, ver) AS key, argMax(created_at, ver) AS created_at
  FROM projects GROUP BY id`;

const toProject = (r: ProjectRecord | undefined): Project | undefined =>
  r && { id: Number(r.id), name: r.name, key: r.key, createdAt: Number(r.created_at) };

/** Creates the ClickHouse store; call init() before use. */
export function createClickHouseStore(
  opts: ClickHouseOptions,
): Storage & { commitOnce(batch: CommitBatch, batchId: string, fresh?: boolean): Promise<void> } {
  let db: Db | undefined;
  const conn = (): Db => {
    if (!db) throw new Error('ClickHouse store used before init()');
    return db;
  };
  const version = createVersionClock();
  const serial = createMutex();
  const errors = createClickHouseErrors(conn, version, serial);
  const project = async (where: string) => {
    const [r] = await conn().rows<ProjectRecord>(`SELECT * FROM (${PROJECTS}) WHERE ${where}`);
    return toProject(r);
  };
  /** A project key is unique across nodes: not stored yet (keys from before claims) and claimed by this node alone. */
  const claimKey = async (key: string) => {
    if ((await project(`key = ${str(key)}`)) || !(await claimName(conn(), 'project_key', key))) {
      throw new Error('UNIQUE constraint failed: projects.key');
    }
  };

  const commit = async (batch: CommitBatch, batchId: string = randomUUID()): Promise<void> => {
    const d = conn();
    // Another node may have stored the same series under the same (hashed) id: that row is kept.
    const fresh = await newSeries(d, batch.series);
    if (fresh.length > 0) {
      await d.insert(
        'series',
        fresh.map((s) => ({
          id: s.id,
          project_id: s.projectId,
          kpi: s.kpi,
          type: s.type,
          tag_key: s.tagKey,
          tags: JSON.stringify(s.tags),
          other: s.other ? 1 : 0,
          created_at: s.createdAt,
        })),
      );
    }
    // One insert: raw events, bucket deltas and the commit marker land together or not at all
    // (materialised views fan them out), so a replay can tell exactly whether the batch landed.
    const at = Date.now();
    const rows: object[] = batch.raw.map((r) => ({
      batch_id: batchId,
      c_at: at,
      kind: 1,
      project_id: r.projectId,
      received_at: r.receivedAt,
      min_ts: r.minTs,
      max_ts: r.maxTs,
      n: r.n,
      events: r.events,
    }));
    for (const b of rollUp(batch.buckets, 1)) {
      rows.push({
        batch_id: batchId,
        c_at: at,
        kind: 2,
        series_id: b.seriesId,
        d_ts: b.ts,
        d_count: b.count,
        d_sum: b.sum,
        d_min: b.min,
        d_max: b.max,
        d_last: b.last,
        d_last_ts: b.lastTs,
      });
    }
    await d.insert('commit_rows', rows.length > 0 ? rows : [{ batch_id: batchId, c_at: at, kind: 0 }]);
    opts.afterInsert?.(batchId);
  };

  return {
    kind: 'clickhouse',
    errors,
    ...clickhouseDocs(conn, version, serial),
    async init() {
      if (opts.migrate !== false) await ensureDatabase(opts);
      db = openDb(opts);
      if (opts.migrate !== false) await migrate(db);
    },
    async close() {
      await db?.close();
      db = undefined;
    },
    async ping() {
      return db ? db.ping() : false;
    },
    async getMeta(key) {
      const [r] = await conn().rows<{ value: string }>(`SELECT argMax(value, ver) AS value FROM meta WHERE key = ${str(key)} GROUP BY key`);
      return r?.value;
    },
    async setMeta(key, value) {
      await conn().insert('meta', [{ key, value, ver: version() }]);
    },
    createProject: (name, key, createdAt) =>
      serial(async () => {
        await claimKey(key);
        const [id] = await claimIds(conn(), 'project', 1, async () => {
          const [m] = await conn().rows<{ m: number }>('SELECT max(id) AS m FROM projects');
          return Number(m?.m ?? 0);
        });
        await conn().insert('projects', [{ id, name, key, created_at: createdAt, ver: version() }]);
        return { id: id as number, name, key, createdAt };
      }),
    async listProjects() {
      return (await conn().rows<ProjectRecord>(`${PROJECTS} ORDER BY id`)).map((r) => toProject(r) as Project);
    },
    getProject: (id) => project(`id = ${num(id)}`),
    findProjectByKey: (key) => project(`key = ${str(key)}`),
    setProjectKey: (id, key) =>
      serial(async () => {
        const p = await project(`id = ${num(id)}`);
        if (!p) return undefined;
        if (key !== p.key) await claimKey(key);
        await conn().insert('projects', [{ id, name: p.name, key, created_at: p.createdAt, ver: version() }]);
        return { ...p, key };
      }),
    async loadSeries() {
      const rows = await conn().rows<{
        id: number;
        project_id: number;
        kpi: string;
        type: 'count' | 'gauge';
        tag_key: string;
        tags: string;
        other: number;
        created_at: string;
      }>('SELECT * FROM series FINAL ORDER BY id');
      return rows.map(
        (r): SeriesRow => ({
          id: Number(r.id),
          projectId: Number(r.project_id),
          kpi: r.kpi,
          type: r.type,
          tagKey: r.tag_key,
          tags: JSON.parse(r.tags) as Record<string, string>,
          other: Number(r.other) === 1,
          createdAt: Number(r.created_at),
        }),
      );
    },
    commit,
    /**
     * Commits a batch once: a batch id already marked committed is skipped (write-ahead replay).
     * `fresh` (a first attempt, whose id nobody has seen) skips the look-up.
     */
    async commitOnce(batch, batchId, fresh = false) {
      if (!fresh) {
        const [seen] = await conn().rows<{ n: string }>(`SELECT count() AS n FROM commits WHERE batch_id = ${str(batchId)}`);
        if (Number(seen?.n ?? 0) > 0) return;
      }
      await commit(batch, batchId);
    },
    async readBuckets(q) {
      if (q.seriesIds.length === 0) return [];
      const step = num(q.step);
      const rows = await conn().rows<Record<keyof BucketRow, number | string>>(
        `SELECT series_id AS seriesId, toUInt32(intDiv(ts, ${step}) * ${step}) AS t,
           sumMerge(count) AS count, sumMerge(sum) AS sum, minMerge(min) AS min, maxMerge(max) AS max,
           argMaxMerge(last) AS last, maxMerge(last_ts) AS lastTs
         FROM buckets_${num(q.resolution)}
         WHERE series_id IN (${q.seriesIds.map(num).join(',')}) AND ts >= ${num(q.from)} AND ts < ${num(q.to)}
         GROUP BY seriesId, t ORDER BY t, seriesId`,
      );
      return rows.map((r) => ({
        seriesId: Number(r.seriesId),
        ts: Number((r as Record<string, number | string>).t),
        count: Number(r.count),
        sum: Number(r.sum),
        min: Number(r.min),
        max: Number(r.max),
        last: Number(r.last),
        lastTs: Number(r.lastTs),
      }));
    },
    async readRaw(projectId, fromMs, toMs, limit) {
      const rows = await conn().rows<Record<string, string | number>>(
        `SELECT * FROM raw_batches WHERE project_id = ${num(projectId)} AND max_ts >= ${num(fromMs)} AND min_ts < ${num(toMs)}
         ORDER BY max_ts DESC LIMIT ${num(limit)}`,
      );
      return rows.map(
        (r): RawBatch => ({
          projectId: Number(r.project_id),
          receivedAt: Number(r.received_at),
          minTs: Number(r.min_ts),
          maxTs: Number(r.max_ts),
          n: Number(r.n),
          events: String(r.events),
        }),
      );
    },
    async prune(c) {
      let n = await pruneTable(conn(), byDayMs('raw_batches', 'received_at'), c.rawReceivedBeforeMs);
      // Queued alert signals (several nodes) matter for seconds; they go with the raw events.
      n += await pruneTable(conn(), byDayMs('signals', 'at'), c.rawReceivedBeforeMs);
      for (const res of RESOLUTIONS) n += await pruneTable(conn(), bucketTable(res), c.bucketsBefore[res]);
      return n;
    },
  };
}
