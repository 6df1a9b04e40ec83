/**
 * @module Monitors as code, live: each KPI's declared (or API-set) direction and sensitivity, and the
 * project's declared holidays, handed to detection as options, and every declared funnel's step
 * conversions and ratio KPI (numerator / denominator) watched on each commit,
 * raising `kpi` signals through the alert engine. Reads its documents at start and on reload();
 * the funnels' learned conversions are kept in the store's meta so a restart does not re-learn.
 */
import type { Signal } from '../alert/index.js';
import type { DetectorOptions } from '../detect/index.js';
import type { BucketDelta, SeriesRegistry, SeriesRow, Storage } from '../store/index.js';
import { createFunnelWatch, explainFunnel, type FunnelWatchState, judgeFunnel, observeFunnel } from './funnel-watch.js';
import { type Holidays, holidayRanges } from './holidays.js';
import { type EffectiveSettings, effectiveSettings, falseAlarmsPerWeek, type KpiSettings } from './kpi-settings.js';
import { explainRatio, RATIO_DOC, type RatioSpec } from './ratios.js';

/** Document kind of the settings set through the API (the file's are `monitor.kpi`). */
export const SETTINGS_DOC = 'kpi.settings';
/** Document kinds of holidays set through the API and declared in the monitors file. */
export const HOLIDAYS_DOC = 'holidays';
const DECLARED_HOLIDAYS_DOC = 'monitor.holidays';
const META_KEY = 'monitors.funnels.v1';
/** Verdicts about data older than this (a backfill) are learned, not paged. */
const HISTORY_AGE_SECONDS = 600;

/** One watched step pair of a funnel. */
interface Pair {
  projectId: number;
  funnel: string;
  from: string;
  to: string;
  key: string;
  state: FunnelWatchState;
  /** Set for a ratio KPI (`funnel` is then its name, `from` the denominator, `to` the numerator). */
  ratio?: RatioSpec;
}

/** What the live monitors need. */
export interface LiveMonitorsDeps {
  store: Storage;
  registry: SeriesRegistry;
  /** Told when saving the funnels' state fails. */
  onError?: (err: unknown) => void;
}

/** The live side of monitors as code. */
export interface LiveMonitors {
  /** Detection's `optionsFor`: the KPI's direction and false alarms per week, when set. */
  optionsFor(row: SeriesRow): Omit<DetectorOptions, 'kind'>;
  /** The settings in force for a KPI. */
  settings(projectId: number, kpi: string): EffectiveSettings;
  /** Sets (or with `{}` clears) the API's settings of a KPI; takes effect at once. */
  setSettings(projectId: number, kpi: string, s: KpiSettings, now: number): Promise<EffectiveSettings>;
  /** Re-reads KPI settings and funnels (after `heed apply`); learned conversions are kept. */
  reload(): Promise<void>;
  /** Feed to writer.onCommit: counts funnel steps and judges complete minutes. */
  onCommit(deltas: readonly BucketDelta[], nowMs: number): void;
  /** Called after settings changed (detection reconfigures). */
  onChange(listener: () => void): void;
  onSignal(listener: (s: Signal) => void): void;
  /** Funnel step pairs watched, with their learned conversion (null while learning). */
  funnels(projectId: number): Array<{ funnel: string; from: string; to: string; expected: number | null; alerting: boolean }>;
  /** Saves the funnels' learned state. */
  save(): Promise<void>;
  /** The holidays set through the API and declared in the file, and the ranges detection skips. */
  holidays(projectId: number): { api: Holidays | null; declared: Holidays | null; ranges: Array<[number, number]> };
  /** Replaces the API's holidays of a project (an empty list clears them); takes effect at once. */
  setHolidays(projectId: number, h: Holidays, now: number): Promise<ReturnType<LiveMonitors['holidays']>>;
  /** Ratio KPIs of a project, with their learned ratio (null while learning). */
  ratios(projectId: number): Array<{ name: string; id: number } & RatioSpec & { expected: number | null; alerting: boolean }>;
}

const keyOf = (projectId: number, kpi: string) => `${projectId}\u0000${kpi}`;

