/**
 * @module Issue rows on ClickHouse: each change of an issue is a new version row; the latest
 * version is read with argMax. An issue never changes project or fingerprint, so those are
 * grouping keys and can be filtered before aggregation (ClickHouse resolves aliases in WHERE).
 */
import type { IssueRow, IssueStatus, StoredErrorEvent } from '../error-types.js';

const VERSIONED = [
  'title',
  'culprit',
  'type',
  'level',
  'platform',
  'status',
  'regressed',
  'extra',
  'first_seen',
  'last_seen',
  'events',
  'users',
  'first_release',
  'last_release',
  'last_event_id',
] as const;

/** The latest version of every issue matching `where` (on id, project_id, fingerprint only). */
export const latestIssues = (where: string) =>
  `SELECT id, project_id, fingerprint, ${VERSIONED.map((c) => `argMax(${c}, ver) AS ${c}`).join(', ')}
   FROM issues WHERE ${where} GROUP BY id, project_id, fingerprint`;

/** ORDER BY clauses of the issue sorts. */
export const ISSUE_ORDER: Record<string, string> = {
  lastSeen: 'last_seen DESC, id DESC',
  firstSeen: 'first_seen DESC, id DESC',
  events: 'events DESC, last_seen DESC',
  users: 'users DESC, last_seen DESC',
};

/** A row as ClickHouse answers it (64-bit integers arrive as strings). */
export type IssueRecord = Record<'id' | 'project_id' | (typeof VERSIONED)[number], string | number> & { fingerprint: string };

interface Extra {
  regressedAt?: number;
  regressedInRelease?: string;
  resolvedAt?: number;
  resolvedInRelease?: string;
}

/** The IssueRow of a record. */
export function toIssue(r: IssueRecord): IssueRow {
  const extra = JSON.parse(String(r.extra || '{}')) as Extra;
  return {
    id: Number(r.id),
    projectId: Number(r.project_id),
    fingerprint: r.fingerprint,
    title: String(r.title),
    culprit: String(r.culprit),
    type: String(r.type),
    level: String(r.level),
    platform: String(r.platform),
    status: String(r.status) as IssueStatus,
    regressed: Number(r.regressed) === 1,
    ...extra,
    firstSeen: Number(r.first_seen),
    lastSeen: Number(r.last_seen),
    events: Number(r.events),
    users: Number(r.users),
    firstRelease: String(r.first_release),
    lastRelease: String(r.last_release),
    lastEventId: String(r.last_event_id),
  };
}

/** The row to insert for a new version of `i`. */
export function issueValues(i: IssueRow, ver: number): Record<string, string | number> {
  const extra: Extra = {};
  if (i.regressedAt !== undefined) extra.regressedAt = i.regressedAt;
  if (i.regressedInRelease !== undefined) extra.regressedInRelease = i.regressedInRelease;
  if (i.resolvedAt !== undefined) extra.resolvedAt = i.resolvedAt;
  if (i.resolvedInRelease !== undefined) extra.resolvedInRelease = i.resolvedInRelease;
  return {
    id: i.id,
    project_id: i.projectId,
    fingerprint: i.fingerprint,
    title: i.title,
    culprit: i.culprit,
    type: i.type,
    level: i.level,
    platform: i.platform,
    status: i.status,
    regressed: i.regressed ? 1 : 0,
    extra: JSON.stringify(extra),
    first_seen: i.firstSeen,
    last_seen: i.lastSeen,
    events: i.events,
    users: i.users,
    first_release: i.firstRelease,
    last_release: i.lastRelease,
    last_event_id: i.lastEventId,
    ver,
  };
}

/** A stored event as ClickHouse answers it. */
export type EventRecord = Record<'project_id' | 'issue_id' | 'ts' | 'received_at', string | number> &
  Record<'event_id' | 'release' | 'environment' | 'data', string>;

/** The StoredErrorEvent of a record. */
export const toEvent = (r: EventRecord): StoredErrorEvent => ({
  eventId: r.event_id,
  issueId: Number(r.issue_id),
  projectId: Number(r.project_id),
  ts: Number(r.ts),
  receivedAt: Number(r.received_at),
  release: r.release,
  environment: r.environment,
  data: r.data,
});
