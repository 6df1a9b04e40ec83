/** @module Issues as the API shows them: list rows, detail with breakdowns, latest event and a sample, release health. */
import type { BreakdownDim, BreakdownRow, ErrorStore, IssueRow, ReleaseUsers, SessionRow, StoredErrorEvent } from '../store/index.js';

const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

/** An issue as listed. */
export function issueView(i: IssueRow) {
  return {
    id: i.id,
    projectId: i.projectId,
    title: i.title,
    culprit: i.culprit,
    type: i.type,
    level: i.level,
    platform: i.platform,
    status: i.status,
    regressed: i.regressed,
    regressedAt: iso(i.regressedAt),
    regressedInRelease: i.regressedInRelease,
    resolvedAt: iso(i.resolvedAt),
    resolvedInRelease: i.resolvedInRelease,
    firstSeen: iso(i.firstSeen),
    lastSeen: iso(i.lastSeen),
    events: i.events,
    users: i.users,
    firstRelease: i.firstRelease || undefined,
    lastRelease: i.lastRelease || undefined,
    fingerprint: i.fingerprint,
  };
}

/** A stored event with its normalised body. */
export function eventView(e: StoredErrorEvent) {
  return { ...(JSON.parse(e.data) as Record<string, unknown>), issueId: e.issueId, ts: iso(e.ts), receivedAt: iso(e.receivedAt) };
}

/** Share of each breakdown value in the issue's events. */
function withShares(b: Record<BreakdownDim, BreakdownRow[]>, total: number) {
  const out: Record<string, Array<{ value: string; count: number; share: number; lastSeen: string | undefined }>> = {};
  for (const [dim, rows] of Object.entries(b)) {
    out[dim] = rows.map((r) => ({ value: r.value, count: r.count, share: total > 0 ? r.count / total : 0, lastSeen: iso(r.lastSeen) }));
  }
  return out;
}

/** An issue with its breakdowns, its latest event and a sample of recent events (ids and times). */
export async function readIssueDetail(store: ErrorStore, projectId: number, id: number, sample = 20) {
  const issue = await store.getIssue(projectId, id);
  if (!issue) return undefined;
  const [breakdowns, recent] = await Promise.all([store.breakdowns(id, 10), store.listEvents(id, sample)]);
  const latest = recent[0];
  return {
    ...issueView(issue),
    breakdowns: withShares(breakdowns, issue.events),
    latestEvent: latest ? eventView(latest) : null,
    recentEvents: recent.map((e) => ({
      eventId: e.eventId,
      ts: iso(e.ts),
      release: e.release || undefined,
      environment: e.environment || undefined,
    })),
  };
}

/**
 * Crash-free sessions per release over the rows of a range, and crash-free users (distinct session
 * `did`s with no crashed session, over all distinct ids) from `users`.
 */
export function releaseHealth(rows: readonly SessionRow[], users: readonly ReleaseUsers[] = []) {
  const by = new Map<
    string,
    { release: string; environment: string; sessions: number; errored: number; crashed: number; abnormal: number }
  >();
  for (const r of rows) {
    const k = `${r.release}\u0000${r.environment}`;
    const cur = by.get(k) ?? { release: r.release, environment: r.environment, sessions: 0, errored: 0, crashed: 0, abnormal: 0 };
    cur.sessions += r.started;
    cur.errored += r.errored;
    cur.crashed += r.crashed;
    cur.abnormal += r.abnormal;
    by.set(k, cur);
  }
  const userOf = new Map(users.map((u) => [`${u.release}\u0000${u.environment}`, u]));
  for (const u of users) {
    const k = `${u.release}\u0000${u.environment}`;
    if (!by.has(k)) by.set(k, { release: u.release, environment: u.environment, sessions: 0, errored: 0, crashed: 0, abnormal: 0 });
  }
  return [...by.entries()]
    .map(([k, x]) => {
      const u = userOf.get(k);
      const n = u?.users ?? 0;
      return {
        ...x,
        crashFreeSessions: x.sessions > 0 ? Math.max(0, 1 - x.crashed / x.sessions) : null,
        users: n,
        crashedUsers: u?.crashedUsers ?? 0,
        crashFreeUsers: n > 0 ? Math.max(0, 1 - (u?.crashedUsers ?? 0) / n) : null,
      };
    })
    .sort((a, b) => b.sessions - a.sessions || a.release.localeCompare(b.release));
}
