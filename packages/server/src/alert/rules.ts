/**
 * @module User rules: thresholds and absence over a sliding window, with `for` durations. Judged
 * when data is committed and on the one-second tick (absence is seen with no data at all).
 */
import type { BucketDelta, SeriesRow, Storage } from '../store/index.js';
import type { Rule, Signal } from './types.js';

interface Cell {
  count: number;
  sum: number;
  min: number;
  max: number;
  last: number;
  lastTs: number;
}

interface RuleState {
  id: number;
  projectId: number;
  rule: Rule;
  /** Per-second aggregates inside the window, by epoch second. */
  cells: Map<number, Cell>;
  pendingSince?: number;
  firing: boolean;
}

/** What the evaluator needs from the server. */
export interface RuleDeps {
  store: Storage;
  series(id: number): SeriesRow | undefined;
  seriesOf(projectId: number, kpi: string): SeriesRow[];
  emit(s: Signal): void;
}

/** The rule evaluator. */
export interface RuleEvaluator {
  load(now: number): Promise<void>;
  /** Adds or replaces a rule (after the API stored it). */
  set(id: number, projectId: number, rule: Rule, now: number): Promise<void>;
  remove(id: number, now: number): void;
  onCommit(deltas: readonly BucketDelta[], now: number): void;
  tick(now: number): void;
}

const matches = (rule: Rule, row: SeriesRow) => !rule.where || Object.entries(rule.where).every(([k, v]) => row.tags[k] === v);

/** The rule's value over the window ending at `now`, or null when there is nothing to judge. */
export function windowValue(rule: Rule, cells: Map<number, Cell>, now: number): number | null {
  const from = Math.floor(now / 1000) - rule.windowSeconds;
  let count = 0;
  let sum = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let last: number | null = null;
  let lastTs = Number.NEGATIVE_INFINITY;
  for (const [sec, c] of cells) {
    if (sec < from) continue;
    count += c.count;
    sum += c.sum;
    min = Math.min(min, c.min);
    max = Math.max(max, c.max);
    if (c.lastTs >= lastTs) {
      last = c.last;
      lastTs = c.lastTs;
    }
  }
  switch (rule.agg) {
    case 'count':
      return count;
    case 'rate':
      return count / rule.windowSeconds;
    case 'sum':
      return sum;
    case 'mean':
      return count > 0 ? sum / count : null;
    case 'min':
      return count > 0 ? min : null;
    case 'max':
      return count > 0 ? max : null;
    case 'last':
      return last;
  }
}

const compare = (v: number, op: Rule['op'], t: number) => (op === '>' ? v > t : op === '>=' ? v >= t : op === '<' ? v < t : v <= t);

/** Describes the condition for people. */
export function describeRule(rule: Rule): string {
  const where = rule.where
    ? ` where ${Object.entries(rule.where)
        .map(([k, v]) => `${k}=${v}`)
        .join(', ')}`
    : '';
  if (rule.kind === 'absence') return `no ${rule.kpi}${where} for ${rule.windowSeconds} s`;
  return `${rule.agg} of ${rule.kpi}${where} over ${rule.windowSeconds} s ${rule.op} ${rule.threshold}${rule.forSeconds ? ` for ${rule.forSeconds} s` : ''}`;
}

/** Creates the evaluator. */
export function createRuleEvaluator(deps: RuleDeps): RuleEvaluator {
  const rules = new Map<number, RuleState>();
  const byKpi = new Map<string, Set<RuleState>>();
  const kpiKey = (projectId: number, kpi: string) => `${projectId}\u0000${kpi}`;

  const judge = (st: RuleState, now: number) => {
    const { rule } = st;
    const horizon = Math.floor(now / 1000) - rule.windowSeconds;
    for (const sec of st.cells.keys()) if (sec < horizon) st.cells.delete(sec);
    const v = windowValue(rule, st.cells, now);
    const bad = rule.kind === 'absence' ? v === 0 || v === null : v !== null && compare(v, rule.op, rule.threshold);
    if (!bad) {
      st.pendingSince = undefined;
      if (st.firing) {
        st.firing = false;
        deps.emit(signal(st, false, now, v));
      }
      return;
    }
    st.pendingSince ??= now;
    if (!st.firing && now - st.pendingSince >= rule.forSeconds * 1000) {
      st.firing = true;
      deps.emit(signal(st, true, now, v));
    }
  };

  const signal = (st: RuleState, firing: boolean, now: number, v: number | null): Signal => {
    const r = st.rule;
    const shown = v === null ? 'no data' : Number.isInteger(v) ? String(v) : v.toFixed(3);
    return {
      projectId: st.projectId,
      key: `rule:${st.id}`,
      source: 'rule',
      firing,
      ts: now,
      onsetTs: st.pendingSince,
      severity: r.severity,
      title: r.name,
      explanation:
        r.kind === 'absence' ? `No ${r.kpi} events in the last ${r.windowSeconds} s.` : `Rule "${describeRule(r)}": value is ${shown}.`,
      tags: r.where ?? {},
      subject: r.kpi,
    };
  };

  const add = (sec: number, st: RuleState, d: { count: number; sum: number; min: number; max: number; last: number; lastTs: number }) => {
    const c = st.cells.get(sec);
    if (!c) st.cells.set(sec, { ...d });
    else {
      c.count += d.count;
      c.sum += d.sum;
      c.min = Math.min(c.min, d.min);
      c.max = Math.max(c.max, d.max);
      if (d.lastTs >= c.lastTs) {
        c.last = d.last;
        c.lastTs = d.lastTs;
      }
    }
  };

  const install = async (id: number, projectId: number, rule: Rule, now: number) => {
    const old = rules.get(id);
    if (old) byKpi.get(kpiKey(old.projectId, old.rule.kpi))?.delete(old);
    const st: RuleState = { id, projectId, rule, cells: new Map(), firing: old?.firing ?? false };
    const ids = deps
      .seriesOf(projectId, rule.kpi)
      .filter((s) => matches(rule, s))
      .map((s) => s.id);
    const nowSec = Math.floor(now / 1000);
    for (const b of await deps.store.readBuckets({
      seriesIds: ids,
      resolution: 1,
      from: nowSec - rule.windowSeconds,
      to: nowSec + 1,
      step: 1,
    })) {
      add(b.ts, st, b);
    }
    rules.set(id, st);
    const k = kpiKey(projectId, rule.kpi);
    if (!byKpi.has(k)) byKpi.set(k, new Set());
    byKpi.get(k)?.add(st);
  };

  return {
    async load(now) {
      for (const d of await deps.store.listDocs<Rule>('rule')) await install(d.id, d.projectId, d.body, now);
    },
    set: install,
    remove(id, now) {
      const st = rules.get(id);
      if (!st) return;
      rules.delete(id);
      byKpi.get(kpiKey(st.projectId, st.rule.kpi))?.delete(st);
      if (st.firing) deps.emit(signal(st, false, now, null));
    },
    onCommit(deltas, now) {
      if (rules.size === 0) return;
      const touched = new Set<RuleState>();
      for (const d of deltas) {
        const row = deps.series(d.seriesId);
        if (!row) continue;
        const hit = byKpi.get(kpiKey(row.projectId, row.kpi));
        if (!hit) continue;
        for (const st of hit) {
          if (!matches(st.rule, row)) continue;
          add(d.ts, st, d);
          touched.add(st);
        }
      }
      // Judged as the data arrives, not on the next tick.
      for (const st of touched) judge(st, now);
    },
    tick(now) {
      for (const st of rules.values()) judge(st, now);
    },
  };
}
