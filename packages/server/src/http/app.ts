/** @module The HTTP app: routing, request ids, CORS, error mapping and request metrics. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, errorBody } from '../kernel/index.js';
import { createSourceMaps } from '../sourcemaps/index.js';
import { projectRoutes } from './admin-routes.js';
import { alertRoutes } from './alert-routes.js';
import { checkRoutes } from './check-routes.js';
import type { Ctx, Handler, Reply } from './context.js';
import { expectedRoutes } from './expected-routes.js';
import { createIngestHandler } from './ingest-route.js';
import { issueRoutes } from './issue-routes.js';
import { kpiWatchRoutes } from './kpi-watch-routes.js';
import { monitorRoutes } from './monitor-routes.js';
import { otlpRoutes } from './otlp-route.js';
import { queryRoutes } from './query-routes.js';
import { releaseRoutes } from './release-routes.js';
import { createRouter } from './router.js';
import { sentryRoutes } from './sentry-routes.js';
import type { Services } from './services.js';
import { sessionRoutes } from './session-routes.js';
import { sourcemapRoutes } from './sourcemap-routes.js';
import { statusRoutes } from './status-routes.js';
import { systemRoutes } from './system-routes.js';
import { webRoutes } from './web-routes.js';

const CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, PUT, PATCH, DELETE, OPTIONS',
  'access-control-allow-headers': 'Authorization, Content-Type, Content-Encoding, X-Request-Id, X-Sentry-Auth, X-Heed-CSRF',
  'access-control-expose-headers': 'Retry-After, X-Request-Id, X-Sentry-Rate-Limits, X-Sentry-Error',
  'access-control-max-age': '86400',
};

/** A node:http request listener, with the routes it serves (docs/http-api.md is checked against them). */
export type App = ((req: IncomingMessage, res: ServerResponse) => void) & { routes: Array<[string, string]> };

/** Builds the request listener over the services. */
export function createApp(s: Services): App {
  const router = createRouter<Handler>();
  // Uploaded per release, applied by the Sentry ingest: see sourcemaps/.
  const sourcemaps = createSourceMaps({
    store: s.store,
    clock: s.clock,
    log: s.log,
    maxFileBytes: s.config.errors.maxSourceMapBytes,
    cacheBytes: s.config.errors.sourceMapCacheBytes,
    maxItemBytes: s.config.errors.maxItemBytes,
    frames: s.metrics.registry.counter(
      'heed_sourcemap_frames_total',
      'Frames of error events that could use an uploaded source map (by release or debug ID), by outcome (mapped, no_map, no_position).',
    ),
  });
  const routes: Array<[string, string]> = [['POST', '/api/:projectId/events']];
  router.add('POST', '/api/:projectId/events', createIngestHandler(s));
  for (const [m, p, h] of [
    ...systemRoutes(s),
    ...projectRoutes(s),
    ...queryRoutes(s),
    ...alertRoutes(s),
    ...sentryRoutes(s, sourcemaps),
    ...otlpRoutes(s),
    ...sourcemapRoutes(s, sourcemaps),
    ...issueRoutes(s),
    ...releaseRoutes(s),
    ...monitorRoutes(s),
    ...sessionRoutes(s),
    ...checkRoutes(s),
    ...statusRoutes(s),
    ...webRoutes(s),
    ...expectedRoutes(s),
    ...kpiWatchRoutes(s),
  ]) {
    router.add(m, p, h);
    routes.push([m, p]);
  }
  let seq = 0;
  const prefix = Math.floor(Math.random() * 0xffffff).toString(36);

  const send = (res: ServerResponse, id: string, reply: Exclude<Reply, 'streamed'>) => {
    const headers: Record<string, string> = { ...CORS, 'x-request-id': id, ...reply.headers };
    let payload: string | Buffer | undefined = reply.bytes ?? reply.text;
    if (payload === undefined && reply.body !== undefined) {
      payload = JSON.stringify(reply.body);
      headers['content-type'] ??= 'application/json; charset=utf-8';
    }
    headers['content-length'] = String(payload === undefined ? 0 : Buffer.byteLength(payload));
    res.writeHead(reply.status, headers);
    res.end(payload);
  };

  const app = (req: IncomingMessage, res: ServerResponse) => {
    const started = performance.now();
    const incoming = req.headers['x-request-id'];
    const id = typeof incoming === 'string' && /^[\w.-]{1,64}$/.test(incoming) ? incoming : `${prefix}-${(++seq).toString(36)}`;
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    const query = new URLSearchParams(q === -1 ? '' : url.slice(q + 1));
    const log = s.log;
    let route = 'unmatched';
    const finish = (status: number, code?: string) => {
      const seconds = (performance.now() - started) / 1000;
      s.metrics.requests.inc(code ? { route, status: String(status), code } : { route, status: String(status) });
      s.metrics.duration.observe(seconds, { route });
      log.debug('request', { reqId: id, method: req.method, route, status, code, ms: Math.round(seconds * 1e4) / 10 });
    };
    const fail = (err: unknown) => {
      let apiErr: ApiError;
      if (err instanceof ApiError) apiErr = err;
      else {
        apiErr = new ApiError('internal', `Internal error; the log has details under request id ${id}.`);
        log.error('request failed', { reqId: id, method: req.method, path, err });
      }
      if (!res.headersSent) send(res, id, { status: apiErr.status, body: errorBody(apiErr), headers: apiErr.headers });
      else res.end();
      finish(apiErr.status, apiErr.code);
      // A body we refused to read must not keep the connection busy.
      if (!req.complete) req.resume();
    };
    try {
      if (req.method === 'OPTIONS') {
        send(res, id, { status: 204 });
        finish(204);
        return;
      }
      if (s.state.shuttingDown && path !== '/healthz') {
        throw new ApiError('server.shutting_down', 'Heed is shutting down; retry shortly.', undefined, {
          'retry-after': '5',
          connection: 'close',
        });
      }
      const found = router.find(req.method ?? 'GET', path);
      if (found.kind === 'none') {
        throw new ApiError('request.not_found', `No route for ${req.method} ${path.slice(0, 200)}; see docs/http-api.md.`);
      }
      if (found.kind === 'method') {
        throw new ApiError('request.method_not_allowed', `${path.slice(0, 200)} accepts ${found.allowed.join(', ')}.`, undefined, {
          allow: found.allowed.join(', '),
        });
      }
      route = found.match.route;
      const ctx: Ctx = { req, res, params: found.match.params, query, id, log, route };
      found.match.handler(ctx).then((reply) => {
        if (reply === 'streamed') {
          finish(200);
          return;
        }
        send(res, id, reply);
        finish(reply.status);
      }, fail);
    } catch (err) {
      fail(err);
    }
  };
  return Object.assign(app, { routes });
}