/** Creates the live monitors and reads their documents. */
export async function createLiveMonitors(deps: LiveMonitorsDeps): Promise<LiveMonitors> {
  const { store, registry } = deps;
  let declared = new Map<string, KpiSettings & { kind?: 'count' | 'gauge' }>();
  let overrides = new Map<string, { id: number; settings: KpiSettings }>();
  let pairs = new Map<string, Pair>();
  let holidays = new Map<number, { api?: Holidays; declared?: Holidays; ranges: Array<[number, number]> }>();
  let ratioIds = new Map<string, number>();
  /** Pairs by `project\0kpi`, with the role the KPI plays. */
  let byKpi = new Map<string, Array<{ pair: Pair; role: 'from' | 'to' }>>();
  const changeListeners: Array<() => void> = [];
  const signalListeners: Array<(s: Signal) => void> = [];
  let savedAt = 0;
  const raw = await store.getMeta(META_KEY);
  const saved = (raw ? JSON.parse(raw) : {}) as Record<string, FunnelWatchState>;

  const kindOf = (projectId: number, kpi: string) =>
    registry.ofKpi(projectId, kpi)[0]?.type ?? declared.get(keyOf(projectId, kpi))?.kind ?? 'count';
  const settings = (projectId: number, kpi: string) =>
    effectiveSettings(kpi, kindOf(projectId, kpi), declared.get(keyOf(projectId, kpi)), overrides.get(keyOf(projectId, kpi))?.settings);

  const reload = async () => {
    const d = new Map<string, KpiSettings & { kind?: 'count' | 'gauge' }>();
    for (const doc of await store.listDocs<KpiSettings & { name: string; kind?: 'count' | 'gauge' }>('monitor.kpi')) {
      const b = doc.body;
      d.set(keyOf(doc.projectId, b.name), {
        ...(b.direction ? { direction: b.direction } : {}),
        ...(b.sensitivity !== undefined ? { sensitivity: b.sensitivity } : {}),
        ...(b.kind ? { kind: b.kind } : {}),
      });
    }
    const o = new Map<string, { id: number; settings: KpiSettings }>();
    for (const doc of await store.listDocs<KpiSettings & { name: string }>(SETTINGS_DOC)) {
      const { name, ...rest } = doc.body;
      o.set(keyOf(doc.projectId, name), { id: doc.id, settings: rest });
    }
    const p = new Map<string, Pair>();
    const idx = new Map<string, Array<{ pair: Pair; role: 'from' | 'to' }>>();
    const h = new Map<number, { api?: Holidays; declared?: Holidays; ranges: Array<[number, number]> }>();
    for (const [kind, field] of [
      [HOLIDAYS_DOC, 'api'],
      [DECLARED_HOLIDAYS_DOC, 'declared'],
    ] as const) {
      for (const doc of await store.listDocs<Holidays>(kind)) {
        const e = h.get(doc.projectId) ?? { ranges: [] };
        e[field] = { dates: doc.body.dates, timeZone: doc.body.timeZone };
        e.ranges = [...e.ranges, ...holidayRanges(doc.body)].sort((a, b) => a[0] - b[0]);
        h.set(doc.projectId, e);
      }
    }
    const rIds = new Map<string, number>();
    // A ratio is watched as a one-step funnel from its denominator to its numerator.
    const ratioDocs = (await store.listDocs<RatioSpec & { name: string }>(RATIO_DOC)).map((doc) => {
      rIds.set(keyOf(doc.projectId, doc.body.name), doc.id);
      return { ...doc, body: { name: `${doc.body.name}`, steps: [doc.body.denominator, doc.body.numerator], ratio: doc.body } };
    });
    const funnelDocs = await store.listDocs<{ name?: string; steps: string[]; ratio?: RatioSpec & { name: string } }>('funnel');
    for (const doc of [...funnelDocs, ...ratioDocs]) {
      const name = doc.body.name ?? `funnel-${doc.id}`;
      const steps = doc.body.steps ?? [];
      for (let i = 1; i < steps.length; i++) {
        const from = steps[i - 1] as string;
        const to = steps[i] as string;
        const key = doc.body.ratio ? `ratio:${name}` : `funnel:${name}:${from}>${to}`;
        const old = pairs.get(`${doc.projectId}|${key}`);
        const pair: Pair = {
          projectId: doc.projectId,
          funnel: name,
          from,
          to,
          key,
          state: old?.state ?? saved[`${doc.projectId}|${key}`] ?? createFunnelWatch(),
          ...(doc.body.ratio && { ratio: doc.body.ratio }),
        };
        p.set(`${doc.projectId}|${key}`, pair);
        for (const [kpi, role] of [
          [from, 'from'],
          [to, 'to'],
        ] as const) {
          const k = keyOf(doc.projectId, kpi);
          idx.set(k, [...(idx.get(k) ?? []), { pair, role }]);
        }
      }
    }
    declared = d;
    overrides = o;
    pairs = p;
    byKpi = idx;
    holidays = h;
    ratioIds = rIds;
    for (const l of changeListeners) l();
  };
  await reload();

  const live: LiveMonitors = {
    optionsFor(row) {
      const e = settings(row.projectId, row.kpi);
      const days = holidays.get(row.projectId)?.ranges;
      return {
        ...(days && days.length > 0 ? { holidays: days } : {}),
        ...(e.source.direction !== 'default' ? { direction: e.direction } : {}),
        ...(e.source.sensitivity !== 'default' ? { falseAlarmsPerWeek: e.falseAlarmsPerWeek } : {}),
      };
    },
    settings,
    async setSettings(projectId, kpi, s, now) {
      const old = overrides.get(keyOf(projectId, kpi));
      const empty = s.direction === undefined && s.sensitivity === undefined;
      if (empty) {
        if (old) await store.deleteDoc(SETTINGS_DOC, old.id);
      } else if (old) await store.updateDoc(SETTINGS_DOC, old.id, { name: kpi, ...s }, now);
      else await store.insertDoc(SETTINGS_DOC, projectId, { name: kpi, ...s }, now);
      await reload();
      return settings(projectId, kpi);
    },
    reload,
    onCommit(deltas, nowMs) {
      const latest = new Map<number, number>();
      const touched = new Set<Pair>();
      for (const d of deltas) {
        const row = registry.get(d.seriesId);
        if (row?.type !== 'count') continue;
        const watchers = byKpi.get(keyOf(row.projectId, row.kpi));
        if (!watchers) continue;
        const minute = Math.floor(d.ts / 60);
        for (const { pair, role } of watchers) {
          observeFunnel(pair.state, minute, role === 'from' ? d.count : 0, role === 'to' ? d.count : 0);
          touched.add(pair);
        }
        latest.set(row.projectId, Math.max(latest.get(row.projectId) ?? 0, minute));
      }
      for (const pair of touched) {
        // The minute before the newest one may still get late buckets: judge up to it, not including it.
        const upTo = (latest.get(pair.projectId) ?? 0) - 1;
        const fa = falseAlarmsPerWeek(pair.ratio?.sensitivity ?? settings(pair.projectId, pair.to).sensitivity, 'count');
        for (const v of judgeFunnel(pair.state, upTo, fa)) {
          if (v.ts < nowMs / 1000 - HISTORY_AGE_SECONDS) continue;
          const firing = v.status === 'alert';
          const signal: Signal = {
            projectId: pair.projectId,
            key: pair.key,
            source: 'kpi',
            firing,
            ts: v.ts * 1000,
            severity: firing ? 'critical' : 'info',
            title: pair.ratio
              ? `${pair.funnel} (${pair.to} / ${pair.from}) ${firing ? 'fell' : 'recovered'}`
              : `${pair.funnel}: ${pair.from} → ${pair.to} conversion ${firing ? 'fell' : 'recovered'}`,
            explanation: pair.ratio ? explainRatio(pair.funnel, pair.ratio, v) : explainFunnel(pair.from, pair.to, v),
            tags: {},
            subject: pair.funnel,
          };
          for (const l of signalListeners) l(signal);
        }
      }
      // The learned conversions are saved once a minute of wall time (a restart loses at most that).
      if (touched.size > 0 && nowMs - savedAt >= 60_000) {
        savedAt = nowMs;
        live.save().catch((err: unknown) => deps.onError?.(err));
      }
    },
    onChange: (l) => void changeListeners.push(l),
    onSignal: (l) => void signalListeners.push(l),
    funnels(projectId) {
      return [...pairs.values()]
        .filter((p) => p.projectId === projectId && !p.ratio)
        .map((p) => ({
          funnel: p.funnel,
          from: p.from,
          to: p.to,
          expected: p.state.a > 0 && p.state.seen >= 30 ? p.state.b / p.state.a : null,
          alerting: p.state.alerting,
        }));
    },
    holidays(projectId) {
      const e = holidays.get(projectId);
      return { api: e?.api ?? null, declared: e?.declared ?? null, ranges: e?.ranges ?? [] };
    },
    async setHolidays(projectId, h, now) {
      const old = (await store.listDocs<Holidays>(HOLIDAYS_DOC, projectId))[0];
      if (h.dates.length === 0) {
        if (old) await store.deleteDoc(HOLIDAYS_DOC, old.id);
      } else if (old) await store.updateDoc(HOLIDAYS_DOC, old.id, h, now);
      else await store.insertDoc(HOLIDAYS_DOC, projectId, h, now);
      await reload();
      return live.holidays(projectId);
    },
    ratios(projectId) {
      return [...pairs.values()]
        .filter((p) => p.projectId === projectId && p.ratio)
        .map((p) => ({
          name: p.funnel,
          id: ratioIds.get(keyOf(projectId, p.funnel)) ?? 0,
          ...(p.ratio as RatioSpec),
          expected: p.state.a > 0 && p.state.seen >= 30 ? p.state.b / p.state.a : null,
          alerting: p.state.alerting,
        }));
    },
    async save() {
      const all: Record<string, FunnelWatchState> = {};
      for (const [k, p] of pairs) all[k] = p.state;
      await store.setMeta(META_KEY, JSON.stringify(all));
    },
  };
  return live;
}
