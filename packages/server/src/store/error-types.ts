/** @module The ErrorStore interface (issues, their events and breakdowns, SDK outcomes) and its rows. */

/** Where an issue stands. */
export type IssueStatus = 'unresolved' | 'resolved' | 'resolvedInNextRelease' | 'ignored';
export const ISSUE_STATUSES: readonly IssueStatus[] = ['unresolved', 'resolved', 'resolvedInNextRelease', 'ignored'];

/** The dimensions every issue is broken down by. */
export type BreakdownDim = 'browser' | 'os' | 'device' | 'runtime' | 'release' | 'environment';
export const BREAKDOWN_DIMS: readonly BreakdownDim[] = ['browser', 'os', 'device', 'runtime', 'release', 'environment'];

/** One grouped error event to store. Times are epoch ms. */
export interface ErrorRecord {
  projectId: number;
  eventId: string;
  fingerprint: string;
  ts: number;
  receivedAt: number;
  level: string;
  type: string;
  title: string;
  culprit: string;
  platform: string;
  release: string;
  environment: string;
  /** A stable, non-reversible key of the user (for "users affected"). */
  userKey?: string;
  dims: Partial<Record<BreakdownDim, string>>;
  /** The normalised event as JSON. */
  data: string;
}

/** An issue: events grouped by fingerprint. */
export interface IssueRow {
  id: number;
  projectId: number;
  fingerprint: string;
  title: string;
  culprit: string;
  type: string;
  level: string;
  platform: string;
  status: IssueStatus;
  /** True from a regression until the issue is resolved again. */
  regressed: boolean;
  regressedAt?: number;
  regressedInRelease?: string;
  resolvedAt?: number;
  /** For resolvedInNextRelease: the release that still had the issue. */
  resolvedInRelease?: string;
  firstSeen: number;
  lastSeen: number;
  events: number;
  users: number;
  firstRelease: string;
  lastRelease: string;
  lastEventId: string;
}

/** What storing one record did. */
export interface ErrorCommitResult {
  issueId: number;
  isNew: boolean;
  regression: boolean;
  /** An event id already stored (an SDK resend): nothing was counted. */
  duplicate: boolean;
}

/** A search over issues. */
export interface IssueQuery {
  projectId: number;
  status?: IssueStatus;
  /** Case-insensitive text in title or culprit, or an exact event id. */
  q?: string;
  release?: string;
  environment?: string;
  level?: string;
  sort: 'lastSeen' | 'firstSeen' | 'events' | 'users';
  limit: number;
  offset: number;
}

/** A stored event of an issue. */
export interface StoredErrorEvent {
  eventId: string;
  issueId: number;
  projectId: number;
  ts: number;
  receivedAt: number;
  release: string;
  environment: string;
  data: string;
}

/** One value of a breakdown. */
export interface BreakdownRow {
  value: string;
  count: number;
  lastSeen: number;
}

/** Counts of what SDKs sent, per hour: item categories accepted or dropped, and client-reported drops. */
export interface OutcomeRow {
  projectId: number;
  /** Epoch ms of the hour's start. */
  hour: number;
  category: string;
  /** accepted, dropped (by Heed), client_discarded (by the SDK, from client reports). */
  outcome: string;
  reason: string;
  quantity: number;
}

/** Release health per release, environment and hour, from session items. */
export interface SessionRow {
  projectId: number;
  release: string;
  environment: string;
  hour: number;
  started: number;
  errored: number;
  crashed: number;
  abnormal: number;
}

/** A user (hashed session `did`) seen in a release's sessions in an hour; `crashed` 1 when any of their sessions crashed. */
export interface SessionUserRow {
  projectId: number;
  release: string;
  environment: string;
  hour: number;
  user: string;
  crashed: number;
}

/** Distinct users of a release and environment over a range, and how many of them had a crashed session. */
export interface ReleaseUsers {
  release: string;
  environment: string;
  users: number;
  crashedUsers: number;
}

/** Status changes. */
export interface StatusChange {
  status: IssueStatus;
  now: number;
}

/** Rows written beside the events of a commit. */
export interface CommitSide {
  sessions: readonly SessionRow[];
  sessionUsers: readonly SessionUserRow[];
  outcomes: readonly OutcomeRow[];
}

/** The error store. Every backend passes the shared suite (error-contract.test-suite.ts). */
export interface ErrorStore {
  /** Groups records into issues (creating, counting, reopening), atomically. */
  commit(records: readonly ErrorRecord[]): Promise<ErrorCommitResult[]>;
  /**
   * Optional: `commit` plus the session, session-user and outcome rows of the same turn, in one
   * transaction (one write instead of several). Callers without it call commit, then the add* methods.
   */
  commitWith?(records: readonly ErrorRecord[], side: CommitSide): Promise<ErrorCommitResult[]>;
  listIssues(q: IssueQuery): Promise<{ issues: IssueRow[]; total: number }>;
  getIssue(projectId: number, id: number): Promise<IssueRow | undefined>;
  breakdowns(issueId: number, perDim: number): Promise<Record<BreakdownDim, BreakdownRow[]>>;
  /** Events of an issue, newest first. */
  listEvents(issueId: number, limit: number): Promise<StoredErrorEvent[]>;
  getEvent(projectId: number, eventId: string): Promise<StoredErrorEvent | undefined>;
  setStatus(projectId: number, id: number, change: StatusChange): Promise<IssueRow | undefined>;
  addOutcomes(rows: readonly OutcomeRow[]): Promise<void>;
  readOutcomes(projectId: number, fromMs: number, toMs: number): Promise<OutcomeRow[]>;
  addSessions(rows: readonly SessionRow[]): Promise<void>;
  readSessions(projectId: number, fromMs: number, toMs: number): Promise<SessionRow[]>;
  addSessionUsers(rows: readonly SessionUserRow[]): Promise<void>;
  /** Distinct users per release and environment over the hours in [fromMs, toMs). */
  readSessionUsers(projectId: number, fromMs: number, toMs: number): Promise<ReleaseUsers[]>;
  /** Deletes events received before the cut-off (issues and their counts stay). */
  prune(eventsReceivedBeforeMs: number): Promise<number>;
}
