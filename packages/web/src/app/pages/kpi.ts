/**
 * @module The KPI page: a live chart fed once a second over SSE, history at any range (drag to zoom),
 * the same time a week earlier as the expected reference, anomaly markers and a segment breakdown.
 */
import type uPlot from 'uplot';
import { get } from '../api.js';
import { chart, type Marker } from '../chart.js';
import type { PageCtx } from '../context.js';
import { card, fill, h, link, table } from '../dom.js';
import { num, when } from '../format.js';
import { type Anomaly, columns, type Kpi, type QueryResult, RANGES } from '../series.js';

const WEEK = 7 * 86400;
const MARK: Record<string, string> = { alert: '#d33', shift: '#999', normal: '#2a2' };

/** Draws the KPI page. */
export async function kpiPage(root: HTMLElement, ctx: PageCtx): Promise<void> {
  const kpis = (await get<{ kpis: Kpi[] }>(`${ctx.base}/kpis`)).kpis;
  const name = ctx.params[0] ?? kpis[0]?.name;
  const kpi = kpis.find((k) => k.name === name);
  const picker = h(
    'nav',
    { class: 'kpi-list' },
    kpis.map((k) => link(`#/kpi/${encodeURIComponent(k.name)}`, k.name)),
  );
  if (!kpi) {
    fill(root, h('h1', null, 'KPIs'), kpis.length ? picker : h('p', { class: 'muted' }, 'No KPI yet: send an event.'));
    return;
  }
  const range = ctx.query.get('range') ?? (ctx.query.has('from') ? 'zoom' : 'live');
  const q = (extra: string) => `${ctx.base}/query?kpi=${encodeURIComponent(kpi.name)}${extra}`;
  const anomalies = (await get<{ anomalies: Anomaly[] }>(`${ctx.base}/anomalies?kpi=${encodeURIComponent(kpi.name)}&limit=200`)).anomalies;
  const markers = (): Marker[] => anomalies.map((a) => ({ ts: a.ts, color: MARK[a.verdict.status] ?? '#999' }));
  const ranges = h(
    'div',
    { class: 'ranges' },
    RANGES.map(([r]) =>
      h('a', { href: `#/kpi/${encodeURIComponent(kpi.name)}?range=${r}`, class: r === range ? 'active' : '' }, r === 'live' ? 'Live' : r),
    ),
  );
  const plot = h('div', { class: 'plot', 'data-testid': 'kpi-chart' });
  const status = h('p', { class: 'muted live-status', 'data-testid': 'live-status' });
  fill(root, h('h1', null, kpi.name, h('span', { class: 'tag' }, kpi.type)), picker, ranges, plot, status);
  let u: uPlot | undefined;
  ctx.onLeave(() => u?.destroy());
  const zoom = (from: number, to: number) => {
    location.hash = `#/kpi/${encodeURIComponent(kpi.name)}?from=${from}&to=${to}`;
  };

  if (range === 'live') {
    const r = await get<QueryResult>(q('&from=-5m&step=1'));
    const [xs, ys] = columns(r);
    u = chart(plot, { lines: [{ label: kpi.name, color: '#3a6ee8' }], data: [xs, ys], markers, onZoom: zoom });
    const es = new EventSource(`${ctx.base}/stream?kpi=${encodeURIComponent(kpi.name)}`);
    ctx.onLeave(() => es.close());
    let ticks = 0;
    es.addEventListener('tick', (ev) => {
      const t = JSON.parse((ev as MessageEvent<string>).data) as {
        ts: number;
        kpis: Record<string, { count: number; last: number | null }>;
      };
      const v = t.kpis[kpi.name];
      const value = kpi.type === 'gauge' ? (v?.last ?? null) : (v?.count ?? 0);
      if (xs.length && (xs[xs.length - 1] as number) >= t.ts) return;
      xs.push(t.ts);
      ys.push(value);
      while (xs.length > 300) {
        xs.shift();
        ys.shift();
      }
      u?.setData([xs, ys]);
      ticks++;
      status.dataset.ticks = String(ticks);
      status.textContent = `Live: ${num(value)} at ${when(t.ts * 1000)} (${ticks} updates)`;
    });
    es.addEventListener('error', () => {
      status.textContent = 'Live stream interrupted; reconnecting…';
    });
  } else {
    const now = Math.floor(Date.now() / 1000);
    const len = RANGES.find(([k]) => k === range)?.[1] ?? 3600;
    const from = range === 'zoom' ? Number(ctx.query.get('from')) : now - len;
    const to = range === 'zoom' ? Number(ctx.query.get('to')) : now;
    const r = await get<QueryResult>(q(`&from=${from}&to=${to}&points=600`));
    const [xs, ys] = columns(r);
    const past = to - from <= WEEK ? await get<QueryResult>(q(`&from=${r.from - WEEK}&to=${r.to - WEEK}&step=${r.step}`)) : undefined;
    const ref = past ? columns(past)[1] : [];
    const lines = [{ label: kpi.name, color: '#3a6ee8' }];
    const data: uPlot.AlignedData = [xs, ys];
    if (past) {
      lines.push({ label: 'a week earlier (expected)', color: '#aaa', dash: [4, 4] } as (typeof lines)[0]);
      data.push(xs.map((_, i) => ref[i] ?? null));
    }
    if (ctx.left()) return;
    u = chart(plot, { lines, data, markers, onZoom: zoom });
    status.textContent = `${when(r.from * 1000)} – ${when(r.to * 1000)}, step ${r.step} s. Drag across the chart to zoom in.`;
  }

  root.append(card('Anomalies', anomalyList(anomalies)), await breakdown(ctx, kpi, range === 'live' ? '-15m' : '-24h'));
}

