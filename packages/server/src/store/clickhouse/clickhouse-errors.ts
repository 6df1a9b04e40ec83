/**
 * @module The error store on ClickHouse. Grouping needs read-modify-write (is this event id known,
 * which issue has this fingerprint, is this user new), which ClickHouse has no transactions for:
 * each commit reads what it needs in a few set queries, folds the records in memory with the
 * shared issue life cycle (issue-state.ts), and writes new versions. Commits run one at a time per
 * node; across nodes, see docs/clickhouse.md.
 */
import {
  BREAKDOWN_DIMS,
  type BreakdownDim,
  type BreakdownRow,
  type ErrorCommitResult,
  type ErrorStore,
  type IssueRow,
  type OutcomeRow,
  type SessionRow,
} from '../error-types.js';
import { applyRecord, changeStatus, newIssue } from '../issue-state.js';
import {
  baseOf,
  byIdWhere,
  type EventRecord,
  ISSUE_ORDER,
  type IssueBase,
  type IssueRecord,
  idsOfIssue,
  issueValues,
  latestIssues,
  toEvent,
  toIssue,
} from './clickhouse-errors-rows.js';
import { byDayMs, pruneTable } from './clickhouse-prune.js';
import { claimIds } from './id-claims.js';
import { type createMutex, type Db, num, str } from './sql.js';

const tuples = (items: Iterable<string>) => [...new Set(items)].join(', ');

