/**
 * @module Error rates per issue: which issues get their own series (`errors.by_issue` with tag
 * `issue=<id>`), bounded to the busiest few per project by a decayed count, and the rate a new or
 * regressed issue's series starts from (such an issue has no history: it is assumed rare).
 */

/** The KPI of error and fatal events: the project's total. */
export const ERRORS_KPI = 'errors';
/**
 * The same events of the busiest issues, one series per issue (tag `issue`): a KPI of its own, so
 * the total is not counted twice when a KPI's series are summed.
 */
export const ISSUE_ERRORS_KPI = 'errors.by_issue';
/** The tag naming the issue of an `errors.by_issue` series. */
export const ISSUE_TAG = 'issue';
/** A new or regressed issue is expected at about two events a minute until its own rate is learned. */
export const FRESH_ISSUE_RATE = 2 / 60;
/** Issues with their own series, per project, by default. */
export const DEFAULT_ISSUE_SERIES = 20;

const HALF_LIFE_MS = 10 * 60_000;
/** A newcomer must be this much busier than the quietest watched issue to take its place. */
const DISPLACE_FACTOR = 2;
/** Fresh issues remembered until their series is created. */
const MAX_FRESH = 1000;

interface Score {
  value: number;
  at: number;
}

interface ProjectRates {
  scores: Map<number, Score>;
  watched: Set<number>;
}

/** The per-issue rate tracker of one server (shared by the pipeline and detection). */
export interface IssueRates {
  /**
   * Counts `n` error events of an issue at `ts` (ms); `fresh` when the issue is new or regressed
   * in this commit. True when the issue has its own series (it is among the busiest).
   */
  observe(projectId: number, issueId: number, n: number, ts: number, fresh: boolean): boolean;
  /** Notes that an issue is new or regressed: its series (created or restarted next) starts from the fresh rate. */
  markFresh(projectId: number, issueId: number): void;
  /** Events per second a new series of this issue starts from when it is new or regressed; else undefined. */
  startRate(projectId: number, issueId: number): number | undefined;
  /** Issue ids with their own series in a project. */
  watched(projectId: number): number[];
}

/** Creates the tracker; `maxPerProject` bounds the per-issue series fed per project. */
export function createIssueRates(maxPerProject = DEFAULT_ISSUE_SERIES): IssueRates {
  const projects = new Map<number, ProjectRates>();
  const fresh = new Map<string, number>();
  const current = (s: Score, ts: number) => s.value * 2 ** (-Math.max(0, ts - s.at) / HALF_LIFE_MS);
  const markFresh = (projectId: number, issueId: number) => {
    fresh.set(`${projectId}:${issueId}`, FRESH_ISSUE_RATE);
    if (fresh.size > MAX_FRESH) fresh.delete(fresh.keys().next().value as string);
  };

  return {
    observe(projectId, issueId, n, ts, isFresh) {
      let p = projects.get(projectId);
      if (!p) projects.set(projectId, (p = { scores: new Map(), watched: new Set() }));
      const s = p.scores.get(issueId);
      let score: number;
      if (s) {
        score = current(s, ts) + n;
        s.value = score;
        s.at = Math.max(s.at, ts);
      } else {
        score = n;
        // Candidates are bounded too: the quietest unwatched one makes room.
        if (p.scores.size >= maxPerProject * 4) {
          let quietest: number | undefined;
          let low = Number.POSITIVE_INFINITY;
          for (const [id, x] of p.scores) {
            const v = current(x, ts);
            if (!p.watched.has(id) && v < low) [quietest, low] = [id, v];
          }
          if (quietest !== undefined) p.scores.delete(quietest);
        }
        p.scores.set(issueId, { value: n, at: ts });
      }
      if (isFresh) markFresh(projectId, issueId);
      if (p.watched.has(issueId)) return true;
      if (p.watched.size < maxPerProject) {
        p.watched.add(issueId);
        return true;
      }
      let weakest: number | undefined;
      let low = Number.POSITIVE_INFINITY;
      for (const id of p.watched) {
        const x = p.scores.get(id);
        const v = x ? current(x, ts) : 0;
        if (v < low) [weakest, low] = [id, v];
      }
      if (weakest === undefined || score <= low * DISPLACE_FACTOR) return false;
      // The displaced issue's series gets no more data: detection sees it fall silent and calm down.
      p.watched.delete(weakest);
      p.watched.add(issueId);
      return true;
    },
    markFresh,
    startRate(projectId, issueId) {
      const k = `${projectId}:${issueId}`;
      const r = fresh.get(k);
      fresh.delete(k);
      return r;
    },
    watched: (projectId) => [...(projects.get(projectId)?.watched ?? [])],
  };
}