function anomalyList(list: Anomaly[]): HTMLElement {
  if (!list.length) return h('p', { class: 'muted' }, 'None raised for this KPI.');
  return table(
    ['When', 'Series', 'Verdict', 'Explanation'],
    list.slice(0, 30).map((a) => [
      when(a.ts * 1000),
      Object.entries(a.tags)
        .map(([k, v]) => `${k}=${v}`)
        .join(', ') || '(all)',
      h('span', { class: `badge ${a.verdict.status}` }, `${a.verdict.status}${a.verdict.direction ? ` (${a.verdict.direction})` : ''}`),
      a.verdict.explanation ?? '',
    ]),
  );
}

async function breakdown(ctx: PageCtx, kpi: Kpi, from: string): Promise<HTMLElement> {
  const series = (await get<{ series: Array<{ tags: Record<string, string> }> }>(`${ctx.base}/kpis/${encodeURIComponent(kpi.name)}/series`))
    .series;
  const tags = [...new Set(series.flatMap((s) => Object.keys(s.tags)))].sort();
  const body = h('div');
  const show = async (tag: string) => {
    const r = await get<{ segments: Array<{ value: string; total: number | null; share: number | null }> }>(
      `${ctx.base}/segments?kpi=${encodeURIComponent(kpi.name)}&by=${encodeURIComponent(tag)}&from=${from}&top=10`,
    );
    fill(
      body,
      table(
        [tag, 'Total', 'Share'],
        r.segments.map((s) => [
          s.value,
          num(s.total),
          h(
            'span',
            { class: 'bar' },
            h('span', { style: `width:${Math.round((s.share ?? 0) * 100)}%` }),
            `${Math.round((s.share ?? 0) * 100)} %`,
          ),
        ]),
      ),
    );
  };
  if (!tags.length) return card(`Segments (${from})`, h('p', { class: 'muted' }, 'This KPI has no tags.'));
  const sel = h(
    'select',
    { 'aria-label': 'Split by', on: { change: (e) => void show((e.target as HTMLSelectElement).value) } },
    tags.map((t) => h('option', { value: t }, t)),
  );
  await show(tags[0] as string);
  return card(`Segments (${from})`, sel, body);
}
