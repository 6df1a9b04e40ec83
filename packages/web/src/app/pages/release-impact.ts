/** @module One deploy's impact report (GET .../deploys/:id/impact) as cards: KPIs, funnels, errors. */
import { get } from '../api.js';
import { card, h, link, table } from '../dom.js';
import { ago, num } from '../format.js';

interface Effect {
  effect: number;
  low: number;
  high: number;
  p: number;
  significant: boolean;
  conclusive: boolean;
}

/** The report as answered by the server. */
export interface ImpactReport {
  status: 'collecting' | 'conclusive';
  summary: string;
  previous: { version: string; at: number } | null;
  window: { from: number; to: number; hours: number; horizonHours: number };
  kpis: Array<{
    kpi: string;
    status: string;
    vsBaseline: Effect | null;
    vsPriorWeek: Effect | null;
    segments: Array<{ tag: string; value: string } & Effect>;
    text: string;
  }>;
  funnels: Array<{ name: string; steps: Array<{ from: string; to: string; text: string; effect: Effect | null }> }>;
  errors: {
    newIssues: Array<{ id: number; title: string; events: number }>;
    regressions: Array<{ id: number; title: string }>;
    errorEventsPerHour: { release: number | null; previous: number | null };
    crashFreeSessions: { release: number | null; previous: number | null; sessions: number };
  };
}

const pct = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)} %`;

function effect(e: Effect | null): HTMLElement {
  if (!e) return h('span', { class: 'muted' }, 'not enough history');
  const cls = e.significant ? (e.effect >= 0 ? 'up' : 'down') : 'muted';
  return h(
    'span',
    { class: `effect ${cls}` },
    `${pct(e.effect)} (${pct(e.low)} to ${pct(e.high)})`,
    e.significant ? ' significant' : e.conclusive ? ' no change' : ' collecting',
  );
}

const share = (v: number | null) => (v === null ? '–' : `${(v * 100).toFixed(2)} %`);

/** Fetches and renders the report of deploy `id`. */
export async function impactView(base: string, id: number): Promise<HTMLElement> {
  const r = await get<ImpactReport>(`${base}/deploys/${id}/impact`);
  const kpis = r.kpis.filter((k) => k.vsBaseline || k.vsPriorWeek);
  return h(
    'div',
    { class: 'impact', 'data-testid': 'impact' },
    h('p', null, h('span', { class: `badge ${r.status === 'conclusive' ? 'normal' : 'shift'}` }, r.status), ' ', r.summary),
    h(
      'p',
      { class: 'muted' },
      `${r.window.hours} of ${r.window.horizonHours} h judged`,
      r.previous ? `; previous release ${r.previous.version}, ${ago(r.previous.at)}` : '',
    ),
    card(
      'KPIs against the baseline and the week before',
      kpis.length
        ? table(
            ['KPI', 'vs baseline (95% CI)', 'vs a week earlier', 'Segments that differ'],
            kpis.map((k) => [
              link(`#/kpi/${encodeURIComponent(k.kpi)}?range=7d`, k.kpi),
              effect(k.vsBaseline),
              effect(k.vsPriorWeek),
              k.segments.map((s) => `${s.tag}=${s.value} ${pct(s.effect)}`).join(', ') || '–',
            ]),
          )
        : h('p', { class: 'muted' }, 'No count KPI has enough history before this deploy.'),
    ),
    r.funnels.length
      ? card(
          'Funnels',
          table(
            ['Step', 'Conversion effect'],
            r.funnels.flatMap((f) => f.steps.map((s) => [`${f.name}: ${s.from} → ${s.to}`, effect(s.effect)])),
          ),
        )
      : null,
    card(
      'Errors',
      table(
        ['', 'This release', 'Previous'],
        [
          ['Error events per hour', num(r.errors.errorEventsPerHour.release), num(r.errors.errorEventsPerHour.previous)],
          ['Crash-free sessions', share(r.errors.crashFreeSessions.release), share(r.errors.crashFreeSessions.previous)],
        ],
      ),
      r.errors.newIssues.length || r.errors.regressions.length
        ? h(
            'ul',
            null,
            r.errors.newIssues.map((i) => h('li', null, 'New: ', link(`#/errors/${i.id}`, i.title), ` (${num(i.events)} events)`)),
            r.errors.regressions.map((i) => h('li', null, 'Regressed: ', link(`#/errors/${i.id}`, i.title))),
          )
        : h('p', { class: 'muted' }, 'No new issue and no regression in this release.'),
    ),
  );
}
