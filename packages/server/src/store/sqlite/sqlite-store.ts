/** @module The embedded SQLite backend (better-sqlite3, WAL): the default store. */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { rollUp } from '../aggregate.js';
import {
  type BucketQuery,
  type BucketRow,
  type CommitBatch,
  type Project,
  type PruneCutoffs,
  type RawBatch,
  RESOLUTIONS,
  type SeriesRow,
  type Storage,
} from '../types.js';
import { MIGRATIONS } from './schema.js';
import { sqliteDocs } from './sqlite-docs.js';
import { createSqliteErrors } from './sqlite-errors.js';

/** Options of the SQLite store. `dataDir` of ':memory:' keeps the database in memory (tests). */
export interface SqliteOptions {
  dataDir: string;
  sync: 'normal' | 'full';
}

interface ProjectRecord {
  id: number;
  name: string;
  key: string;
  created_at: number;
}

function toProject(r: ProjectRecord | undefined): Project | undefined {
  return r && { id: r.id, name: r.name, key: r.key, createdAt: r.created_at };
}

/** Creates the SQLite store; call init() before use. */
export function createSqliteStore(opts: SqliteOptions): Storage {
  let db: Database.Database;
  let stmts: ReturnType<typeof prepare>;

  function prepare(d: Database.Database) {
    return {
      getMeta: d.prepare('SELECT value FROM meta WHERE key = ?').pluck(),
      setMeta: d.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value'),
      insertProject: d.prepare('INSERT INTO projects (name, key, created_at) VALUES (?, ?, ?)'),
      listProjects: d.prepare('SELECT * FROM projects ORDER BY id'),
      getProject: d.prepare('SELECT * FROM projects WHERE id = ?'),
      projectByKey: d.prepare('SELECT * FROM projects WHERE key = ?'),
      setKey: d.prepare('UPDATE projects SET key = ? WHERE id = ?'),
      loadSeries: d.prepare('SELECT * FROM series ORDER BY id'),
      readRaw: d.prepare(
        `SELECT * FROM raw_batches WHERE project_id = ? AND max_ts >= ? AND min_ts < ?
         ORDER BY max_ts DESC LIMIT ?`,
      ),
    };
  }

  let commitMany: (b: CommitBatch) => void;
  const errors = createSqliteErrors();

  return {
    kind: 'sqlite',
    errors: errors.store,
    ...sqliteDocs(() => db),
    async init() {
      const file = opts.dataDir === ':memory:' ? ':memory:' : join(opts.dataDir, 'heed.db');
      if (file !== ':memory:') mkdirSync(opts.dataDir, { recursive: true });
      db = new Database(file);
      db.pragma('journal_mode = WAL');
      db.pragma(`synchronous = ${opts.sync === 'full' ? 'FULL' : 'NORMAL'}`);
      db.pragma('busy_timeout = 5000');
      // 16 MB of page cache (SQLite's default is 2 MB): the indexes error ingest writes at random
      // places (event ids, events per issue) stay in memory instead of being read again.
      db.pragma('cache_size = -16000');
      const version = db.pragma('user_version', { simple: true }) as number;
      for (let v = version; v < MIGRATIONS.length; v++) {
        db.transaction(() => {
          db.exec(MIGRATIONS[v] as string);
          db.pragma(`user_version = ${v + 1}`);
        })();
      }
      stmts = prepare(db);
      commitMany = createCommit(db);
      errors.attach(db);
    },
    async close() {
      if (db?.open) {
        db.pragma('wal_checkpoint(TRUNCATE)');
        db.close();
      }
    },
    async ping() {
      try {
        return db.prepare('SELECT 1').pluck().get() === 1;
      } catch {
        return false;
      }
    },
    async getMeta(key) {
      return stmts.getMeta.get(key) as string | undefined;
    },
    async setMeta(key, value) {
      stmts.setMeta.run(key, value);
    },
    async createProject(name, key, createdAt) {
      const info = stmts.insertProject.run(name, key, createdAt);
      return { id: Number(info.lastInsertRowid), name, key, createdAt };
    },
    async listProjects() {
      return (stmts.listProjects.all() as ProjectRecord[]).map((r) => toProject(r) as Project);
    },
    async getProject(id) {
      return toProject(stmts.getProject.get(id) as ProjectRecord | undefined);
    },
    async findProjectByKey(key) {
      return toProject(stmts.projectByKey.get(key) as ProjectRecord | undefined);
    },
    async setProjectKey(id, key) {
      stmts.setKey.run(key, id);
      return toProject(stmts.getProject.get(id) as ProjectRecord | undefined);
    },
    async loadSeries() {
      const rows = stmts.loadSeries.all() as Array<{
        id: number;
        project_id: number;
        kpi: string;
        type: 'count' | 'gauge';
        tag_key: string;
        tags: string;
        other: number;
        created_at: number;
      }>;
      return rows.map(
        (r): SeriesRow => ({
          id: r.id,
          projectId: r.project_id,
          kpi: r.kpi,
          type: r.type,
          tagKey: r.tag_key,
          tags: JSON.parse(r.tags) as Record<string, string>,
          other: r.other === 1,
          createdAt: r.created_at,
        }),
      );
    },
    async commit(batch) {
      commitMany(batch);
    },
    async readBuckets(q: BucketQuery) {
      if (q.seriesIds.length === 0) return [];
      const out: BucketRow[] = [];
      // Chunks keep the IN list under SQLite's parameter limit.
      for (let i = 0; i < q.seriesIds.length; i += 500) {
        const ids = q.seriesIds.slice(i, i + 500);
        const sql = `SELECT series_id AS seriesId, (ts / ${q.step}) * ${q.step} AS ts,
            SUM(count) AS count, SUM(sum) AS sum, MIN(min) AS min, MAX(max) AS max,
            last, MAX(last_ts) AS lastTs
          FROM buckets_${q.resolution}
          WHERE series_id IN (${ids.map(() => '?').join(',')}) AND ts >= ? AND ts < ?
          GROUP BY series_id, (ts / ${q.step}) ORDER BY ts`;
        out.push(...(db.prepare(sql).all(...ids, q.from, q.to) as BucketRow[]));
      }
      return out;
    },
    async readRaw(projectId, fromMs, toMs, limit) {
      const rows = stmts.readRaw.all(projectId, fromMs, toMs, limit) as Array<{
        project_id: number;
        received_at: number;
        min_ts: number;
        max_ts: number;
        n: number;
        events: string;
      }>;
      return rows.map(
        (r): RawBatch => ({
          projectId: r.project_id,
          receivedAt: r.received_at,
          minTs: r.min_ts,
          maxTs: r.max_ts,
          n: r.n,
          events: r.events,
        }),
      );
    },
    async prune(c: PruneCutoffs) {
      let n = db.prepare('DELETE FROM raw_batches WHERE received_at < ?').run(c.rawReceivedBeforeMs).changes;
      for (const res of RESOLUTIONS) {
        n += db.prepare(`DELETE FROM buckets_${res} WHERE ts < ?`).run(c.bucketsBefore[res]).changes;
      }
      return n;
    },
  };
}