/** Creates the error store over the store's connection. */
export function createClickHouseErrors(db: () => Db, version: () => number, serial: ReturnType<typeof createMutex>): ErrorStore {
  /** An issue by any of its ids (the lower one answers), with the base counts a new version carries. */
  const readIssue = async (projectId: number, id: number) => {
    const [r] = await db().rows<IssueRecord>(latestIssues(byIdWhere(num(projectId), num(id))));
    return r && { issue: toIssue(r), base: baseOf(r) };
  };
  const getIssue = async (projectId: number, id: number) => (await readIssue(projectId, id))?.issue;

  return {
    commit: (records) =>
      serial(async () => {
        if (records.length === 0) return [];
        const d = db();
        const issues = new Map<string, IssueRow>();
        const bases = new Map<number, IssueBase>();
        const fps = tuples(records.map((r) => `(${num(r.projectId)}, ${str(r.fingerprint)})`));
        for (const r of await d.rows<IssueRecord>(latestIssues(`(project_id, fingerprint) IN (${fps})`))) {
          issues.set(`${r.project_id}:${r.fingerprint}`, toIssue(r));
          bases.set(Number(r.id), baseOf(r));
        }
        const seen = new Map<string, number>();
        const evs = tuples(records.map((r) => `(${num(r.projectId)}, ${str(r.eventId)})`));
        for (const r of await d.rows<{ project_id: number; event_id: string; issue_id: number }>(
          `SELECT project_id, event_id, issue_id FROM issue_event_ids WHERE (project_id, event_id) IN (${evs})`,
        )) {
          seen.set(`${r.project_id}:${r.event_id}`, Number(r.issue_id));
        }
        const users = new Set<string>();
        const known = [...issues.values()].map((i) => i.id);
        if (known.length > 0) {
          const keys = records.filter((r) => r.userKey).map((r) => str(r.userKey as string));
          if (keys.length > 0) {
            for (const u of await d.rows<{ issue_id: number; user_key: string }>(
              `SELECT DISTINCT issue_id, user_key FROM issue_users WHERE issue_id IN (${known.join(',')}) AND user_key IN (${tuples(keys)})`,
            )) {
              users.add(`${u.issue_id}:${u.user_key}`);
            }
          }
        }
        // New issues take ids claimed across nodes (see id-claims.ts): one per new fingerprint.
        const fresh = new Set(records.map((r) => `${r.projectId}:${r.fingerprint}`).filter((k) => !issues.has(k)));
        const pool =
          fresh.size === 0
            ? []
            : await claimIds(d, 'issue', fresh.size, async () => {
                const [m] = await d.rows<{ m: number }>('SELECT max(id) AS m FROM issues');
                return Number(m?.m ?? 0);
              });
        const out: ErrorCommitResult[] = [];
        const changed = new Map<number, IssueRow>();
        const events: object[] = [];
        const ids: object[] = [];
        const newUsers: object[] = [];
        const dims: object[] = [];
        // Counts go in as deltas (summed by ClickHouse), so nodes committing one issue at once add up.
        const deltas = new Map<number, IssueBase>();
        for (const r of records) {
          const evKey = `${r.projectId}:${r.eventId}`;
          const dup = seen.get(evKey);
          if (dup !== undefined) {
            out.push({ issueId: dup, isNew: false, regression: false, duplicate: true });
            continue;
          }
          const fpKey = `${r.projectId}:${r.fingerprint}`;
          let issue = issues.get(fpKey);
          const isNew = !issue;
          if (!issue) {
            issue = newIssue(pool.shift() as number, r);
            issues.set(fpKey, issue);
          }
          seen.set(evKey, issue.id);
          let newUser = false;
          if (r.userKey && !users.has(`${issue.id}:${r.userKey}`)) {
            users.add(`${issue.id}:${r.userKey}`);
            newUsers.push({ issue_id: issue.id, user_key: r.userKey });
            newUser = true;
          }
          const regression = applyRecord(issue, r, newUser);
          changed.set(issue.id, issue);
          const delta = deltas.get(issue.id) ?? { events: 0, users: 0 };
          delta.events++;
          if (newUser) delta.users++;
          deltas.set(issue.id, delta);
          const ev = { project_id: r.projectId, issue_id: issue.id, event_id: r.eventId, ts: r.ts, received_at: r.receivedAt };
          events.push({ ...ev, release: r.release, environment: r.environment, data: r.data });
          ids.push({ project_id: r.projectId, event_id: r.eventId, issue_id: issue.id, received_at: r.receivedAt });
          for (const dim of BREAKDOWN_DIMS) {
            const v = r.dims[dim];
            if (v) dims.push({ issue_id: issue.id, dim, value: v, d_count: 1, d_last_seen: r.ts });
          }
          out.push({ issueId: issue.id, isNew, regression, duplicate: false });
        }
        // Events first: a failure after them leaves counts short, never events lost.
        await d.insert('issue_events', events);
        await d.insert('issue_event_ids', ids);
        await d.insert('issue_users', newUsers);
        await d.insert('breakdown_deltas', dims);
        const counts = [...deltas].map(([issue_id, c]) => ({ issue_id, ...c }));
        await d.insert('issue_counts', counts);
        const ver = version();
        await d.insert(
          'issues',
          [...changed.values()].map((i) => issueValues(i, ver, bases.get(i.id) ?? { events: 0, users: 0 })),
        );
        return out;
      }),
    async listIssues(q) {
      const where: string[] = [];
      // By fingerprint: an issue two nodes created at once holds the events and breakdowns of both ids.
      const ofIds = `fingerprint IN (SELECT fingerprint FROM issues WHERE project_id = ${num(q.projectId)} AND id IN `;
      if (q.status) where.push(`status = ${str(q.status)}`);
      if (q.level) where.push(`level = ${str(q.level)}`);
      if (q.q && /^[0-9a-f]{32}$/i.test(q.q)) {
        where.push(
          `${ofIds}(SELECT issue_id FROM issue_event_ids WHERE project_id = ${num(q.projectId)} AND event_id = ${str(q.q.toLowerCase())}))`,
        );
      } else if (q.q) {
        where.push(`(positionCaseInsensitiveUTF8(title, ${str(q.q)}) > 0 OR positionCaseInsensitiveUTF8(culprit, ${str(q.q)}) > 0)`);
      }
      for (const dim of ['release', 'environment'] as const) {
        const v = q[dim];
        if (v) where.push(`${ofIds}(SELECT issue_id FROM issue_breakdowns WHERE dim = ${str(dim)} AND value = ${str(v)}))`);
      }
      const from = `(${latestIssues(`project_id = ${num(q.projectId)}`)})`;
      const w = where.length > 0 ? ` WHERE ${where.join(' AND ')}` : '';
      const [t] = await db().rows<{ n: string }>(`SELECT count() AS n FROM ${from}${w}`);
      const rows = await db().rows<IssueRecord>(
        `SELECT * FROM ${from}${w} ORDER BY ${ISSUE_ORDER[q.sort] ?? ISSUE_ORDER.lastSeen} LIMIT ${num(q.offset)}, ${num(q.limit)}`,
      );
      return { issues: rows.map(toIssue), total: Number(t?.n ?? 0) };
    },
    getIssue,
    async breakdowns(issueId, perDim) {
      const out = Object.fromEntries(BREAKDOWN_DIMS.map((x) => [x, [] as BreakdownRow[]])) as Record<BreakdownDim, BreakdownRow[]>;
      const rows = await db().rows<{ dim: BreakdownDim; value: string; count: string; lastSeen: string }>(
        `SELECT dim, value, sumMerge(count) AS count, maxMerge(last_seen) AS lastSeen FROM issue_breakdowns
         WHERE issue_id IN (${idsOfIssue(num(issueId))}) GROUP BY dim, value ORDER BY count DESC, value`,
      );
      for (const r of rows) {
        const list = out[r.dim];
        if (list && list.length < perDim) list.push({ value: r.value, count: Number(r.count), lastSeen: Number(r.lastSeen) });
      }
      return out;
    },
    async listEvents(issueId, limit) {
      const rows = await db().rows<EventRecord>(
        `SELECT * FROM issue_events WHERE issue_id IN (${idsOfIssue(num(issueId))}) ORDER BY ts DESC, received_at DESC LIMIT ${num(limit)}`,
      );
      return rows.map(toEvent);
    },
    async getEvent(projectId, eventId) {
      const p = num(projectId);
      const e = str(eventId.toLowerCase());
      const [r] = await db().rows<EventRecord>(
        `SELECT * FROM issue_events WHERE issue_id IN (SELECT issue_id FROM issue_event_ids WHERE project_id = ${p} AND event_id = ${e})
         AND project_id = ${p} AND event_id = ${e} LIMIT 1`,
      );
      return r && toEvent(r);
    },
    setStatus: (projectId, id, change) =>
      serial(async () => {
        const read = await readIssue(projectId, id);
        if (!read) return undefined;
        changeStatus(read.issue, change);
        await db().insert('issues', [issueValues(read.issue, version(), read.base)]);
        return read.issue;
      }),
    async addOutcomes(rows) {
      await db().insert(
        'sentry_outcomes',
        rows.map((o) => ({
          project_id: o.projectId,
          hour: o.hour,
          category: o.category,
          outcome: o.outcome,
          reason: o.reason,
          quantity: o.quantity,
        })),
      );
    },
    async readOutcomes(projectId, fromMs, toMs) {
      const rows = await db().rows<Record<keyof OutcomeRow, string | number>>(
        `SELECT project_id AS projectId, hour, category, outcome, reason, sum(quantity) AS quantity FROM sentry_outcomes
         WHERE project_id = ${num(projectId)} AND hour >= ${num(fromMs)} AND hour < ${num(toMs)}
         GROUP BY project_id, hour, category, outcome, reason ORDER BY hour, category, outcome, reason`,
      );
      return rows.map((r) => ({
        projectId: Number(r.projectId),
        hour: Number(r.hour),
        category: String(r.category),
        outcome: String(r.outcome),
        reason: String(r.reason),
        quantity: Number(r.quantity),
      }));
    },
    async addSessions(rows) {
      await db().insert(
        'release_sessions',
        rows.map((s) => ({
          project_id: s.projectId,
          release: s.release,
          environment: s.environment,
          hour: s.hour,
          started: s.started,
          errored: s.errored,
          crashed: s.crashed,
          abnormal: s.abnormal,
        })),
      );
    },
    async addSessionUsers(rows) {
      await db().insert(
        'release_session_users',
        rows.map((u) => ({
          project_id: u.projectId,
          release: u.release,
          environment: u.environment,
          hour: u.hour,
          user: u.user,
          crashed: u.crashed,
        })),
      );
    },
    async readSessionUsers(projectId, fromMs, toMs) {
      const rows = await db().rows<{ release: string; environment: string; users: string | number; crashedUsers: string | number }>(
        `SELECT release, environment, uniqExact(user) AS users, uniqExactIf(user, crashed > 0) AS crashedUsers
         FROM release_session_users WHERE project_id = ${num(projectId)} AND hour >= ${num(fromMs)} AND hour < ${num(toMs)}
         GROUP BY release, environment`,
      );
      return rows.map((r) => ({
        release: String(r.release),
        environment: String(r.environment),
        users: Number(r.users),
        crashedUsers: Number(r.crashedUsers),
      }));
    },
    async readSessions(projectId, fromMs, toMs) {
      const rows = await db().rows<Record<keyof SessionRow, string | number>>(
        `SELECT project_id AS projectId, release, environment, hour, sum(started) AS started, sum(errored) AS errored,
           sum(crashed) AS crashed, sum(abnormal) AS abnormal
         FROM release_sessions WHERE project_id = ${num(projectId)} AND hour >= ${num(fromMs)} AND hour < ${num(toMs)}
         GROUP BY project_id, release, environment, hour ORDER BY hour, release, environment`,
      );
      return rows.map((r) => ({
        projectId: Number(r.projectId),
        release: String(r.release),
        environment: String(r.environment),
        hour: Number(r.hour),
        started: Number(r.started),
        errored: Number(r.errored),
        crashed: Number(r.crashed),
        abnormal: Number(r.abnormal),
      }));
    },
    async prune(before) {
      const n = await pruneTable(db(), byDayMs('issue_events', 'received_at'), before);
      await pruneTable(db(), byDayMs('issue_event_ids', 'received_at'), before);
      // Session users (one row per user, hour and release; not partitioned) go with the events.
      await pruneTable(db(), { table: 'release_session_users', column: 'hour', unit: 'ms', partitionOf: () => '0' }, before);
      return n;
    },
  };
}
