/**
 * @module A deploy's impact report: every count KPI (and its segments where they differ) against
 * the seasonal baseline and against the same hours a week earlier, every declared funnel's
 * conversions, and the release's errors. Reads hourly buckets; the statistics are impact-stats.ts.
 */
import type { SeriesRegistry, Storage } from '../store/index.js';
import type { DeployRow, ReleaseRegistry } from './deploys.js';
import {
  baselineWindows,
  type Estimate,
  estimateKpi,
  estimateRelative,
  priorWeekWindows,
  verdictOf,
  type WindowSet,
} from './impact-stats.js';
import { type ReleaseErrors, releaseErrors } from './release-errors.js';

const HOUR = 3600;
/** History read before a deploy: eight weeks, for the baseline to learn each hour of the week. */
const HISTORY_HOURS = 8 * 7 * 24;
const MAX_SEGMENT_KEYS = 3;
const MAX_SEGMENT_VALUES = 5;

/** A funnel as declared: steps are KPI names, in order. */
export interface Funnel {
  name: string;
  steps: string[];
}

/** The funnels a project declares: its `funnel` documents (written by monitors as code). */
export async function storedFunnels(store: Storage, projectId: number): Promise<Funnel[]> {
  return (await store.listDocs<{ name?: string; steps: string[] }>('funnel', projectId)).map((d) => ({
    name: d.body.name ?? `funnel-${d.id}`,
    steps: d.body.steps,
  }));
}

/** What the report needs. */
export interface ImpactDeps {
  store: Storage;
  registry: SeriesRegistry;
  releases: ReleaseRegistry;
  /** Funnels declared for a project (monitors as code). */
  funnels(projectId: number): Promise<Funnel[]>;
  tzOffsetMinutes?: number;
}

/** One effect as reported. */
export interface EffectView extends Estimate {
  significant: boolean;
  conclusive: boolean;
}

/** A KPI's line of the report. */
export interface KpiImpact {
  kpi: string;
  status: 'ok' | 'insufficient_history';
  vsBaseline: EffectView | null;
  vsPriorWeek: EffectView | null;
  segments: Array<{ tag: string; value: string; differs: boolean } & EffectView>;
  text: string;
}

/** The whole report of one deploy. */
export interface ImpactReport {
  deploy: DeployRow;
  previous: { version: string; at: number } | null;
  window: { from: number; to: number; hours: number; horizonHours: number };
  status: 'collecting' | 'conclusive';
  summary: string;
  kpis: KpiImpact[];
  funnels: Array<{ name: string; steps: Array<{ from: string; to: string; text: string; effect: EffectView | null }> }>;
  errors: ReleaseErrors;
}

const pct = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;

/** "signups +6.1% (95% CI +2.3 to +9.8%)" or "checkouts no change (95% CI -1.2 to +2.0%)". */
export function describe(name: string, e: EffectView | null): string {
  if (!e) return `${name}: not enough history before the deploy`;
  const ci = `(95% CI ${pct(e.low)} to ${pct(e.high)}, p=${e.p < 0.001 ? '<0.001' : e.p.toFixed(3)})`;
  if (e.significant) return `${name} ${pct(e.effect)} ${ci}`;
  return `${name} ${e.conclusive ? 'no change' : `${pct(e.effect)} so far, not yet conclusive`} ${ci}`;
}

const view = (e: Estimate | undefined, atHorizon: boolean): EffectView | null => (e ? { ...e, ...verdictOf(e, atHorizon) } : null);

async function hourly(deps: ImpactDeps, projectId: number, kpi: string, from: number, to: number) {
  const rows = deps.registry.ofKpi(projectId, kpi);
  const n = Math.max(0, (to - from) / HOUR);
  const total = new Array<number>(n).fill(0);
  const bySeries = new Map<number, number[]>();
  if (rows.length === 0) return { total, bySeries, rows };
  const buckets = await deps.store.readBuckets({ seriesIds: rows.map((r) => r.id), resolution: 3600, from, to, step: HOUR });
  for (const b of buckets) {
    const i = (b.ts - from) / HOUR;
    if (i < 0 || i >= n) continue;
    total[i] = (total[i] ?? 0) + b.count;
    let s = bySeries.get(b.seriesId);
    if (!s) bySeries.set(b.seriesId, (s = new Array<number>(n).fill(0)));
    s[i] = (s[i] ?? 0) + b.count;
  }
  return { total, bySeries, rows };
}

