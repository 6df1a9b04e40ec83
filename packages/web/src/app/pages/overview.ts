/** @module Overview: every KPI's health at a glance, open incidents, and recent releases. */
import { get } from '../api.js';
import { sparkline } from '../chart.js';
import type { PageCtx } from '../context.js';
import { card, fill, h, link, table } from '../dom.js';
import { ago, num } from '../format.js';
import { deploysFor } from '../overlays.js';
import type { Anomaly, Kpi, QueryResult } from '../series.js';
import type { IncidentRow } from './incidents.js';

/** At most this many KPIs get a sparkline; the rest are listed (keeps the page fast with many KPIs). */
const SPARK_LIMIT = 60;

/** Draws the overview. */
export async function overviewPage(root: HTMLElement, ctx: PageCtx): Promise<void> {
  const nowSec = Math.floor(Date.now() / 1000);
  const [kpis, anomalies, incidents, releases, deploys] = await Promise.all([
    get<{ kpis: Kpi[] }>(`${ctx.base}/kpis`),
    get<{ anomalies: Anomaly[] }>(`${ctx.base}/anomalies?limit=1000`),
    get<{ incidents: IncidentRow[] }>(`${ctx.base}/incidents?status=open&limit=20`),
    get<{ releases: Array<{ release: string; environment: string; sessions: number; crashFreeSessions: number | null }> }>(
      `${ctx.base}/release-health?from=-7d`,
    ).catch(() => ({ releases: [] })),
    deploysFor(ctx.base, nowSec - 7 * 86400, nowSec),
  ]);
  const since = Date.now() / 1000 - 900;
  const alerting = new Set(anomalies.anomalies.filter((a) => a.verdict.status === 'alert' && a.ts >= since).map((a) => a.kpi));
  const grid = h('div', { class: 'tiles' });
  fill(
    root,
    h('h1', null, 'Overview'),
    card(
      `Open incidents (${incidents.incidents.length})`,
      incidents.incidents.length
        ? table(
            ['#', 'Incident', 'Status', 'Since'],
            incidents.incidents.map((i) => [
              String(i.id),
              link(`#/incidents/${i.id}`, i.title),
              h('span', { class: `badge ${i.status}` }, i.status),
              ago(i.onsetAt),
            ]),
          )
        : h('p', { class: 'muted' }, 'None. All quiet.'),
    ),
    card(`KPIs (${kpis.kpis.length}), last hour`, grid),
    card(
      'Recent releases',
      deploys.length
        ? table(
            ['Release', 'Environment', 'Deployed', ''],
            deploys
              .slice(-8)
              .reverse()
              .map((d) => [d.version, d.environment, ago(d.at), link(`#/releases/${d.id}`, 'Impact report')]),
          )
        : null,
      releases.releases.length
        ? table(
            ['Release', 'Environment', 'Sessions', 'Crash-free'],
            releases.releases.map((r) => [
              r.release,
              r.environment,
              num(r.sessions),
              r.crashFreeSessions === null ? '–' : `${(r.crashFreeSessions * 100).toFixed(1)} %`,
            ]),
          )
        : deploys.length
          ? null
          : h('p', { class: 'muted' }, 'No deploy and no release sessions in the last 7 days.'),
    ),
  );
  const shown = kpis.kpis.slice(0, SPARK_LIMIT);
  const tiles = shown.map((k) => {
    const spark = h('span', { class: 'spark' });
    const value = h('span', { class: 'value' }, '…');
    const bad = alerting.has(k.name);
    grid.append(
      h(
        'a',
        { href: `#/kpi/${encodeURIComponent(k.name)}`, class: `tile ${bad ? 'bad' : 'ok'}`, 'data-kpi': k.name },
        h('span', { class: 'name' }, k.name),
        h('span', { class: `badge ${bad ? 'alert' : 'normal'}` }, bad ? 'anomaly' : 'healthy'),
        value,
        spark,
      ),
    );
    return { k, spark, value };
  });
  for (const k of kpis.kpis.slice(SPARK_LIMIT)) grid.append(link(`#/kpi/${encodeURIComponent(k.name)}`, k.name));
  // Sparklines load after the page is interactive, a few at a time.
  void (async () => {
    for (let i = 0; i < tiles.length && !ctx.left(); i += 6) {
      await Promise.all(
        tiles.slice(i, i + 6).map(async ({ k, spark, value }) => {
          const r = await get<QueryResult>(`${ctx.base}/query?kpi=${encodeURIComponent(k.name)}&from=-1h&step=60`).catch(() => undefined);
          const pts = r?.lines[0]?.points ?? [];
          const vals = pts.map((p) => p[1]);
          spark.replaceChildren(sparkline(vals, alerting.has(k.name) ? '#d33' : '#3a6ee8'));
          value.textContent = k.type === 'gauge' ? num(vals.filter((v) => v !== null).pop()) : `${num(r?.lines[0]?.total)} /h`;
        }),
      );
    }
  })();
}
