/**
 * @module ClickHouse schema: versioned migrations, each a list of idempotent statements
 * (IF NOT EXISTS), recorded in `heed_migrations`. Written in the SQL that ClickHouse 18.16 and
 * current releases both accept: no TTL (prune drops partitions and deletes instead), no
 * LowCardinality, no SimpleAggregateFunction, no Nullable.
 */
import type { Db } from './sql.js';

/** Bucket sizes that get their own aggregated table, and how each is partitioned. */
const BUCKET_TABLES: ReadonlyArray<[number, string]> = [
  [1, "toYYYYMMDD(toDateTime(ts), 'UTC')"],
  [60, "toYYYYMM(toDateTime(ts), 'UTC')"],
  [3600, "toYYYYMM(toDateTime(ts), 'UTC')"],
];

const buckets = (res: number, partition: string) => [
  `CREATE TABLE IF NOT EXISTS buckets_${res} (
    series_id UInt32, ts UInt32,
    count AggregateFunction(sum, Float64), sum AggregateFunction(sum, Float64),
    min AggregateFunction(min, Float64), max AggregateFunction(max, Float64),
    last AggregateFunction(argMax, Float64, Int64), last_ts AggregateFunction(max, Int64)
  ) ENGINE = AggregatingMergeTree() PARTITION BY ${partition} ORDER BY (series_id, ts)`,
  // The input table's columns carry a d_ prefix so the view's aliases never shadow them.
  `CREATE MATERIALIZED VIEW IF NOT EXISTS buckets_${res}_mv TO buckets_${res} AS
    SELECT series_id, toUInt32(intDiv(d_ts, ${res}) * ${res}) AS ts,
      sumState(d_count) AS count, sumState(d_sum) AS sum, minState(d_min) AS min, maxState(d_max) AS max,
      argMaxState(d_last, d_last_ts) AS last, maxState(d_last_ts) AS last_ts
    FROM bucket_deltas GROUP BY series_id, ts`,
];

/** A bucket table fed from the per-commit input table (migration 5). */
const bucketsFromCommits = (res: number) =>
  `CREATE MATERIALIZED VIEW IF NOT EXISTS buckets_${res}_cmv TO buckets_${res} AS
    SELECT series_id, toUInt32(intDiv(d_ts, ${res}) * ${res}) AS ts,
      sumState(d_count) AS count, sumState(d_sum) AS sum, minState(d_min) AS min, maxState(d_max) AS max,
      argMaxState(d_last, d_last_ts) AS last, maxState(d_last_ts) AS last_ts
    FROM commit_rows WHERE kind = 2 GROUP BY series_id, ts`;

