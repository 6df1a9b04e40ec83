/** @module Incidents: the list with MTTD/MTTN/MTTA/MTTR, and one incident's timeline, first cause, ack and resolve. */
import { get, send } from '../api.js';
import type { PageCtx } from '../context.js';
import { button, card, fill, h, link, table } from '../dom.js';
import { ago, duration, when } from '../format.js';

/** An incident as listed. */
export interface IncidentRow {
  id: number;
  status: 'triggered' | 'acknowledged' | 'resolved';
  title: string;
  severity: string;
  onsetAt: number;
  detectedAt: number;
  acknowledgedAt?: number;
  acknowledgedBy?: string;
  resolvedAt?: number;
  alerts: Array<{
    key: string;
    source: string;
    title: string;
    explanation: string;
    state: string;
    firstFiredAt: number;
    tags: Record<string, string>;
    subject?: string;
  }>;
}

interface Incident extends IncidentRow {
  timeline: Array<{ ts: number; type: string; text: string }>;
}

type Stat = { n: number; mean: number | null; p50: number | null };

/** Draws the incidents list or one incident. */
export async function incidentsPage(root: HTMLElement, ctx: PageCtx): Promise<void> {
  if (ctx.params[0]) return detail(root, ctx, ctx.params[0]);
  const status = ctx.query.get('status') ?? '';
  const [list, report] = await Promise.all([
    get<{ incidents: IncidentRow[] }>(`${ctx.base}/incidents?limit=200${status ? `&status=${status}` : ''}`),
    get<Record<'mttd' | 'mttn' | 'mtta' | 'mttr', Stat> & { incidents: number; open: number }>(`${ctx.base}/report?from=-30d`),
  ]);
  const stat = (label: string, s: Stat) =>
    h(
      'div',
      { class: 'stat' },
      h('span', { class: 'muted' }, label),
      h('strong', null, duration(s.p50)),
      h('small', null, `mean ${duration(s.mean)}, n=${s.n}`),
    );
  fill(
    root,
    h('h1', null, 'Incidents'),
    h(
      'div',
      { class: 'stats' },
      stat('MTTD (onset → detected)', report.mttd),
      stat('MTTN (→ notified)', report.mttn),
      stat('MTTA (→ acknowledged)', report.mtta),
      stat('MTTR (onset → resolved)', report.mttr),
    ),
    h(
      'div',
      { class: 'ranges' },
      ['', 'open', 'triggered', 'acknowledged', 'resolved'].map((s) =>
        h('a', { href: `#/incidents?status=${s}`, class: s === status ? 'active' : '' }, s || 'all'),
      ),
    ),
    list.incidents.length
      ? table(
          ['#', 'Incident', 'Severity', 'Status', 'Onset', 'Detected after'],
          list.incidents.map((i) => [
            String(i.id),
            link(`#/incidents/${i.id}`, i.title),
            i.severity,
            h('span', { class: `badge ${i.status}` }, i.status),
            ago(i.onsetAt),
            duration((i.detectedAt - i.onsetAt) / 1000),
          ]),
          'incidents',
        )
      : h('p', { class: 'muted' }, 'No incidents.'),
  );
}

async function detail(root: HTMLElement, ctx: PageCtx, id: string): Promise<void> {
  const path = `${ctx.base}/incidents/${encodeURIComponent(id)}`;
  const inc = await get<Incident>(path);
  const act = (what: 'ack' | 'resolve') => () => {
    void send('POST', `${path}/${what}`, { by: 'dashboard' }).then(() => incidentsPage(root, ctx));
  };
  const first = [...inc.alerts].sort((a, b) => a.firstFiredAt - b.firstFiredAt)[0];
  fill(
    root,
    h('p', null, link('#/incidents', '← Incidents')),
    h('h1', null, `#${inc.id} ${inc.title}`),
    h(
      'p',
      null,
      h('span', { class: `badge ${inc.status}`, 'data-testid': 'incident-status' }, inc.status),
      ` ${inc.severity}, onset ${when(inc.onsetAt)}, detected ${duration((inc.detectedAt - inc.onsetAt) / 1000)} later`,
      inc.acknowledgedAt ? `, acknowledged by ${inc.acknowledgedBy ?? 'someone'} ${ago(inc.acknowledgedAt)}` : '',
      inc.resolvedAt ? `, resolved ${ago(inc.resolvedAt)}` : '',
    ),
    h(
      'div',
      { class: 'actions' },
      inc.status === 'triggered' ? button('Acknowledge', act('ack'), 'primary') : null,
      inc.status !== 'resolved' ? button('Resolve', act('resolve')) : null,
    ),
    first
      ? card(
          'Probable first cause',
          h('p', null, h('strong', null, first.title)),
          h('p', null, first.explanation),
          first.subject?.startsWith('issue:') ? link(`#/errors/${first.subject.slice(6)}`, 'Open the error issue') : null,
          first.source === 'kpi' && first.subject ? link(`#/kpi/${encodeURIComponent(first.subject)}`, 'Open the KPI') : null,
        )
      : null,
    card(
      `Alerts (${inc.alerts.length})`,
      table(
        ['First fired', 'Source', 'Alert', 'State'],
        inc.alerts.map((a) => [
          when(a.firstFiredAt),
          a.source,
          h('div', null, h('strong', null, a.title), h('div', { class: 'muted' }, a.explanation)),
          a.state,
        ]),
      ),
    ),
    card(
      'Timeline',
      h(
        'ol',
        { class: 'timeline' },
        inc.timeline.map((t) => h('li', null, h('time', null, when(t.ts)), h('span', { class: `badge ${t.type}` }, t.type), ' ', t.text)),
      ),
    ),
  );
}
