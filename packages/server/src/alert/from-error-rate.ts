/**
 * @module Error rate spikes: live detection watches the `errors` KPI (the project's total) and
 * `errors.by_issue` (a series per busy issue) for spikes only. A new or regressed issue's series starts primed at a low
 * expected rate, so a burst of a brand-new issue is a spike at once; its alert keeps the incident
 * open while the issue occurs at an elevated rate, and recovers when it calms down.
 */
import { type DetectionEngine, type EngineDeps, type EngineEvent, primedState } from '../detect/index.js';
import {
  createIssueRates,
  ERRORS_KPI,
  type ErrorSignal,
  FRESH_ISSUE_RATE,
  ISSUE_ERRORS_KPI,
  ISSUE_TAG,
  type IssueRates,
} from '../issues/index.js';
import type { SeriesRegistry } from '../store/index.js';
import type { Signal } from './types.js';

/** True for the KPIs of error rates: `errors` (the total) and `errors.by_issue`. */
export const isErrorRate = (kpi: string): boolean => kpi === ERRORS_KPI || kpi === ISSUE_ERRORS_KPI;

/** A per-issue series with no primed start learns this long before it alerts. */
const ISSUE_WARMUP_HOURS = 6;

/** The per-issue tracker and detection's settings for the `errors` KPI (spikes only; new issues primed), over the KPI settings `base`. */
export function errorRateDetection(base?: EngineDeps['optionsFor']): {
  rates: IssueRates;
  detection: Required<Pick<EngineDeps, 'optionsFor' | 'initialState'>>;
  /**
   * Told each new issue and regression: a regressed issue's tracked series starts again from the
   * fresh rate, and the total expects at least that rate (a long quiet is not their normal).
   */
  onSignal(e: ErrorSignal, engine: Pick<DetectionEngine, 'restart'>, registry: Pick<SeriesRegistry, 'ofKpi'>): void;
} {
  const rates = createIssueRates();
  const detection: Required<Pick<EngineDeps, 'optionsFor' | 'initialState'>> = {
    optionsFor(row) {
      const own = base?.(row) ?? {};
      if (!isErrorRate(row.kpi)) return own;
      const perIssue = row.kpi === ISSUE_ERRORS_KPI;
      // Declared holidays quiet business KPIs, not errors: a crash storm on Christmas still pages.
      const { holidays: _businessDays, ...rest } = own;
      return { direction: 'spike', ...(perIssue ? { warmupHours: ISSUE_WARMUP_HOURS, label: 'events' } : {}), ...rest };
    },
    initialState(row, det, ts, current) {
      if (row.type !== 'count') return undefined;
      // The total, told of a new or regressed issue: it expects at least a fresh issue's rate, so a
      // project quiet for weeks calms down within minutes of a burst (a count expected at ~0 would not).
      if (row.kpi === ERRORS_KPI) {
        if (current && current.base.level < FRESH_ISSUE_RATE) current.base.level = FRESH_ISSUE_RATE;
        return current;
      }
      const id = row.kpi === ISSUE_ERRORS_KPI ? Number(row.tags[ISSUE_TAG]) : Number.NaN;
      const rate = Number.isInteger(id) ? rates.startRate(row.projectId, id) : undefined;
      return rate === undefined ? undefined : primedState(det, Math.max(rate, current?.base.level ?? 0), ts);
    },
  };
  const onSignal = (e: ErrorSignal, engine: Pick<DetectionEngine, 'restart'>, registry: Pick<SeriesRegistry, 'ofKpi'>) => {
    const ts = Math.floor(e.ts / 1000);
    for (const total of registry.ofKpi(e.projectId, ERRORS_KPI)) engine.restart(total.id, ts);
    const row =
      e.kind === 'issue.regression' && registry.ofKpi(e.projectId, ISSUE_ERRORS_KPI).find((r) => r.tags[ISSUE_TAG] === String(e.issueId));
    if (!row) return;
    rates.markFresh(e.projectId, e.issueId);
    engine.restart(row.id, ts);
  };
  return { rates, detection, onSignal };
}

/** The signal of a detection event on the `errors` KPI ("error rate spike"), or undefined for other KPIs and verdicts. */
export function signalFromErrorRate(e: EngineEvent): Signal | undefined {
  const row = e.series;
  if (!isErrorRate(row.kpi)) return undefined;
  const issue = row.kpi === ISSUE_ERRORS_KPI ? row.tags[ISSUE_TAG] : undefined;
  const what = issue !== undefined ? `issue #${issue}` : row.kpi === ISSUE_ERRORS_KPI ? 'other issues' : 'all errors';
  const base = {
    projectId: row.projectId,
    key: issue !== undefined ? `error:rate:issue:${issue}` : row.kpi === ISSUE_ERRORS_KPI ? 'error:rate:other' : 'error:rate',
    source: 'error' as const,
    ts: e.ts * 1000,
    tags: row.tags,
    subject: issue !== undefined ? `issue:${issue}` : row.kpi,
  };
  const v = e.verdict;
  if (v.status === 'alert' && v.direction === 'spike') {
    return {
      ...base,
      firing: true,
      severity: 'critical',
      title: `Error rate spike: ${what}`,
      explanation: `${what}: ${v.explanation}`,
    };
  }
  if (v.status === 'normal' || v.status === 'shift') {
    const calm = v.status === 'shift' ? v.explanation : 'back to its usual rate';
    return { ...base, firing: false, severity: 'info', title: `Error rate: ${what}`, explanation: `${what}: ${calm}.` };
  }
  return undefined;
}
