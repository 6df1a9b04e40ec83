/**
 * @module The KPI page: a live chart fed once a second over SSE, history at any range (drag to zoom),
 * the detector's expected value with its 95% band, anomaly and release markers, and a segment breakdown.
 */
import type uPlot from 'uplot';
import { get } from '../api.js';
import { chart, type Marker } from '../chart.js';
import type { PageCtx } from '../context.js';
import { card, fill, h, link, table } from '../dom.js';
import { num, when } from '../format.js';
import { BAND_FILL, BAND_LINES, bandAt, bandColumns, deployMarkers, deploysFor, expectedFor } from '../overlays.js';
import { type Anomaly, columns, type Kpi, type QueryResult, RANGES } from '../series.js';

const MARK: Record<string, string> = { alert: '#d33', shift: '#999', normal: '#2a2' };

/** Draws the KPI page. */
export async function kpiPage(root: HTMLElement, ctx: PageCtx): Promise<void> {
  // Everything the page needs is asked at once: the requests do not wait for one another.
  const kpisP = get<{ kpis: Kpi[] }>(`${ctx.base}/kpis`).then((r) => r.kpis);
  const name = ctx.params[0] ?? (await kpisP)[0]?.name ?? '';
  const enc = encodeURIComponent(name);
  const range = ctx.query.get('range') ?? (ctx.query.has('from') ? 'zoom' : 'live');
  const q = (extra: string) => `${ctx.base}/query?kpi=${enc}${extra}`;
  const now = Math.floor(Date.now() / 1000);
  const len = RANGES.find(([k]) => k === range)?.[1] ?? 3600;
  const from = range === 'zoom' ? Number(ctx.query.get('from')) : now - len;
  const to = range === 'zoom' ? Number(ctx.query.get('to')) : now;
  // Four days and more read hourly rollups: a week at 30-minute steps would read every minute row.
  const span = `&from=${from}&to=${to}&points=${to - from >= 4 * 86400 ? Math.min(600, Math.floor((to - from) / 3600)) : 600}`;
  const historyP = range === 'live' ? undefined : Promise.all([get<QueryResult>(q(span)), expectedFor(ctx.base, name, span)] as const);
  historyP?.catch(() => undefined); // awaited below unless the KPI does not exist
  const otherP = Promise.all([
    get<{ anomalies: Anomaly[] }>(`${ctx.base}/anomalies?kpi=${enc}&limit=200`).then((r) => r.anomalies),
    deploysFor(ctx.base, range === 'live' ? now - 3600 : from, to + 3600),
  ] as const);
  otherP.catch(() => undefined);
  const kpis = await kpisP;
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
  const [anomalies, deployed] = await otherP;
  const deploys = deployMarkers(deployed);
  const markers = (): Marker[] => [...anomalies.map((a) => ({ ts: a.ts, color: MARK[a.verdict.status] ?? '#999' })), ...deploys];
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

  const lines = [{ label: kpi.name, color: '#3a6ee8' }, ...BAND_LINES];
  const show = (xs: number[], band: Array<Array<number | null>>, end: number) => {
    plot.dataset.band = String(band[0]?.filter((v) => v !== null).length ?? 0);
    plot.dataset.releases = String(deploys.filter((d) => d.ts >= (xs[0] ?? 0) && d.ts <= end).length);
  };

  if (range === 'live') {
    // The band an hour ahead, fetched again when the page outlives it.
    let [r, ahead] = await Promise.all([
      get<QueryResult>(q(`&from=${now - 300}&step=1`)),
      expectedFor(ctx.base, kpi.name, `&from=${now - 300}&to=${now + 3600}&step=1`),
    ]);
    const [xs, ys] = columns(r);
    let refetching = false;
    const band = bandColumns(xs, ahead);
    u = chart(plot, { lines, data: [xs, ys, ...band], markers, onZoom: zoom, bands: BAND_FILL });
    show(xs, band, now);
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
      const e = ahead.get(t.ts);
      const vals = bandAt(e);
      for (const [i, col] of band.entries()) col.push(vals[i] ?? null);
      if (!e && !refetching) {
        refetching = true;
        void expectedFor(ctx.base, kpi.name, `&from=${t.ts}&to=${t.ts + 3600}&step=1`).then((m) => {
          ahead = m;
          refetching = false;
        });
      }
      while (xs.length > 300) {
        xs.shift();
        ys.shift();
        for (const col of band) col.shift();
      }
      u?.setData([xs, ys, ...band]);
      ticks++;
      status.dataset.ticks = String(ticks);
      status.textContent = `Live: ${num(value)} at ${when(t.ts * 1000)}${e?.[1] != null ? `, expected ~${num(e[1])}` : ''} (${ticks} updates)`;
    });
    es.addEventListener('error', () => {
      status.textContent = 'Live stream interrupted; reconnecting…';
    });
  } else {
    // The band is asked with the query's own range and point budget, so both pick the same step.
    const [r, expected] = await (historyP as NonNullable<typeof historyP>);
    const [xs, ys] = columns(r);
    const band = bandColumns(xs, expected);
    if (ctx.left()) return;
    const end = Math.max(r.from + r.step, Math.min(r.to, now));
    u = chart(plot, { lines, data: [xs, ys, ...band], markers, onZoom: zoom, bands: BAND_FILL, xRange: [r.from, end] });
    show(xs, band, end);
    status.textContent = `${when(r.from * 1000)} – ${when(r.to * 1000)}, step ${r.step} s. Shaded: the detector's expected range (95%). Drag across the chart to zoom in.`;
  }

  // The segment breakdown loads after the chart is interactive.
  const segments = card(`Segments (${range === 'live' ? '-15m' : '-24h'})`, h('p', { class: 'muted' }, 'Loading…'));
  root.append(card('Anomalies', anomalyList(anomalies)), segments);
  void breakdown(ctx, kpi, range === 'live' ? '-15m' : '-24h').then(
    (el) => !ctx.left() && segments.replaceWith(el),
    () => undefined,
  );
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
