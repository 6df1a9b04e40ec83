/** @module The in-memory error store: issues, events, breakdowns, outcomes and sessions in maps. */
import {
  BREAKDOWN_DIMS,
  type BreakdownDim,
  type BreakdownRow,
  type ErrorCommitResult,
  type ErrorStore,
  type IssueRow,
  type OutcomeRow,
  type ReleaseUsers,
  type SessionRow,
  type SessionUserRow,
  type StoredErrorEvent,
} from '../error-types.js';
import { applyRecord, changeStatus, newIssue, outcomeKey, sessionKey } from '../issue-state.js';

const SORT: Record<string, (a: IssueRow, b: IssueRow) => number> = {
  lastSeen: (a, b) => b.lastSeen - a.lastSeen || b.id - a.id,
  firstSeen: (a, b) => b.firstSeen - a.firstSeen || b.id - a.id,
  events: (a, b) => b.events - a.events || b.lastSeen - a.lastSeen,
  users: (a, b) => b.users - a.users || b.lastSeen - a.lastSeen,
};

/** Creates an empty in-memory error store. */
export function createMemoryErrors(): ErrorStore {
  const issues = new Map<number, IssueRow>();
  const byFingerprint = new Map<string, IssueRow>();
  const events = new Map<number, StoredErrorEvent[]>();
  const eventIds = new Map<string, StoredErrorEvent>();
  const users = new Map<number, Set<string>>();
  const breakdowns = new Map<number, Map<BreakdownDim, Map<string, BreakdownRow>>>();
  const outcomes = new Map<string, OutcomeRow>();
  const sessions = new Map<string, SessionRow>();
  const sessionUsers = new Map<string, SessionUserRow>();
  const copy = (i: IssueRow | undefined) => (i ? { ...i } : undefined);

  return {
    async commit(records) {
      const out: ErrorCommitResult[] = [];
      for (const r of records) {
        const evKey = `${r.projectId}:${r.eventId}`;
        const fpKey = `${r.projectId}:${r.fingerprint}`;
        const dup = eventIds.get(evKey);
        if (dup) {
          out.push({ issueId: dup.issueId, isNew: false, regression: false, duplicate: true });
          continue;
        }
        let issue = byFingerprint.get(fpKey);
        const isNew = !issue;
        if (!issue) {
          issue = newIssue(issues.size + 1, r);
          issues.set(issue.id, issue);
          byFingerprint.set(fpKey, issue);
        }
        let newUser = false;
        if (r.userKey) {
          let set = users.get(issue.id);
          if (!set) users.set(issue.id, (set = new Set()));
          newUser = !set.has(r.userKey);
          set.add(r.userKey);
        }
        const regression = applyRecord(issue, r, newUser);
        const ev: StoredErrorEvent = {
          eventId: r.eventId,
          issueId: issue.id,
          projectId: r.projectId,
          ts: r.ts,
          receivedAt: r.receivedAt,
          release: r.release,
          environment: r.environment,
          data: r.data,
        };
        eventIds.set(evKey, ev);
        let list = events.get(issue.id);
        if (!list) events.set(issue.id, (list = []));
        list.push(ev);
        let dims = breakdowns.get(issue.id);
        if (!dims) breakdowns.set(issue.id, (dims = new Map()));
        for (const d of BREAKDOWN_DIMS) {
          const v = r.dims[d];
          if (!v) continue;
          let m = dims.get(d);
          if (!m) dims.set(d, (m = new Map()));
          const row = m.get(v);
          if (row) {
            row.count++;
            row.lastSeen = Math.max(row.lastSeen, r.ts);
          } else m.set(v, { value: v, count: 1, lastSeen: r.ts });
        }
        out.push({ issueId: issue.id, isNew, regression, duplicate: false });
      }
      return out;
    },
    async listIssues(q) {
      const text = q.q?.toLowerCase();
      const byEvent = q.q && /^[0-9a-f]{32}$/i.test(q.q) ? eventIds.get(`${q.projectId}:${q.q.toLowerCase()}`) : undefined;
      const all = [...issues.values()].filter((i) => {
        if (i.projectId !== q.projectId) return false;
        if (q.status && i.status !== q.status) return false;
        if (q.level && i.level !== q.level) return false;
        if (byEvent) return i.id === byEvent.issueId;
        if (text && !i.title.toLowerCase().includes(text) && !i.culprit.toLowerCase().includes(text)) return false;
        const dims = breakdowns.get(i.id);
        if (q.release && !dims?.get('release')?.has(q.release)) return false;
        if (q.environment && !dims?.get('environment')?.has(q.environment)) return false;
        return true;
      });
      all.sort(SORT[q.sort]);
      return { issues: all.slice(q.offset, q.offset + q.limit).map((i) => ({ ...i })), total: all.length };
    },
    async getIssue(projectId, id) {
      const i = issues.get(id);
      return i && i.projectId === projectId ? copy(i) : undefined;
    },
    async breakdowns(issueId, perDim) {
      const dims = breakdowns.get(issueId);
      const out = {} as Record<BreakdownDim, BreakdownRow[]>;
      for (const d of BREAKDOWN_DIMS) {
        const rows = [...(dims?.get(d)?.values() ?? [])].map((r) => ({ ...r }));
        out[d] = rows.sort((a, b) => b.count - a.count || a.value.localeCompare(b.value)).slice(0, perDim);
      }
      return out;
    },
    async listEvents(issueId, limit) {
      const list = events.get(issueId) ?? [];
      return [...list].sort((a, b) => b.ts - a.ts || b.receivedAt - a.receivedAt).slice(0, limit);
    },
    async getEvent(projectId, eventId) {
      const e = eventIds.get(`${projectId}:${eventId.toLowerCase()}`);
      return e ? { ...e } : undefined;
    },
    async setStatus(projectId, id, change) {
      const i = issues.get(id);
      if (!i || i.projectId !== projectId) return undefined;
      changeStatus(i, change);
      return { ...i };
    },
    async addOutcomes(rows) {
      for (const o of rows) {
        const k = outcomeKey(o);
        const cur = outcomes.get(k);
        if (cur) cur.quantity += o.quantity;
        else outcomes.set(k, { ...o });
      }
    },
    async readOutcomes(projectId, fromMs, toMs) {
      return [...outcomes.values()].filter((o) => o.projectId === projectId && o.hour >= fromMs && o.hour < toMs).map((o) => ({ ...o }));
    },
    async addSessions(rows) {
      for (const s of rows) {
        const k = sessionKey(s);
        const cur = sessions.get(k);
        if (cur) {
          cur.started += s.started;
          cur.errored += s.errored;
          cur.crashed += s.crashed;
          cur.abnormal += s.abnormal;
        } else sessions.set(k, { ...s });
      }
    },
    async readSessions(projectId, fromMs, toMs) {
      return [...sessions.values()].filter((s) => s.projectId === projectId && s.hour >= fromMs && s.hour < toMs).map((s) => ({ ...s }));
    },
    async addSessionUsers(rows) {
      for (const u of rows) {
        const k = `${u.projectId}\u0000${u.release}\u0000${u.environment}\u0000${u.hour}\u0000${u.user}`;
        const cur = sessionUsers.get(k);
        if (cur) cur.crashed = Math.max(cur.crashed, u.crashed);
        else sessionUsers.set(k, { ...u });
      }
    },
    async readSessionUsers(projectId, fromMs, toMs) {
      const by = new Map<string, ReleaseUsers & { all: Set<string>; crash: Set<string> }>();
      for (const u of sessionUsers.values()) {
        if (u.projectId !== projectId || u.hour < fromMs || u.hour >= toMs) continue;
        const k = `${u.release}\u0000${u.environment}`;
        let r = by.get(k);
        if (!r)
          by.set(k, (r = { release: u.release, environment: u.environment, users: 0, crashedUsers: 0, all: new Set(), crash: new Set() }));
        r.all.add(u.user);
        if (u.crashed) r.crash.add(u.user);
      }
      return [...by.values()].map(({ release, environment, all, crash }) => ({
        release,
        environment,
        users: all.size,
        crashedUsers: crash.size,
      }));
    },
    async prune(before) {
      for (const [k, u] of sessionUsers) if (u.hour < before) sessionUsers.delete(k);
      let n = 0;
      for (const [id, list] of events) {
        const keep = list.filter((e) => e.receivedAt >= before);
        for (const e of list) if (e.receivedAt < before) eventIds.delete(`${e.projectId}:${e.eventId}`);
        n += list.length - keep.length;
        events.set(id, keep);
      }
      return n;
    },
  };
}
