/** @module Rows and prepared statements of the SQLite error store. */
import { inflateRawSync } from 'node:zlib';
import type Database from 'better-sqlite3';
import type { IssueRow, IssueStatus, StoredErrorEvent } from '../error-types.js';

/** A row of `issues`. */
export interface IssueRecord {
  id: number;
  project_id: number;
  fingerprint: string;
  title: string;
  culprit: string;
  type: string;
  level: string;
  platform: string;
  status: string;
  regressed: number;
  regressed_at: number | null;
  regressed_in_release: string | null;
  resolved_at: number | null;
  resolved_in_release: string | null;
  first_seen: number;
  last_seen: number;
  events: number;
  users: number;
  first_release: string;
  last_release: string;
  last_event_id: string;
}

/** An issues row as an IssueRow. */
export function toIssue(r: IssueRecord): IssueRow {
  const i: IssueRow = {
    id: r.id,
    projectId: r.project_id,
    fingerprint: r.fingerprint,
    title: r.title,
    culprit: r.culprit,
    type: r.type,
    level: r.level,
    platform: r.platform,
    status: r.status as IssueStatus,
    regressed: r.regressed === 1,
    firstSeen: r.first_seen,
    lastSeen: r.last_seen,
    events: r.events,
    users: r.users,
    firstRelease: r.first_release,
    lastRelease: r.last_release,
    lastEventId: r.last_event_id,
  };
  if (r.regressed_at !== null) i.regressedAt = r.regressed_at;
  if (r.regressed_in_release !== null) i.regressedInRelease = r.regressed_in_release;
  if (r.resolved_at !== null) i.resolvedAt = r.resolved_at;
  if (r.resolved_in_release !== null) i.resolvedInRelease = r.resolved_in_release;
  return i;
}

/** The parameters of the issue update statement. */
export const issueParams = (i: IssueRow) => [
  i.title,
  i.culprit,
  i.level,
  i.status,
  i.regressed ? 1 : 0,
  i.regressedAt ?? null,
  i.regressedInRelease ?? null,
  i.resolvedAt ?? null,
  i.resolvedInRelease ?? null,
  i.firstSeen,
  i.lastSeen,
  i.events,
  i.users,
  i.firstRelease,
  i.lastRelease,
  i.lastEventId,
  i.id,
];

/** ORDER BY clauses of the issue sorts. */
export const ORDER: Record<string, string> = {
  lastSeen: 'last_seen DESC, id DESC',
  firstSeen: 'first_seen DESC, id DESC',
  events: 'events DESC, last_seen DESC',
  users: 'users DESC, last_seen DESC',
};

/** A row of `issue_events`. */
export interface EventRecord {
  event_id: string;
  issue_id: number;
  project_id: number;
  ts: number;
  received_at: number;
  release: string;
  environment: string;
  data: Buffer;
}
/** An issue_events row as a StoredErrorEvent (the body inflated). */
export const toEvent = (r: EventRecord): StoredErrorEvent => ({
  eventId: r.event_id,
  issueId: r.issue_id,
  projectId: r.project_id,
  ts: r.ts,
  receivedAt: r.received_at,
  release: r.release,
  environment: r.environment,
  data: inflateRawSync(r.data).toString('utf8'),
});

/** The prepared statements of the error store. */
export function prepareErrorStatements(d: Database.Database) {
  return {
    eventIssue: d.prepare('SELECT issue_id FROM issue_events WHERE project_id = ? AND event_id = ?').pluck(),
    deleteIssue: d.prepare('DELETE FROM issues WHERE id = ?'),
    issueByFp: d.prepare('SELECT * FROM issues WHERE project_id = ? AND fingerprint = ?'),
    issueById: d.prepare('SELECT * FROM issues WHERE id = ?'),
    insertIssue: d.prepare(
      `INSERT INTO issues (project_id, fingerprint, title, culprit, type, level, platform, status, regressed,
         first_seen, last_seen, events, users, first_release, last_release, last_event_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, 'unresolved', 0, ?, ?, 0, 0, ?, ?, ?)`,
    ),
    updateIssue: d.prepare(
      `UPDATE issues SET title = ?, culprit = ?, level = ?, status = ?, regressed = ?, regressed_at = ?,
         regressed_in_release = ?, resolved_at = ?, resolved_in_release = ?, first_seen = ?, last_seen = ?,
         events = ?, users = ?, first_release = ?, last_release = ?, last_event_id = ? WHERE id = ?`,
    ),
    insertUser: d.prepare('INSERT OR IGNORE INTO issue_users (issue_id, user_key) VALUES (?, ?)'),
    insertEvent: d.prepare(
      `INSERT OR IGNORE INTO issue_events (project_id, issue_id, event_id, ts, received_at, release, environment, data)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    upsertBreakdown: d.prepare(
      `INSERT INTO issue_breakdowns (issue_id, dim, value, count, last_seen) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT(issue_id, dim, value) DO UPDATE SET count = count + excluded.count,
         last_seen = MAX(last_seen, excluded.last_seen)`,
    ),
    breakdowns: d.prepare(
      'SELECT dim, value, count, last_seen AS lastSeen FROM issue_breakdowns WHERE issue_id = ? ORDER BY count DESC, value',
    ),
    listEvents: d.prepare('SELECT * FROM issue_events WHERE issue_id = ? ORDER BY ts DESC, received_at DESC LIMIT ?'),
    getEvent: d.prepare('SELECT * FROM issue_events WHERE project_id = ? AND event_id = ?'),
    upsertOutcome: d.prepare(
      `INSERT INTO sentry_outcomes (project_id, hour, category, outcome, reason, quantity) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT(project_id, hour, category, outcome, reason) DO UPDATE SET quantity = quantity + excluded.quantity`,
    ),
    readOutcomes: d.prepare(
      `SELECT project_id AS projectId, hour, category, outcome, reason, quantity FROM sentry_outcomes
       WHERE project_id = ? AND hour >= ? AND hour < ? ORDER BY hour, category, outcome, reason`,
    ),
    upsertSession: d.prepare(
      `INSERT INTO release_sessions (project_id, release, environment, hour, started, errored, crashed, abnormal)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(project_id, release, environment, hour) DO UPDATE SET
         started = started + excluded.started, errored = errored + excluded.errored,
         crashed = crashed + excluded.crashed, abnormal = abnormal + excluded.abnormal`,
    ),
    upsertSessionUser: d.prepare(
      `INSERT INTO release_session_users (project_id, release, environment, hour, user, crashed) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT(project_id, hour, release, environment, user) DO UPDATE SET crashed = max(crashed, excluded.crashed)`,
    ),
    readSessionUsers: d.prepare(
      `SELECT release, environment, COUNT(DISTINCT user) AS users, COUNT(DISTINCT CASE WHEN crashed > 0 THEN user END) AS crashedUsers
       FROM release_session_users WHERE project_id = ? AND hour >= ? AND hour < ? GROUP BY release, environment`,
    ),
    readSessions: d.prepare(
      `SELECT project_id AS projectId, release, environment, hour, started, errored, crashed, abnormal
       FROM release_sessions WHERE project_id = ? AND hour >= ? AND hour < ? ORDER BY hour, release, environment`,
    ),
  };
}
