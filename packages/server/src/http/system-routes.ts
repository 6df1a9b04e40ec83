/** @module Heed's own health: /healthz, /readyz, /metrics, and the start page. */
import type { Handler } from './context.js';
import type { Services } from './services.js';

const START_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Heed</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:44rem;margin:3rem auto;padding:0 1rem;color:#222}code{background:#f3f3f3;padding:0 .25rem}</style>
</head><body><h1>Heed is running</h1>
<p>Ingest KPI events at <code>POST /api/&lt;projectId&gt;/events</code>, query them under <code>/api/v1</code>
with the admin token, and watch Heed itself at <a href="/metrics">/metrics</a>.</p>
<p>The dashboard is not built yet; see docs/http-api.md for the API.</p></body></html>`;

/** The system routes. */
export function systemRoutes(s: Services): Array<[string, string, Handler]> {
  return [
    ['GET', '/', async () => ({ status: 200, text: START_PAGE, headers: { 'content-type': 'text/html; charset=utf-8' } })],
    ['GET', '/healthz', async () => ({ status: 200, body: { status: 'ok' } })],
    [
      'GET',
      '/readyz',
      async () => {
        const ok = !s.state.shuttingDown && (await s.store.ping());
        return { status: ok ? 200 : 503, body: { status: ok ? 'ready' : 'unavailable', store: s.store.kind } };
      },
    ],
    [
      'GET',
      '/metrics',
      async () => ({
        status: 200,
        text: s.metrics.registry.render(),
        headers: { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' },
      }),
    ],
  ];
}