/** Computes the report of `deploy` as of `nowMs`, judging up to `horizonHours` after it. */
export async function impactReport(deps: ImpactDeps, deploy: DeployRow, nowMs: number, horizonHours = 24): Promise<ImpactReport> {
  const p = deploy.projectId;
  const deployHour = Math.ceil(deploy.at / 1000 / HOUR) * HOUR;
  const next = deps.releases
    .list(p, deploy.at + 1)
    .find((d) => d.environment === deploy.environment && d.id !== deploy.id && d.at > deploy.at);
  const nowHour = Math.floor(nowMs / 1000 / HOUR) * HOUR;
  const end = Math.max(
    deployHour,
    Math.min(nowHour, deployHour + horizonHours * HOUR, next ? Math.floor(next.at / 1000 / HOUR) * HOUR : Infinity),
  );
  const hours = (end - deployHour) / HOUR;
  const atHorizon = hours >= horizonHours || (next !== undefined && end < deployHour + horizonHours * HOUR && nowHour >= end);
  const from = deployHour - HISTORY_HOURS * HOUR;
  const o = { deployIndex: HISTORY_HOURS, hours, tzOffsetMinutes: deps.tzOffsetMinutes ?? 0 };
  const windows = new Map<string, WindowSet | undefined>();

  const kpis: KpiImpact[] = [];
  for (const k of deps.registry.kpis(p).filter((x) => x.type === 'count')) {
    const { total, bySeries, rows } = await hourly(deps, p, k.name, from, end);
    const w = baselineWindows({ start: from, counts: total }, o);
    windows.set(k.name, w);
    const overall = view(w && estimateKpi(w), atHorizon);
    const week = priorWeekWindows({ start: from, counts: total }, o);
    const segments: KpiImpact['segments'] = [];
    if (overall && w) {
      const keys = [...new Set(rows.flatMap((r) => Object.keys(r.tags)))].slice(0, MAX_SEGMENT_KEYS);
      for (const tag of keys) {
        const byValue = new Map<string, number[]>();
        for (const r of rows) {
          const v = r.tags[tag];
          const c = bySeries.get(r.id);
          if (v === undefined || !c) continue;
          const acc = byValue.get(v) ?? new Array<number>(c.length).fill(0);
          for (let i = 0; i < c.length; i++) acc[i] = (acc[i] ?? 0) + (c[i] ?? 0);
          byValue.set(v, acc);
        }
        const top = [...byValue].sort((a, b) => sum(b[1]) - sum(a[1])).slice(0, MAX_SEGMENT_VALUES);
        if (top.length < 2) continue;
        for (const [value, counts] of top) {
          const sw = baselineWindows({ start: from, counts }, o);
          if (!sw) continue;
          const seg = estimateKpi(sw);
          // Does the segment differ from the whole? Paired placebos give the difference's spread.
          const diff = estimateRelative(w, sw);
          const differs = diff !== undefined && verdictOf(diff, atHorizon).significant;
          const sv = view(seg, atHorizon) as EffectView;
          if (differs) segments.push({ tag, value, differs, ...sv });
        }
      }
    }
    kpis.push({
      kpi: k.name,
      status: overall ? 'ok' : 'insufficient_history',
      vsBaseline: overall,
      vsPriorWeek: view(week && estimateKpi(week), atHorizon),
      segments,
      text: describe(k.name, overall),
    });
  }

  const funnels: ImpactReport['funnels'] = [];
  for (const f of await deps.funnels(p)) {
    const steps = [];
    for (let i = 1; i < f.steps.length; i++) {
      const a = f.steps[i - 1] as string;
      const b = f.steps[i] as string;
      for (const name of [a, b]) {
        if (!windows.has(name))
          windows.set(name, baselineWindows({ start: from, counts: (await hourly(deps, p, name, from, end)).total }, o));
      }
      const wa = windows.get(a);
      const wb = windows.get(b);
      const e = view(wa && wb ? estimateRelative(wa, wb) : undefined, atHorizon);
      steps.push({ from: a, to: b, effect: e, text: describe(`${f.name}: ${a} -> ${b} conversion`, e) });
    }
    funnels.push({ name: f.name, steps });
  }

  const previous = deps.releases.inForce(p, deploy.at - 1, deploy.environment);
  const effects = [...kpis.map((k) => k.vsBaseline), ...funnels.flatMap((f) => f.steps.map((s) => s.effect))].filter(
    (e): e is EffectView => e !== null,
  );
  const conclusive = hours > 0 && (atHorizon || (effects.length > 0 && effects.every((e) => e.conclusive)));
  const lead = kpis
    .filter((k) => k.vsBaseline)
    .map((k) =>
      k.vsBaseline?.significant ? describe(k.kpi, k.vsBaseline) : `${k.kpi} ${k.vsBaseline?.conclusive ? 'no change' : 'collecting'}`,
    );
  return {
    deploy,
    previous: previous ? { version: previous.version, at: previous.at } : null,
    window: { from: deployHour * 1000, to: end * 1000, hours, horizonHours },
    status: conclusive ? 'conclusive' : 'collecting',
    summary: `${deploy.version}, ${hours} h after deploy: ${lead.join('; ') || 'no KPI with enough history'}`,
    kpis,
    funnels,
    errors: await releaseErrors(
      deps.store,
      deploy,
      previous,
      Math.max(deploy.at, Math.min(nowMs, end * 1000)),
      deps.registry.ofKpi(p, 'errors').map((r) => r.id),
    ),
  };
}

const sum = (a: readonly number[]) => a.reduce((x, y) => x + y, 0);
