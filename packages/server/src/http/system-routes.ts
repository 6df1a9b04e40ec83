/** @module Heed's own health: /healthz, /readyz and /metrics. */
import type { Handler } from './context.js';
import type { Services } from './services.js';

/** The system routes. */
export function systemRoutes(s: Services): Array<[string, string, Handler]> {
  return [
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
