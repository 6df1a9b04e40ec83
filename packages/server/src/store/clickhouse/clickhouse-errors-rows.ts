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

/** Versioned columns merged by latest version; the counts and first/last seen are merged apart. */
const MERGED = VERSIONED.filter((c) => !['events', 'users', 'first_seen', 'last_seen'].includes(c));

/**
 * The latest state of every issue matching `where`, which must select whole fingerprints (filter on
 * project_id and fingerprint; for an id, see byIdWhere): one issue per (project, fingerprint). Two
 * nodes that created the same new fingerprint at once made two ids, read as one issue under the
 * lower id (counts summed, the newest version of everything else). Counts are the row's base
 * (stored before schema 7) plus the deltas in `issue_counts`; `base_events`/`base_users` are the
 * lower id's own base, which a new version must carry unchanged.
 */
export const latestIssues = (where: string) =>
  `SELECT min(iid) AS id, project_id, fingerprint, ${MERGED.map((c) => `argMax(${c}, v) AS ${c}`).join(', ')},
     min(fs) AS first_seen, max(ls) AS last_seen, sum(be + de) AS events, sum(bu + du) AS users,
     argMin(be, iid) AS base_events, argMin(bu, iid) AS base_users
   FROM (
     SELECT id AS iid, project_id, fingerprint, ${MERGED.map((c) => `argMax(${c}, ver) AS ${c}`).join(', ')},
       max(ver) AS v, min(first_seen) AS fs, max(last_seen) AS ls, argMax(events, ver) AS be, argMax(users, ver) AS bu
     FROM issues WHERE ${where} GROUP BY id, project_id, fingerprint
   ) ANY LEFT JOIN (
     SELECT issue_id AS iid, sum(events) AS de, sum(users) AS du FROM issue_counts
     WHERE issue_id IN (SELECT id FROM issues WHERE ${where}) GROUP BY issue_id
   ) USING iid
   GROUP BY project_id, fingerprint`;

/** The `where` of latestIssues for the issue holding id `id` (whichever of its ids). */
export const byIdWhere = (projectId: string, id: string) =>
  `(project_id, fingerprint) IN (SELECT project_id, fingerprint FROM issues WHERE project_id = ${projectId} AND id = ${id})`;

/** Ids stored for the fingerprint of issue `id` (one, or more after two nodes created it at once). */
export const idsOfIssue = (id: string) =>
  `SELECT id FROM issues WHERE (project_id, fingerprint) IN (SELECT project_id, fingerprint FROM issues WHERE id = ${id})`;

/** The counts a new version of an issue stores (its base; increments go to `issue_counts`). */
export interface IssueBase {
  events: number;
  users: number;
}

/** The base counts of a record read with latestIssues. */
export const baseOf = (r: IssueRecord): IssueBase => ({ events: Number(r.base_events ?? 0), users: Number(r.base_users ?? 0) });

/** ORDER BY clauses of the issue sorts. */
export const ISSUE_ORDER: Record<string, string> = {
  lastSeen: 'last_seen DESC, id DESC',
  firstSeen: 'first_seen DESC, id DESC',
  events: 'events DESC, last_seen DESC',
  users: 'users DESC, last_seen DESC',
};

/** A row as ClickHouse answers it (64-bit integers arrive as strings). */
export type IssueRecord = Record<'id' | 'project_id' | (typeof VERSIONED)[number], string | number> & {
  fingerprint: string;
  base_events?: string | number;
  base_users?: string | number;
};

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

/** The row to insert for a new version of `i` (its counts: `base`, see latestIssues). */
export function issueValues(i: IssueRow, ver: number, base: IssueBase): Record<string, string | number> {
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
    events: base.events,
    users: base.users,
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
