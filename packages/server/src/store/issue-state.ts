/**
 * @module The issue life cycle, shared by every backend: a new issue from its first event, counts
 * and last-seen from each further one, and regressions (a resolved issue that recurs reopens).
 */
import type { ErrorRecord, IssueRow, OutcomeRow, SessionRow, StatusChange } from './error-types.js';

/** A new unresolved issue from its first record. */
export function newIssue(id: number, r: ErrorRecord): IssueRow {
  return {
    id,
    projectId: r.projectId,
    fingerprint: r.fingerprint,
    title: r.title,
    culprit: r.culprit,
    type: r.type,
    level: r.level,
    platform: r.platform,
    status: 'unresolved',
    regressed: false,
    firstSeen: r.ts,
    lastSeen: r.ts,
    events: 0,
    users: 0,
    firstRelease: r.release,
    lastRelease: r.release,
    lastEventId: r.eventId,
  };
}

/**
 * Whether this record reopens the issue: a resolved issue recurs after it was resolved; one
 * resolved in the next release recurs in another release than the one that still had it.
 */
export function isRegression(issue: IssueRow, r: ErrorRecord): boolean {
  if (issue.status === 'resolved') return r.ts >= (issue.resolvedAt ?? 0);
  if (issue.status === 'resolvedInNextRelease') {
    return r.release !== '' && r.release !== (issue.resolvedInRelease ?? '') && r.ts >= (issue.resolvedAt ?? 0);
  }
  return false;
}

/** Folds one record into the issue (in place); returns true when it is a regression. */
export function applyRecord(issue: IssueRow, r: ErrorRecord, newUser: boolean): boolean {
  const regression = isRegression(issue, r);
  if (regression) {
    issue.status = 'unresolved';
    issue.regressed = true;
    issue.regressedAt = r.ts;
    issue.regressedInRelease = r.release;
    delete issue.resolvedAt;
    delete issue.resolvedInRelease;
  }
  issue.events++;
  if (newUser) issue.users++;
  if (r.ts >= issue.lastSeen) {
    issue.lastSeen = r.ts;
    issue.lastEventId = r.eventId;
    issue.level = r.level;
    issue.title = r.title;
    if (r.release) issue.lastRelease = r.release;
  }
  if (r.ts < issue.firstSeen) issue.firstSeen = r.ts;
  if (!issue.firstRelease && r.release) issue.firstRelease = r.release;
  return regression;
}

/** Applies a status change (in place). */
export function changeStatus(issue: IssueRow, c: StatusChange): void {
  issue.status = c.status;
  if (c.status === 'resolved' || c.status === 'resolvedInNextRelease') {
    issue.resolvedAt = c.now;
    issue.regressed = false;
    if (c.status === 'resolvedInNextRelease') issue.resolvedInRelease = issue.lastRelease;
    else delete issue.resolvedInRelease;
  } else {
    delete issue.resolvedAt;
    delete issue.resolvedInRelease;
  }
}

/** The key that identifies an outcome row's counter. */
export const outcomeKey = (o: OutcomeRow) => `${o.projectId}\u0000${o.hour}\u0000${o.category}\u0000${o.outcome}\u0000${o.reason}`;

/** The key that identifies a session row's counter. */
export const sessionKey = (s: SessionRow) => `${s.projectId}\u0000${s.release}\u0000${s.environment}\u0000${s.hour}`;