/** Each entry moves the schema one version up. Never edit a shipped entry; add one. */
export const CLICKHOUSE_MIGRATIONS: ReadonlyArray<readonly string[]> = [
  [
    'CREATE TABLE IF NOT EXISTS meta (key String, value String, ver UInt64) ENGINE = ReplacingMergeTree(ver) ORDER BY key',
    `CREATE TABLE IF NOT EXISTS projects (id UInt32, name String, key String, created_at Int64, ver UInt64)
      ENGINE = ReplacingMergeTree(ver) ORDER BY id`,
    `CREATE TABLE IF NOT EXISTS series (
      id UInt32, project_id UInt32, kpi String, type String, tag_key String, tags String, other UInt8, created_at Int64
    ) ENGINE = ReplacingMergeTree() ORDER BY id`,
    `CREATE TABLE IF NOT EXISTS raw_batches (
      project_id UInt32, received_at Int64, min_ts Int64, max_ts Int64, n UInt32, events String
    ) ENGINE = MergeTree() PARTITION BY toYYYYMMDD(toDateTime(intDiv(received_at, 1000)), 'UTC') ORDER BY (project_id, max_ts)`,
    `CREATE TABLE IF NOT EXISTS bucket_deltas (
      series_id UInt32, d_ts UInt32, d_count Float64, d_sum Float64, d_min Float64, d_max Float64, d_last Float64, d_last_ts Int64
    ) ENGINE = Null`,
    ...BUCKET_TABLES.flatMap(([res, p]) => buckets(res, p)),
    `CREATE TABLE IF NOT EXISTS docs (
      kind String, id UInt32, project_id UInt32, body String, updated_at Int64, deleted UInt8, ver UInt64
    ) ENGINE = ReplacingMergeTree(ver) ORDER BY (kind, id)`,
    // Markers of committed batches, so a replayed write-ahead batch is not counted twice.
    `CREATE TABLE IF NOT EXISTS commits (batch_id String, at Int64)
      ENGINE = ReplacingMergeTree() PARTITION BY toYYYYMM(toDateTime(intDiv(at, 1000)), 'UTC') ORDER BY batch_id`,
  ],
  [
    `CREATE TABLE IF NOT EXISTS issues (
      id UInt32, project_id UInt32, fingerprint String, title String, culprit String, type String, level String,
      platform String, status String, regressed UInt8, extra String, first_seen Int64, last_seen Int64,
      events UInt64, users UInt64, first_release String, last_release String, last_event_id String, ver UInt64
    ) ENGINE = ReplacingMergeTree(ver) ORDER BY (project_id, id)`,
    `CREATE TABLE IF NOT EXISTS issue_events (
      project_id UInt32, issue_id UInt32, event_id String, ts Int64, received_at Int64,
      release String, environment String, data String
    ) ENGINE = MergeTree() PARTITION BY toYYYYMMDD(toDateTime(intDiv(received_at, 1000)), 'UTC') ORDER BY (issue_id, ts)`,
    // Event ids by project, for resend detection and search by id (issue_events is ordered by issue).
    `CREATE TABLE IF NOT EXISTS issue_event_ids (project_id UInt32, event_id String, issue_id UInt32, received_at Int64)
      ENGINE = ReplacingMergeTree() PARTITION BY toYYYYMMDD(toDateTime(intDiv(received_at, 1000)), 'UTC')
      ORDER BY (project_id, event_id)`,
    `CREATE TABLE IF NOT EXISTS issue_users (issue_id UInt32, user_key String)
      ENGINE = ReplacingMergeTree() ORDER BY (issue_id, user_key)`,
    `CREATE TABLE IF NOT EXISTS breakdown_deltas (issue_id UInt32, dim String, value String, d_count UInt64, d_last_seen Int64)
      ENGINE = Null`,
    `CREATE TABLE IF NOT EXISTS issue_breakdowns (
      issue_id UInt32, dim String, value String, count AggregateFunction(sum, UInt64), last_seen AggregateFunction(max, Int64)
    ) ENGINE = AggregatingMergeTree() ORDER BY (issue_id, dim, value)`,
    `CREATE MATERIALIZED VIEW IF NOT EXISTS issue_breakdowns_mv TO issue_breakdowns AS
      SELECT issue_id, dim, value, sumState(d_count) AS count, maxState(d_last_seen) AS last_seen
      FROM breakdown_deltas GROUP BY issue_id, dim, value`,
    `CREATE TABLE IF NOT EXISTS sentry_outcomes (
      project_id UInt32, hour Int64, category String, outcome String, reason String, quantity UInt64
    ) ENGINE = SummingMergeTree(quantity) ORDER BY (project_id, hour, category, outcome, reason)`,
    `CREATE TABLE IF NOT EXISTS release_sessions (
      project_id UInt32, release String, environment String, hour Int64,
      started UInt64, errored UInt64, crashed UInt64, abnormal UInt64
    ) ENGINE = SummingMergeTree((started, errored, crashed, abnormal)) ORDER BY (project_id, release, environment, hour)`,
  ],
  [
    // Coordination of several nodes: heartbeats (membership) and claims of leases.
    `CREATE TABLE IF NOT EXISTS nodes (node_id String, started_at Int64, heartbeat_at Int64, stopped UInt8, ver UInt64)
      ENGINE = ReplacingMergeTree(ver) ORDER BY node_id`,
  ],
  [
    // Alert signals on their way to the leader node, which alone runs the incident engine.
    `CREATE TABLE IF NOT EXISTS signals (id String, at Int64, node_id String, body String)
      ENGINE = MergeTree() PARTITION BY toYYYYMMDD(toDateTime(intDiv(at, 1000)), 'UTC') ORDER BY at`,
  ],
  [
    // One insert per group commit (raw events, bucket deltas and the batch's commit marker): the
    // marker lands with the data or not at all, so a write-ahead replay skips exactly what landed.
    `CREATE TABLE IF NOT EXISTS commit_rows (
      batch_id String, c_at Int64, kind UInt8,
      project_id UInt32, received_at Int64, min_ts Int64, max_ts Int64, n UInt32, events String,
      series_id UInt32, d_ts UInt32, d_count Float64, d_sum Float64, d_min Float64, d_max Float64, d_last Float64, d_last_ts Int64
    ) ENGINE = Null`,
    `CREATE MATERIALIZED VIEW IF NOT EXISTS raw_batches_cmv TO raw_batches AS
      SELECT project_id, received_at, min_ts, max_ts, n, events FROM commit_rows WHERE kind = 1`,
    ...BUCKET_TABLES.map(([res]) => bucketsFromCommits(res)),
    `CREATE MATERIALIZED VIEW IF NOT EXISTS commits_cmv TO commits AS
      SELECT batch_id, max(c_at) AS at FROM commit_rows GROUP BY batch_id`,
    // Detector state per series (several nodes): the owner writes it every few seconds and on
    // each alert; a node that takes a series over resumes from it and re-judges the buckets since.
    `CREATE TABLE IF NOT EXISTS detector_states (series_id UInt32, cursor Float64, body String, node_id String, ver UInt64)
      ENGINE = ReplacingMergeTree(ver) ORDER BY series_id`,
    // Claims of ids (issues, documents, projects) by several nodes: an id is a node's when its
    // claim is the only one (see id-claims.ts).
    `CREATE TABLE IF NOT EXISTS id_claims (kind String, id UInt32, nonce String, at Int64)
      ENGINE = MergeTree() ORDER BY (kind, id)`,
  ],
  [
    // Crash-free users: each (hashed) distinct id of a release's sessions per hour; read with uniqExact.
    `CREATE TABLE IF NOT EXISTS release_session_users (
      project_id UInt32, release String, environment String, hour Int64, user String, crashed UInt8
    ) ENGINE = MergeTree() ORDER BY (project_id, hour, release, environment, user)`,
  ],
  [
    // Issue counts as deltas, summed: nodes committing events of one issue at once add up (the
    // `events` and `users` of an `issues` row stay the base stored before this version).
    `CREATE TABLE IF NOT EXISTS issue_counts (issue_id UInt32, events UInt64, users UInt64)
      ENGINE = SummingMergeTree((events, users)) ORDER BY issue_id`,
    // Names unique across nodes (project keys), claimed for good (see id-claims.ts).
    `CREATE TABLE IF NOT EXISTS name_claims (kind String, name String, nonce String, at Int64) ENGINE = MergeTree() ORDER BY (kind, name)`,
  ],
];

/** Applies the migrations not yet recorded; safe to run again and from several nodes at once. */
export async function migrate(db: Db): Promise<{ from: number; to: number }> {
  await db.exec('CREATE TABLE IF NOT EXISTS heed_migrations (version UInt32, applied_at Int64) ENGINE = MergeTree() ORDER BY version');
  const [row] = await db.rows<{ v: number }>('SELECT max(version) AS v FROM heed_migrations');
  const from = Number(row?.v ?? 0);
  for (let v = from; v < CLICKHOUSE_MIGRATIONS.length; v++) {
    for (const sql of CLICKHOUSE_MIGRATIONS[v] as readonly string[]) await db.exec(sql);
    await db.insert('heed_migrations', [{ version: v + 1, applied_at: Date.now() }]);
  }
  return { from, to: Math.max(from, CLICKHOUSE_MIGRATIONS.length) };
}

/** The schema version this build writes. */
export const CLICKHOUSE_SCHEMA_VERSION = CLICKHOUSE_MIGRATIONS.length;
