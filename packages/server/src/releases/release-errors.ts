/**
 * @module Per-release errors, from the issues room's data: issues the release introduced, issues it
 * regressed, its error events per hour and its crash-free sessions, each against the release
 * before it (the same number of hours before the deploy, and that release's sessions).
 */
import type { ReleaseUsers, Storage } from '../store/index.js';
import type { DeployRow } from './deploys.js';

/** The errors side of a release report. */
export interface ReleaseErrors {
  newIssues: Array<{ id: number; title: string; events: number; firstSeen: number }>;
  regressions: Array<{ id: number; title: string; regressedAt: number | undefined }>;
  errorEventsPerHour: { release: number | null; previous: number | null };
  crashFreeSessions: { release: number | null; previous: number | null; sessions: number; previousSessions: number };
  /** Distinct session users (`did`) with no crashed session, over all of them. */
  crashFreeUsers: { release: number | null; previous: number | null; users: number; previousUsers: number };
}

const HOUR_MS = 3600_000;

function health(rows: Array<{ release: string; environment: string; started: number; crashed: number }>, version: string, env: string) {
  let sessions = 0;
  let crashed = 0;
  for (const r of rows) {
    if (r.release !== version || (r.environment && r.environment !== env)) continue;
    sessions += r.started;
    crashed += r.crashed;
  }
  return { sessions, rate: sessions > 0 ? Math.max(0, 1 - crashed / sessions) : null };
}

/** Crash-free users of a release (a user seen in two environments counts in each). */
function userHealth(rows: readonly ReleaseUsers[], version: string, env: string) {
  let users = 0;
  let crashed = 0;
  for (const r of rows) {
    if (r.release !== version || (r.environment && r.environment !== env)) continue;
    users += r.users;
    crashed += r.crashedUsers;
  }
  return { users, rate: users > 0 ? Math.max(0, 1 - crashed / users) : null };
}

/** Errors of `deploy` from its time to `toMs`, against `previous` over as many hours before it. */
export async function releaseErrors(
  store: Storage,
  deploy: DeployRow,
  previous: DeployRow | undefined,
  toMs: number,
  errorSeries: readonly number[],
): Promise<ReleaseErrors> {
  const { issues } = await store.errors.listIssues({
    projectId: deploy.projectId,
    release: deploy.version,
    sort: 'firstSeen',
    limit: 500,
    offset: 0,
  });
  const newIssues = issues
    .filter((i) => i.firstRelease === deploy.version)
    .map((i) => ({ id: i.id, title: i.title, events: i.events, firstSeen: i.firstSeen }));
  const regressions = issues
    .filter((i) => i.regressedInRelease === deploy.version)
    .map((i) => ({ id: i.id, title: i.title, regressedAt: i.regressedAt }));
  const span = Math.max(HOUR_MS, toMs - deploy.at);
  const perHour = async (from: number, to: number) => {
    if (errorSeries.length === 0) return null;
    const rows = await store.readBuckets({
      seriesIds: [...errorSeries],
      resolution: 60,
      from: Math.floor(from / 60_000) * 60,
      to: Math.ceil(to / 60_000) * 60,
      step: 60,
    });
    return (rows.reduce((a, r) => a + r.count, 0) * HOUR_MS) / (to - from);
  };
  const sessions = await store.errors.readSessions(deploy.projectId, (previous?.at ?? deploy.at - span) - HOUR_MS, toMs);
  const users = await store.errors.readSessionUsers(deploy.projectId, (previous?.at ?? deploy.at - span) - HOUR_MS, toMs);
  const myUsers = userHealth(users, deploy.version, deploy.environment);
  const usersBefore = previous ? userHealth(users, previous.version, previous.environment) : { users: 0, rate: null };
  const mine = health(sessions, deploy.version, deploy.environment);
  const before = previous ? health(sessions, previous.version, previous.environment) : { sessions: 0, rate: null };
  return {
    newIssues,
    regressions,
    errorEventsPerHour: {
      release: toMs > deploy.at ? await perHour(deploy.at, toMs) : null,
      previous: previous ? await perHour(Math.max(previous.at, deploy.at - span), deploy.at) : null,
    },
    crashFreeSessions: { release: mine.rate, previous: before.rate, sessions: mine.sessions, previousSessions: before.sessions },
    crashFreeUsers: { release: myUsers.rate, previous: usersBefore.rate, users: myUsers.users, previousUsers: usersBefore.users },
  };
}
