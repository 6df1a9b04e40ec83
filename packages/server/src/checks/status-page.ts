/** @module The public status page of a project: the state of its public checks and heartbeats, as JSON or HTML. */
import type { CheckView } from './check-runner.js';
import type { HeartbeatView } from './heartbeat-monitor.js';

/** One component on the page. */
export interface StatusComponent {
  name: string;
  kind: 'check' | 'heartbeat';
  /** operational, degraded or down (pending: not yet probed). */
  status: 'operational' | 'degraded' | 'down' | 'pending';
  since: string;
  latencyMs?: number;
}

/** What the page shows. */
export interface StatusSummary {
  title: string;
  status: 'operational' | 'degraded' | 'down';
  components: StatusComponent[];
  generatedAt: string;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** The summary of the public components (private ones are left out). */
export function statusSummary(title: string, checks: CheckView[], heartbeats: HeartbeatView[], now: number): StatusSummary {
  const components: StatusComponent[] = [];
  for (const c of checks.filter((x) => x.spec.public)) {
    const s = c.status;
    const status = s.state === 'down' ? 'down' : s.state === 'pending' ? 'pending' : s.slow ? 'degraded' : 'operational';
    components.push({ name: c.spec.name, kind: 'check', status, since: iso(s.since), latencyMs: s.lastResult?.latencyMs });
  }
  for (const h of heartbeats.filter((x) => x.spec.public)) {
    const st = h.status.state;
    const status = st === 'missed' || st === 'failed' ? 'down' : st === 'too_long' ? 'degraded' : st === 'new' ? 'pending' : 'operational';
    components.push({ name: h.spec.name, kind: 'heartbeat', status, since: iso(h.status.since) });
  }
  const overall = components.some((c) => c.status === 'down')
    ? 'down'
    : components.some((c) => c.status === 'degraded')
      ? 'degraded'
      : 'operational';
  return { title, status: overall, components, generatedAt: iso(now) };
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const COLOR = { operational: '#1a7f37', degraded: '#9a6700', down: '#cf222e', pending: '#6e7781' } as const;
const WORD = { operational: 'All systems operational', degraded: 'Degraded performance', down: 'Partial outage' } as const;

/** The page as HTML (no scripts; refreshes itself every 30 s). */
export function renderStatusPage(s: StatusSummary): string {
  const rows = s.components
    .map(
      (c) =>
        `<tr><td>${esc(c.name)}</td><td style="color:${COLOR[c.status]}">● ${c.status}</td><td>${c.latencyMs === undefined ? '' : `${Math.round(c.latencyMs)} ms`}</td><td><time>${c.since}</time></td></tr>`,
    )
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="30"><meta name="viewport" content="width=device-width"><title>${esc(s.title)}</title><style>body{font:16px/1.5 system-ui,sans-serif;max-width:46rem;margin:3rem auto;padding:0 1rem}table{width:100%;border-collapse:collapse}td{padding:.4rem;border-bottom:1px solid #ddd}h2{color:${COLOR[s.status]}}</style></head><body><h1>${esc(s.title)}</h1><h2>${WORD[s.status]}</h2><table>${rows || '<tr><td>No public components.</td></tr>'}</table><p><small>Updated ${s.generatedAt}</small></p></body></html>`;
}
