/** @module The SQLite error store, on the connection of the SQLite store (attached after its init). */
import { deflateRawSync } from 'node:zlib';
import type Database from 'better-sqlite3';
import {
  BREAKDOWN_DIMS,
  type BreakdownDim,
  type BreakdownRow,
  type CommitSide,
  type ErrorCommitResult,
  type ErrorRecord,
  type ErrorStore,
  type IssueRow,
  type OutcomeRow,
  type ReleaseUsers,
  type SessionRow,
} from '../error-types.js';
import { applyRecord, changeStatus, newIssue } from '../issue-state.js';
import { type EventRecord, type IssueRecord, issueParams, ORDER, prepareErrorStatements, toEvent, toIssue } from './sqlite-errors-rows.js';
import { ERRORS_MIGRATIONS, ERRORS_SCHEMA_META } from './sqlite-errors-schema.js';

const NO_SIDE: CommitSide = { sessions: [], sessionUsers: [], outcomes: [] };

/** An error store whose database is attached once the SQLite store has opened it. */
export function createSqliteErrors(): { store: ErrorStore; attach(db: Database.Database): void } {
  let db: Database.Database;
  let s: ReturnType<typeof prepareErrorStatements>;
  let commitTx: (records: readonly ErrorRecord[], side?: CommitSide) => ErrorCommitResult[];
  // This process owns the database: issues and (issue, user) pairs it has seen are kept in memory,
  // so a commit neither looks an issue up nor re-inserts a known user. Cleared when a commit fails.
  const known = new Map<string, IssueRow>();
  const knownUsers = new Set<string>();
  const MAX_KNOWN = 20_000;

  const commit = (records: readonly ErrorRecord[]): ErrorCommitResult[] => {
    const out: ErrorCommitResult[] = [];
    const issues = new Map<string, IssueRow>();
    const dims = new Map<string, { issueId: number; dim: BreakdownDim; value: string; count: number; lastSeen: number }>();
    for (const r of records) {
      const fpKey = `${r.projectId}:${r.fingerprint}`;
      let issue = issues.get(fpKey);
      let isNew = false;
      issue ??= known.get(fpKey);
      if (!issue) {
        const row = s.issueByFp.get(r.projectId, r.fingerprint) as IssueRecord | undefined;
        if (row) issue = toIssue(row);
        else {
          const info = s.insertIssue.run(
            r.projectId,
            r.fingerprint,
            r.title,
            r.culprit,
            r.type,
            r.level,
            r.platform,
            r.ts,
            r.ts,
            r.release,
            r.release,
            r.eventId,
          );
          issue = newIssue(Number(info.lastInsertRowid), r);
          isNew = true;
        }
      }
      // The unique event id decides whether this is a resend: nothing is counted twice.
      const data = deflateRawSync(r.data, { level: 3 });
      if (s.insertEvent.run(r.projectId, issue.id, r.eventId, r.ts, r.receivedAt, r.release, r.environment, data).changes === 0) {
        if (isNew) s.deleteIssue.run(issue.id);
        out.push({ issueId: s.eventIssue.get(r.projectId, r.eventId) as number, isNew: false, regression: false, duplicate: true });
        continue;
      }
      issues.set(fpKey, issue);
      const userKey = r.userKey ? `${issue.id}:${r.userKey}` : '';
      const newUser = r.userKey && !knownUsers.has(userKey) ? s.insertUser.run(issue.id, r.userKey).changes === 1 : false;
      if (userKey) {
        if (knownUsers.size >= MAX_KNOWN * 4) knownUsers.clear();
        knownUsers.add(userKey);
      }
      const regression = applyRecord(issue, r, newUser);
      for (const d of BREAKDOWN_DIMS) {
        const v = r.dims[d];
        if (!v) continue;
        const k = `${issue.id}\u0000${d}\u0000${v}`;
        const cur = dims.get(k);
        if (cur) {
          cur.count++;
          cur.lastSeen = Math.max(cur.lastSeen, r.ts);
        } else dims.set(k, { issueId: issue.id, dim: d, value: v, count: 1, lastSeen: r.ts });
      }
      out.push({ issueId: issue.id, isNew, regression, duplicate: false });
    }
    for (const [k, i] of issues) {
      s.updateIssue.run(...issueParams(i));
      if (known.size >= MAX_KNOWN) known.clear();
      known.set(k, i);
    }
    for (const b of dims.values()) s.upsertBreakdown.run(b.issueId, b.dim, b.value, b.count, b.lastSeen);
    return out;
  };

  const commitAll = async (records: readonly ErrorRecord[], side: CommitSide): Promise<ErrorCommitResult[]> => {
    if (records.length === 0 && side.sessions.length + side.sessionUsers.length + side.outcomes.length === 0) return [];
    try {
      return commitTx(records, side);
    } catch (err) {
      // Rolled back: what memory learned in it may not be in the database.
      known.clear();
      knownUsers.clear();
      throw err;
    }
  };

  const store: ErrorStore = {
    commit: (records) => commitAll(records, NO_SIDE),
    commitWith: commitAll,
    async listIssues(q) {
      const where = ['project_id = ?'];
      const args: Array<string | number> = [q.projectId];
      if (q.status) {
        where.push('status = ?');
        args.push(q.status);
      }
      if (q.level) {
        where.push('level = ?');
        args.push(q.level);
      }
      if (q.q && /^[0-9a-f]{32}$/i.test(q.q)) {
        where.push('id IN (SELECT issue_id FROM issue_events WHERE project_id = ? AND event_id = ?)');
        args.push(q.projectId, q.q.toLowerCase());
      } else if (q.q) {
        const like = `%${q.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
        where.push("(title LIKE ? ESCAPE '\\' OR culprit LIKE ? ESCAPE '\\')");
        args.push(like, like);
      }
      for (const dim of ['release', 'environment'] as const) {
        const v = q[dim];
        if (!v) continue;
        where.push('EXISTS (SELECT 1 FROM issue_breakdowns b WHERE b.issue_id = issues.id AND b.dim = ? AND b.value = ?)');
        args.push(dim, v);
      }
      const w = where.join(' AND ');
      const total = db
        .prepare(`SELECT COUNT(*) FROM issues WHERE ${w}`)
        .pluck()
        .get(...args) as number;
      const rows = db
        .prepare(`SELECT * FROM issues WHERE ${w} ORDER BY ${ORDER[q.sort] ?? ORDER.lastSeen} LIMIT ? OFFSET ?`)
        .all(...args, q.limit, q.offset) as IssueRecord[];
      return { issues: rows.map(toIssue), total };
    },
    async getIssue(projectId, id) {
      const r = s.issueById.get(id) as IssueRecord | undefined;
      return r && r.project_id === projectId ? toIssue(r) : undefined;
    },
    async breakdowns(issueId, perDim) {
      const out = Object.fromEntries(BREAKDOWN_DIMS.map((d) => [d, [] as BreakdownRow[]])) as Record<BreakdownDim, BreakdownRow[]>;
      for (const r of s.breakdowns.all(issueId) as Array<BreakdownRow & { dim: BreakdownDim }>) {
        const list = out[r.dim];
        if (list && list.length < perDim) list.push({ value: r.value, count: r.count, lastSeen: r.lastSeen });
      }
      return out;
    },
    async listEvents(issueId, limit) {
      return (s.listEvents.all(issueId, limit) as EventRecord[]).map(toEvent);
    },
    async getEvent(projectId, eventId) {
      const r = s.getEvent.get(projectId, eventId.toLowerCase()) as EventRecord | undefined;
      return r && toEvent(r);
    },
    async setStatus(projectId, id, change) {
      return db.transaction(() => {
        const r = s.issueById.get(id) as IssueRecord | undefined;
        if (!r || r.project_id !== projectId) return undefined;
        const issue = toIssue(r);
        changeStatus(issue, change);
        s.updateIssue.run(...issueParams(issue));
        known.delete(`${issue.projectId}:${issue.fingerprint}`);
        return issue;
      })();
    },
    async addOutcomes(rows) {
      db.transaction(() => {
        for (const o of rows) s.upsertOutcome.run(o.projectId, o.hour, o.category, o.outcome, o.reason, o.quantity);
      })();
    },
    async readOutcomes(projectId, fromMs, toMs) {
      return s.readOutcomes.all(projectId, fromMs, toMs) as OutcomeRow[];
    },
    async addSessions(rows) {
      db.transaction(() => {
        for (const x of rows)
          s.upsertSession.run(x.projectId, x.release, x.environment, x.hour, x.started, x.errored, x.crashed, x.abnormal);
      })();
    },
    async readSessions(projectId, fromMs, toMs) {
      return s.readSessions.all(projectId, fromMs, toMs) as SessionRow[];
    },
    async addSessionUsers(rows) {
      db.transaction(() => {
        for (const u of rows) s.upsertSessionUser.run(u.projectId, u.release, u.environment, u.hour, u.user, u.crashed);
      })();
    },
    async readSessionUsers(projectId, fromMs, toMs) {
      return s.readSessionUsers.all(projectId, fromMs, toMs) as ReleaseUsers[];
    },
    async prune(before) {
      // Session users (one row per user, hour and release) are kept as long as events.
      db.prepare('DELETE FROM release_session_users WHERE hour < ?').run(before);
      // Events arrive in receive order, so the old ones are those below the first recent id (no index needed).
      const first = db.prepare('SELECT id FROM issue_events WHERE received_at >= ? ORDER BY id LIMIT 1').pluck().get(before) as
        | number
        | undefined;
      const sql =
        first === undefined
          ? 'DELETE FROM issue_events WHERE received_at < ?'
          : 'DELETE FROM issue_events WHERE id < ? AND received_at < ?';
      const args = first === undefined ? [before] : [first, before];
      return db.prepare(sql).run(...args).changes;
    },
  };

  return {
    store,
    attach(d) {
      db = d;
      const applied = Number(d.prepare('SELECT value FROM meta WHERE key = ?').pluck().get(ERRORS_SCHEMA_META) ?? 0);
      for (let v = applied; v < ERRORS_MIGRATIONS.length; v++) {
        d.transaction(() => {
          d.exec(ERRORS_MIGRATIONS[v] as string);
          d.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(
            ERRORS_SCHEMA_META,
            String(v + 1),
          );
        })();
      }
      s = prepareErrorStatements(d);
      commitTx = d.transaction((records: readonly ErrorRecord[], side?: CommitSide) => {
        const out = records.length > 0 ? commit(records) : [];
        for (const o of side?.outcomes ?? []) s.upsertOutcome.run(o.projectId, o.hour, o.category, o.outcome, o.reason, o.quantity);
        for (const x of side?.sessions ?? [])
          s.upsertSession.run(x.projectId, x.release, x.environment, x.hour, x.started, x.errored, x.crashed, x.abnormal);
        for (const u of side?.sessionUsers ?? []) s.upsertSessionUser.run(u.projectId, u.release, u.environment, u.hour, u.user, u.crashed);
        return out;
      });
    },
  };
}
