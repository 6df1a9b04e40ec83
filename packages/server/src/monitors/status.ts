/**
 * @module How production measures up against each declaration: every KPI's last 24 hours against
 * the same hours a week earlier and whether an incident about it is open, every funnel's and
 * ratio's conversions, every rule's state, the declared holidays, and which checks and heartbeats
 * are declared.
 */
import type { Incident } from '../alert/index.js';
import type { SeriesRegistry, Storage } from '../store/index.js';
import { managedIds } from './apply.js';
import type { Declaration } from './declaration.js';

/** One line of the status. */
export interface StatusLine {
  section: string;
  name: string;
  state: 'ok' | 'firing' | 'no_data' | 'declared';
  detail: string;
  owner?: string;
}

const HOUR = 3600;

/** Status of a project against its last applied declaration. */
export async function monitorStatus(
  deps: { store: Storage; registry: SeriesRegistry; incidents: Incident[] },
  projectId: number,
  d: Declaration,
  nowMs: number,
): Promise<StatusLine[]> {
  const now = Math.floor(nowMs / 1000 / HOUR) * HOUR;
  const open = deps.incidents.filter((i) => i.status !== 'resolved');
  const firing = (match: (a: Incident['alerts'][number]) => boolean) =>
    open.find((i) => i.alerts.some((a) => a.state !== 'resolved' && match(a)));
  const total = async (kpi: string, from: number, to: number) => {
    const ids = deps.registry.ofKpi(projectId, kpi).map((r) => r.id);
    if (ids.length === 0) return undefined;
    const rows = await deps.store.readBuckets({ seriesIds: ids, resolution: 3600, from, to, step: to - from });
    return rows.reduce((a, r) => a + r.count, 0);
  };
  const lines: StatusLine[] = [];
  const counts = new Map<string, { now: number; before: number } | undefined>();
  const countOf = async (kpi: string) => {
    if (!counts.has(kpi)) {
      const a = await total(kpi, now - 24 * HOUR, now);
      const b = await total(kpi, now - (168 + 24) * HOUR, now - 168 * HOUR);
      counts.set(kpi, a === undefined ? undefined : { now: a, before: b ?? 0 });
    }
    return counts.get(kpi);
  };
  for (const [name, k] of Object.entries(d.kpis)) {
    const inc = firing((a) => a.subject === name);
    const c = await countOf(name);
    const change =
      c && c.before > 0 ? ` (${c.now >= c.before ? '+' : ''}${(((c.now - c.before) / c.before) * 100).toFixed(1)}% vs a week ago)` : '';
    lines.push({
      section: 'kpis',
      name,
      state: inc ? 'firing' : c ? 'ok' : 'no_data',
      detail: inc ? `incident #${inc.id}: ${inc.title}` : c ? `${c.now} events in the last 24 h${change}` : 'no events received yet',
      ...(k.owner ? { owner: k.owner } : {}),
    });
  }
  for (const [name, f] of Object.entries(d.funnels)) {
    const parts: string[] = [];
    let noData = false;
    for (let i = 1; i < f.steps.length; i++) {
      const a = await countOf(f.steps[i - 1] as string);
      const b = await countOf(f.steps[i] as string);
      if (!a || !b || a.now === 0) noData = true;
      else
        parts.push(
          `${f.steps[i - 1]} -> ${f.steps[i]} ${((b.now / a.now) * 100).toFixed(1)}%${a.before > 0 ? ` (a week ago ${((b.before / a.before) * 100).toFixed(1)}%)` : ''}`,
        );
    }
    // Live funnel alerts are keyed `funnel:<name>:<from>><to>` (see live.ts).
    const inc = firing((a) => a.key.startsWith(`funnel:${name}:`));
    const detail = parts.join(', ') || 'no events for some steps yet';
    lines.push({
      section: 'funnels',
      name,
      state: inc ? 'firing' : noData ? 'no_data' : 'ok',
      detail: inc ? `incident #${inc.id}: ${inc.title}; ${detail}` : detail,
    });
  }
  for (const [name, r] of Object.entries(d.ratios ?? {})) {
    const a = await countOf(r.denominator);
    const b = await countOf(r.numerator);
    const pct = (num: number, den: number) => `${((num / den) * 100).toFixed(1)}%`;
    const inc = firing((x) => x.key === `ratio:${name}`);
    const detail =
      a && b && a.now > 0
        ? `${r.numerator} / ${r.denominator} ${pct(b.now, a.now)} in the last 24 h${a.before > 0 ? ` (a week ago ${pct(b.before, a.before)})` : ''}`
        : `no ${r.denominator} events in the last 24 h`;
    lines.push({
      section: 'ratios',
      name,
      state: inc ? 'firing' : a && b && a.now > 0 ? 'ok' : 'no_data',
      detail: inc ? `incident #${inc.id}: ${inc.title}; ${detail}` : detail,
    });
  }
  if (d.holidays && d.holidays.dates.length > 0) {
    const today = new Date(nowMs).toISOString().slice(0, 10);
    const next = d.holidays.dates.find((x) => x >= today);
    lines.push({
      section: 'holidays',
      name: d.holidays.timeZone,
      state: 'declared',
      detail: `${d.holidays.dates.length} date(s) declared; ${next ? `next ${next}` : 'none ahead'}`,
    });
  }
  const ids = await managedIds(deps.store, projectId);
  for (const name of Object.keys(d.rules)) {
    const id = ids[`rules:${name}`];
    const inc = firing((a) => a.key === `rule:${id}`);
    lines.push({ section: 'rules', name, state: inc ? 'firing' : 'ok', detail: inc ? `incident #${inc.id}: ${inc.title}` : 'not firing' });
  }
  for (const section of ['checks', 'heartbeats'] as const) {
    for (const name of Object.keys(d[section])) {
      const inc = firing((a) => a.source === 'check' && (a.subject === name || a.title.includes(name)));
      lines.push({ section, name, state: inc ? 'firing' : 'declared', detail: inc ? `incident #${inc.id}: ${inc.title}` : 'declared' });
    }
  }
  return lines;
}
