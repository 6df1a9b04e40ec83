/**
 * @module SQLite tables of error tracking. Their migrations are tracked apart from the core schema
 * (meta key `errors_schema_version`), so the two can grow without renumbering each other.
 * Event bodies are stored deflated (raw deflate of the JSON), a quarter of their size or less.
 */

/** The meta key holding how many of ERRORS_MIGRATIONS have been applied. */
export const ERRORS_SCHEMA_META = 'errors_schema_version';

/** Each entry moves the error tables one version up. Never edit a shipped entry; add one. */
export const ERRORS_MIGRATIONS: readonly string[] = [
  `
CREATE TABLE issues (
  id INTEGER PRIMARY KEY, project_id INTEGER NOT NULL, fingerprint TEXT NOT NULL,
  title TEXT NOT NULL, culprit TEXT NOT NULL, type TEXT NOT NULL, level TEXT NOT NULL, platform TEXT NOT NULL,
  status TEXT NOT NULL, regressed INTEGER NOT NULL, regressed_at INTEGER, regressed_in_release TEXT,
  resolved_at INTEGER, resolved_in_release TEXT,
  first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL, events INTEGER NOT NULL, users INTEGER NOT NULL,
  first_release TEXT NOT NULL, last_release TEXT NOT NULL, last_event_id TEXT NOT NULL,
  UNIQUE (project_id, fingerprint)
);
CREATE INDEX issues_project_last_seen ON issues (project_id, last_seen);
CREATE TABLE issue_events (
  id INTEGER PRIMARY KEY, project_id INTEGER NOT NULL, issue_id INTEGER NOT NULL, event_id TEXT NOT NULL,
  ts INTEGER NOT NULL, received_at INTEGER NOT NULL, release TEXT NOT NULL, environment TEXT NOT NULL,
  data BLOB NOT NULL,
  UNIQUE (project_id, event_id)
);
CREATE INDEX issue_events_issue_ts ON issue_events (issue_id, ts);
CREATE TABLE issue_breakdowns (
  issue_id INTEGER NOT NULL, dim TEXT NOT NULL, value TEXT NOT NULL, count INTEGER NOT NULL, last_seen INTEGER NOT NULL,
  PRIMARY KEY (issue_id, dim, value)
) WITHOUT ROWID;
CREATE TABLE issue_users (issue_id INTEGER NOT NULL, user_key TEXT NOT NULL, PRIMARY KEY (issue_id, user_key)) WITHOUT ROWID;
CREATE TABLE sentry_outcomes (
  project_id INTEGER NOT NULL, hour INTEGER NOT NULL, category TEXT NOT NULL, outcome TEXT NOT NULL,
  reason TEXT NOT NULL, quantity INTEGER NOT NULL,
  PRIMARY KEY (project_id, hour, category, outcome, reason)
) WITHOUT ROWID;
CREATE TABLE release_sessions (
  project_id INTEGER NOT NULL, release TEXT NOT NULL, environment TEXT NOT NULL, hour INTEGER NOT NULL,
  started INTEGER NOT NULL, errored INTEGER NOT NULL, crashed INTEGER NOT NULL, abnormal INTEGER NOT NULL,
  PRIMARY KEY (project_id, release, environment, hour)
) WITHOUT ROWID;
`,
  // Crash-free users: each (hashed) distinct id of a release's sessions per hour, and whether it crashed.
  `
CREATE TABLE release_session_users (
  project_id INTEGER NOT NULL, release TEXT NOT NULL, environment TEXT NOT NULL, hour INTEGER NOT NULL,
  user TEXT NOT NULL, crashed INTEGER NOT NULL,
  PRIMARY KEY (project_id, hour, release, environment, user)
) WITHOUT ROWID;
`,
];
