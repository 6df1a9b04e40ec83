/**
 * @module The `errors` KPI of one commit: error and fatal events per project and second, and
 * `errors.by_issue` for the busiest issues (see issue-rates.ts), as counted events for the writer,
 * gathered for a tenth of a second so the writer commits them a few times a second, not per commit.
 */
import type { NormalizedEvent } from '@heed/protocol';
import type { Logger } from '../kernel/index.js';
import type { ErrorCommitResult, ErrorRecord, Writer } from '../store/index.js';
import { ERRORS_KPI, ISSUE_ERRORS_KPI, ISSUE_TAG, type IssueRates } from './issue-rates.js';

interface Bucket {
  projectId: number;
  issueId: number;
  sec: number;
  n: number;
  fresh: boolean;
}

const point = (name: string, sec: number, n: number, tags: Array<[string, string]>, tagKey: string): NormalizedEvent => ({
  name,
  ts: sec * 1000,
  type: 'count',
  count: n,
  value: n,
  tags,
  tagKey,
});

/** The KPI events of committed records (duplicates and warnings are not counted), by project. */
export function errorKpiEvents(
  recs: readonly ErrorRecord[],
  results: readonly ErrorCommitResult[],
  rates: IssueRates,
): Map<number, NormalizedEvent[]> {
  const perSecond = new Map<string, Bucket>();
  const perIssue = new Map<string, Bucket>();
  for (let i = 0; i < recs.length; i++) {
    const r = recs[i] as ErrorRecord;
    const res = results[i];
    if (!res || res.duplicate || (r.level !== 'error' && r.level !== 'fatal')) continue;
    const sec = Math.floor(r.ts / 1000);
    const fresh = res.isNew || res.regression;
    const k = `${r.projectId}:${sec}`;
    const cur = perSecond.get(k);
    if (cur) cur.n++;
    else perSecond.set(k, { projectId: r.projectId, issueId: 0, sec, n: 1, fresh: false });
    const ik = `${k}:${res.issueId}`;
    const ic = perIssue.get(ik);
    if (ic) [ic.n, ic.fresh] = [ic.n + 1, ic.fresh || fresh];
    else perIssue.set(ik, { projectId: r.projectId, issueId: res.issueId, sec, n: 1, fresh });
  }
  const byProject = new Map<number, NormalizedEvent[]>();
  const add = (projectId: number, ev: NormalizedEvent) => {
    const list = byProject.get(projectId);
    if (list) list.push(ev);
    else byProject.set(projectId, [ev]);
  };
  for (const b of perSecond.values()) add(b.projectId, point(ERRORS_KPI, b.sec, b.n, [], ''));
  for (const b of perIssue.values()) {
    if (!rates.observe(b.projectId, b.issueId, b.n, b.sec * 1000, b.fresh)) continue;
    const id = String(b.issueId);
    add(b.projectId, point(ISSUE_ERRORS_KPI, b.sec, b.n, [[ISSUE_TAG, id]], `${ISSUE_TAG}=${id}`));
  }
  return byProject;
}

/** How long KPI points wait to be appended together (live detection waits 250 ms or more anyway). */
export const KPI_GATHER_MS = 100;

/** Points gathered across commits, summed per project, series and second. */
export interface KpiBuffer {
  add(byProject: Map<number, NormalizedEvent[]>): void;
  /** Appends what was gathered now (the writer commits it on its next turn). */
  flush(): void;
}

/** Creates the buffer in front of the writer. */
export function createKpiBuffer(writer: Pick<Writer, 'append'>, now: () => number, log: Logger, gatherMs = KPI_GATHER_MS): KpiBuffer {
  let pending = new Map<number, Map<string, NormalizedEvent>>();
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    const all = pending;
    pending = new Map();
    for (const [projectId, points] of all) {
      writer.append(projectId, [...points.values()], now()).committed.catch((err: unknown) => log.error('errors KPI not stored', { err }));
    }
  };
  return {
    add(byProject) {
      for (const [projectId, evs] of byProject) {
        let points = pending.get(projectId);
        if (!points) pending.set(projectId, (points = new Map()));
        for (const ev of evs) {
          const k = `${ev.name}\u0000${ev.tagKey}\u0000${ev.ts}`;
          const cur = points.get(k);
          if (cur) {
            cur.count += ev.count;
            cur.value += ev.value;
          } else points.set(k, ev);
        }
      }
      if (!timer && pending.size > 0) {
        timer = setTimeout(flush, gatherMs);
        timer.unref();
      }
    },
    flush,
  };
}
