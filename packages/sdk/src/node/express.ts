/** @module Express integration: a middleware recording requests by route template, and an error handler capturing 5xx errors. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { captureException } from '../core/hub.js';
import { observeRequest } from './http-server.js';

type ExpressReq = IncomingMessage & { baseUrl?: string; route?: { path?: unknown } };
type Next = (err?: unknown) => void;

/**
 * The route template Express matched, e.g. `/api/users/:id`; `(unmatched)` when no route handled it.
 * @example
 * expressRoute(req); // '/api/users/:id'
 */
export function expressRoute(req: ExpressReq): string {
  const path = req.route?.path;
  return path === undefined ? '(unmatched)' : `${req.baseUrl ?? ''}${String(path)}`;
}

/**
 * Express middleware recording `http.server.requests{method,route,status}`; add it first.
 * @example
 * app.use(expressMiddleware());
 */
export function expressMiddleware(): (req: IncomingMessage, res: ServerResponse, next: Next) => void {
  return function heedExpress(req, res, next) {
    observeRequest(
      req,
      res,
      () => expressRoute(req as ExpressReq),
      () => next(),
    );
  };
}

/**
 * Express error handler capturing errors that become 5xx answers, then passing them on; add it after the routes.
 * @example
 * app.use(expressErrorHandler());
 */
export function expressErrorHandler(): (err: unknown, req: IncomingMessage, res: ServerResponse, next: Next) => void {
  // Four parameters: that is how Express recognises an error handler.
  return function heedExpressErrors(err, req, _res, next) {
    const status =
      (err as { status?: unknown; statusCode?: unknown } | null)?.status ?? (err as { statusCode?: unknown } | null)?.statusCode;
    if (typeof status !== 'number' || status >= 500) {
      captureException(err, { mechanism: { type: 'auto.http.express', handled: false }, tags: { route: expressRoute(req as ExpressReq) } });
    }
    next(err);
  };
}
