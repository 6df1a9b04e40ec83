/** @module Fastify integration: hooks recording requests by route template and capturing 5xx errors. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { captureException } from '../core/hub.js';
import { observeRequest } from './http-server.js';

type FastifyRequest = { raw: IncomingMessage; routeOptions?: { url?: string }; routerPath?: string };
type FastifyReply = { raw: ServerResponse };
type Done = () => void;

/** A Fastify instance, typed loosely so that any Fastify version's overloaded `addHook` fits. */
export interface FastifyLike {
  addHook: (...args: never[]) => unknown;
}

type Hooks = {
  addHook(name: 'onRequest', hook: (req: FastifyRequest, reply: FastifyReply, done: Done) => void): unknown;
  addHook(name: 'onError', hook: (req: FastifyRequest, reply: FastifyReply, error: unknown, done: Done) => void): unknown;
};

const fastifyRoute = (req: FastifyRequest) => req.routeOptions?.url ?? req.routerPath ?? '(unmatched)';

/**
 * Adds hooks to a Fastify app (the root instance, before routes) recording `http.server.requests` and capturing 5xx errors.
 * @example
 * const app = Fastify();
 * instrumentFastify(app);
 */
export function instrumentFastify(fastify: FastifyLike): void {
  const app = fastify as unknown as Hooks;
  try {
    app.addHook('onRequest', (req, reply, done) => {
      observeRequest(
        req.raw,
        reply.raw,
        () => fastifyRoute(req),
        () => undefined,
      );
      done();
    });
    app.addHook('onError', (req, _reply, error, done) => {
      const status = (error as { statusCode?: unknown } | null)?.statusCode;
      if (typeof status !== 'number' || status >= 500) {
        captureException(error, { mechanism: { type: 'auto.http.fastify', handled: false }, tags: { route: fastifyRoute(req) } });
      }
      done();
    });
  } catch {
    // An unexpected app shape leaves the app uninstrumented, never broken.
  }
}