/** The group-commit transaction on one connection: new series, raw batches, bucket upserts. */
function createCommit(d: Database.Database): (batch: CommitBatch) => void {
  const upsert = (res: number) =>
    d.prepare(
      `INSERT INTO buckets_${res} (series_id, ts, count, sum, min, max, last, last_ts)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(series_id, ts) DO UPDATE SET
         count = count + excluded.count, sum = sum + excluded.sum,
         min = MIN(min, excluded.min), max = MAX(max, excluded.max),
         last = CASE WHEN excluded.last_ts >= last_ts THEN excluded.last ELSE last END,
         last_ts = MAX(last_ts, excluded.last_ts)`,
    );
  const insertSeries = d.prepare(
    'INSERT INTO series (id, project_id, kpi, type, tag_key, tags, other, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const insertRaw = d.prepare('INSERT INTO raw_batches (project_id, received_at, min_ts, max_ts, n, events) VALUES (?, ?, ?, ?, ?, ?)');
  const upserts: Record<number, Database.Statement> = { 1: upsert(1), 60: upsert(60), 3600: upsert(3600) };
  return d.transaction((batch: CommitBatch) => {
    for (const s of batch.series) {
      insertSeries.run(s.id, s.projectId, s.kpi, s.type, s.tagKey, JSON.stringify(s.tags), s.other ? 1 : 0, s.createdAt);
    }
    for (const r of batch.raw) insertRaw.run(r.projectId, r.receivedAt, r.minTs, r.maxTs, r.n, r.events);
    for (const res of RESOLUTIONS) {
      const stmt = upserts[res] as Database.Statement;
      for (const b of rollUp(batch.buckets, res)) {
        stmt.run(b.seriesId, b.ts, b.count, b.sum, b.min, b.max, b.last, b.lastTs);
      }
    }
  });
}
