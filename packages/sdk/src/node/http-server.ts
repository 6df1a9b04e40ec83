/** @module HTTP server metrics: each finished request adds to `http.server.requests{method,route,status}` (count, sum of ms). */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Client } from '../core/client.js';
import { getClient } from '../core/hub.js';
import { createRouteCap, normalizePath } from './route.js';

/** KPI name of served requests: count = requests, sum = milliseconds until the response finished. */
export const HTTP_SERVER_KPI = 'http.server.requests';

/** The request being served, for errors captured while serving it. */
export interface RequestContext {
  req: IncomingMessage;
  route(): string;
}

/** Where a request's context lives while it is served (created on first use, not at import). */
let storage: AsyncLocalStorage<RequestContext> | undefined;
export const requestStorage = (): AsyncLocalStorage<RequestContext> => (storage ??= new AsyncLocalStorage());

const decorated = new WeakSet<Client>();

/** Makes errors captured inside a request carry its route (`transaction`) and method and URL. */
export function decorateWithRequest(client: Client): void {
  if (decorated.has(client)) return;
  decorated.add(client);
  client.addDecorator((ev) => {
    const ctx = storage?.getStore();
    if (!ctx) return;
    ev.transaction ??= `${ctx.req.method ?? 'GET'} ${ctx.route()}`;
    ev.request ??= { method: ctx.req.method, url: ctx.req.url };
  });
}

/**
 * Records the request when its response finishes (or the client goes away: status `aborted`), then runs `next`
 * inside the request's context. Without an initialised SDK it only runs `next`.
 */
export function observeRequest<T>(req: IncomingMessage, res: ServerResponse, route: () => string, next: () => T): T {
  const client = getClient();
  if (!client) return next();
  try {
    decorateWithRequest(client);
    const start = performance.now();
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      const status = res.writableFinished ? String(res.statusCode) : 'aborted';
      client.measure(
        HTTP_SERVER_KPI,
        { method: req.method ?? 'GET', route: route(), status },
        Math.round((performance.now() - start) * 100) / 100,
      );
    };
    res.once('finish', finish);
    res.once('close', finish);
  } catch {
    return next();
  }
  return requestStorage().run({ req, route }, next);
}

/** Options of `wrapHandler`. */
export interface WrapOptions {
  /** The route template of a request, e.g. `/users/:id`; default: the path with ids folded to `:id`. */
  route?: (req: IncomingMessage) => string;
  /** Most distinct routes recorded; later ones are `(other)`. Default 200. */
  maxRoutes?: number;
}

/**
 * Wraps a `node:http` request listener to record requests, latency and status by route.
 * @example
 * http.createServer(wrapHandler((req, res) => res.end('ok'))).listen(3000);
 */
export function wrapHandler<Req extends IncomingMessage, Res extends ServerResponse>(
  handler: (req: Req, res: Res) => void,
  opts: WrapOptions = {},
): (req: Req, res: Res) => void {
  const cap = createRouteCap(opts.maxRoutes ?? 200);
  return function heedHandler(this: unknown, req, res) {
    let label: string | undefined;
    const route = () => (label ??= cap(safeRoute(opts.route, req)));
    return observeRequest(req, res, route, () => handler.call(this, req, res));
  };
}

function safeRoute(fn: ((req: IncomingMessage) => string) | undefined, req: IncomingMessage): string {
  try {
    return fn ? fn(req) : normalizePath(req.url);
  } catch {
    return normalizePath(req.url);
  }
}
