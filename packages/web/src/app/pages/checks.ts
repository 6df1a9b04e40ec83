/**
 * @module Checks and heartbeats: every check's state with its recent latency, every heartbeat's
 * state and schedule; `#/checks/<id>` shows one check's latency history and transitions.
 */
import type uPlot from 'uplot';
import { get } from '../api.js';
import { chart, sparkline } from '../chart.js';
import type { PageCtx } from '../context.js';
import { card, fill, h, link, table } from '../dom.js';
import { ago, duration, num, when } from '../format.js';

interface Result {
  ts: number;
  ok: boolean;
  latencyMs: number;
  status?: number;
  error?: string;
}
interface Check {
  id: number;
  spec: { name: string; kind: string; target: string; intervalSeconds: number; slowMs: number };
  status: { state: string; slow: boolean; tlsExpiring: boolean; since: number; lastResult?: Result };
}
interface CheckDetail extends Check {
  results: Result[];
  transitions: Array<{ ts: number; state: string; text: string }>;
}
interface Heartbeat {
  id: number;
  spec: {
    name: string;
    slug: string;
    schedule: { kind: string; seconds?: number; expr?: string; timezone?: string };
    graceSeconds: number;
  };
  status: { state: string; since: number; lastCheckInAt?: number; nextDueAt?: number };
}

/** At most this many checks get a latency sparkline (one detail request each). */
const SPARK_LIMIT = 40;

const schedule = (s: Heartbeat['spec']['schedule']) =>
  s.kind === 'interval' ? `every ${duration(s.seconds ?? 0)}` : `${s.expr ?? ''} (${s.timezone ?? 'UTC'})`;

function stateBadge(c: Check): HTMLElement {
  return h(
    'span',
    null,
    h('span', { class: `badge ${c.status.state}`, 'data-testid': 'check-state' }, c.status.state),
    c.status.slow ? h('span', { class: 'badge shift' }, 'slow') : null,
    c.status.tlsExpiring ? h('span', { class: 'badge shift' }, 'TLS expiring') : null,
  );
}

/** Draws the checks page, or one check's detail. */
export async function checksPage(root: HTMLElement, ctx: PageCtx): Promise<void> {
  if (ctx.params[0]) return checkDetail(root, ctx, Number(ctx.params[0]));
  const [checks, beats] = await Promise.all([
    get<{ checks: Check[] }>(`${ctx.base}/checks`).then((r) => r.checks),
    get<{ heartbeats: Heartbeat[] }>(`${ctx.base}/heartbeats`).then((r) => r.heartbeats),
  ]);
  const sparks = new Map<number, HTMLElement>();
  fill(
    root,
    h('h1', null, 'Checks and heartbeats'),
    card(
      `Checks (${checks.length})`,
      checks.length
        ? table(
            ['Check', 'Target', 'State', 'Since', 'Latency', 'Recent latency'],
            checks.map((c) => {
              const spark = h('span', { class: 'spark' });
              sparks.set(c.id, spark);
              return [
                link(`#/checks/${c.id}`, c.spec.name),
                `${c.spec.kind} ${c.spec.target}`,
                stateBadge(c),
                ago(c.status.since),
                c.status.lastResult ? `${num(c.status.lastResult.latencyMs)} ms` : '–',
                spark,
              ];
            }),
            'checks',
          )
        : h('p', { class: 'muted' }, 'No check yet: `heed checks add payments https://pay.example.com/health --interval 10`.'),
    ),
    card(
      `Heartbeats (${beats.length})`,
      beats.length
        ? table(
            ['Job', 'Schedule', 'State', 'Since', 'Last check-in', 'Next due'],
            beats.map((b) => [
              h('span', null, b.spec.name, h('span', { class: 'tag' }, b.spec.slug)),
              schedule(b.spec.schedule),
              h('span', { class: `badge ${b.status.state}` }, b.status.state),
              ago(b.status.since),
              b.status.lastCheckInAt ? ago(b.status.lastCheckInAt) : 'never',
              b.status.nextDueAt ? when(b.status.nextDueAt) : '–',
            ]),
            'heartbeats',
          )
        : h('p', { class: 'muted' }, "No heartbeat yet: `heed heartbeats add nightly-export '0 3 * * *'`."),
    ),
  );
  // Latency sparklines load after the page is interactive.
  void (async () => {
    for (const c of checks.slice(0, SPARK_LIMIT)) {
      if (ctx.left()) return;
      const d = await get<CheckDetail>(`${ctx.base}/checks/${c.id}`).catch(() => undefined);
      const vals = d?.results.map((r) => (r.ok ? r.latencyMs : null)) ?? [];
      sparks.get(c.id)?.replaceChildren(sparkline(vals, c.status.state === 'down' ? '#d33' : '#3a6ee8', 140, 28));
    }
  })();
}

async function checkDetail(root: HTMLElement, ctx: PageCtx, id: number): Promise<void> {
  const c = await get<CheckDetail>(`${ctx.base}/checks/${id}`);
  const plot = h('div', { class: 'plot', 'data-testid': 'check-latency' });
  const failures = c.results.filter((r) => !r.ok);
  fill(
    root,
    h('h1', null, c.spec.name, h('span', { class: 'tag' }, `${c.spec.kind} ${c.spec.target}, every ${duration(c.spec.intervalSeconds)}`)),
    h('p', null, stateBadge(c), ` since ${when(c.status.since)}`),
    card(`Latency of the last ${c.results.length} probes (ms)`, plot),
    card(
      'Transitions',
      c.transitions.length
        ? table(
            ['When', 'State', ''],
            [...c.transitions].reverse().map((t) => [when(t.ts), h('span', { class: `badge ${t.state.split(':')[0]}` }, t.state), t.text]),
          )
        : h('p', { class: 'muted' }, 'No change of state yet.'),
    ),
    card(
      `Failed probes (${failures.length} of ${c.results.length})`,
      failures.length
        ? table(
            ['When', 'Status', 'Error'],
            failures
              .slice(-30)
              .reverse()
              .map((r) => [when(r.ts), r.status === undefined ? '–' : String(r.status), r.error ?? '']),
          )
        : h('p', { class: 'muted' }, 'None.'),
    ),
    h(
      'p',
      null,
      link('#/checks', '← All checks'),
      ` Longer history: the KPIs `,
      link('#/kpi/check.latency_ms?range=24h', 'check.latency_ms'),
    ),
  );
  const xs = c.results.map((r) => r.ts / 1000);
  const ys = c.results.map((r) => (r.ok ? r.latencyMs : null));
  const slow = c.spec.slowMs > 0 ? c.results.map(() => c.spec.slowMs) : undefined;
  const lines = [{ label: 'latency (ms)', color: '#3a6ee8' }];
  if (slow) lines.push({ label: 'slow above', color: '#d97706' });
  // Drawn once the view is in the page, so the chart knows its width.
  requestAnimationFrame(() => {
    if (ctx.left() || !xs.length) return;
    const u: uPlot = chart(plot, {
      lines,
      data: slow ? [xs, ys, slow] : [xs, ys],
      markers: () => failures.map((r) => ({ ts: r.ts / 1000, color: '#d33' })),
    });
    ctx.onLeave(() => u.destroy());
  });
}
