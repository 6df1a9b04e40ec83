/** @module SQLite schema migrations, applied in order and tracked by PRAGMA user_version. */

const buckets = (res: number) => `
CREATE TABLE buckets_${res} (
  series_id INTEGER NOT NULL, ts INTEGER NOT NULL,
  count REAL NOT NULL, sum REAL NOT NULL, min REAL NOT NULL, max REAL NOT NULL,
  last REAL NOT NULL, last_ts INTEGER NOT NULL,
  PRIMARY KEY (series_id, ts)
) WITHOUT ROWID;
CREATE INDEX buckets_${res}_ts ON buckets_${res} (ts);`;

/** Each entry moves the schema one version up. Never edit a shipped entry; add one. */
export const MIGRATIONS: readonly string[] = [
  `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE projects (
  id INTEGER PRIMARY KEY, name TEXT NOT NULL, key TEXT NOT NULL UNIQUE, created_at INTEGER NOT NULL
);
CREATE TABLE series (
  id INTEGER PRIMARY KEY, project_id INTEGER NOT NULL, kpi TEXT NOT NULL, type TEXT NOT NULL,
  tag_key TEXT NOT NULL, tags TEXT NOT NULL, other INTEGER NOT NULL, created_at INTEGER NOT NULL,
  UNIQUE (project_id, kpi, tag_key)
);
CREATE TABLE raw_batches (
  id INTEGER PRIMARY KEY, project_id INTEGER NOT NULL, received_at INTEGER NOT NULL,
  min_ts INTEGER NOT NULL, max_ts INTEGER NOT NULL, n INTEGER NOT NULL, events TEXT NOT NULL
);
CREATE INDEX raw_batches_project_ts ON raw_batches (project_id, max_ts);
CREATE INDEX raw_batches_received ON raw_batches (received_at);
${buckets(1)}
${buckets(60)}
${buckets(3600)}
`,
  `
CREATE TABLE docs (
  kind TEXT NOT NULL, id INTEGER NOT NULL, project_id INTEGER NOT NULL,
  body TEXT NOT NULL, updated_at INTEGER NOT NULL,
  PRIMARY KEY (kind, id)
);
CREATE INDEX docs_project ON docs (kind, project_id);
`,
];
