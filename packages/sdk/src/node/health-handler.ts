/** @module A `/healthz` request handler for node:http and Express running the registered health checks. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type HealthCheck, runHealthChecks } from '../core/health.js';

/** Options of `healthHandler`. */
export interface HealthHandlerOptions {
  /** Per-check timeout (ms). Default 2000. */
  timeoutMs?: number;
  /** Checks to run instead of the ones registered with `addHealthCheck`. */
  checks?: Record<string, HealthCheck>;
}

/**
 * A handler answering `200 {status:'ok', checks}` or `503 {status:'fail', checks}`.
 * @example
 * addHealthCheck('db', () => db.query('select 1'));
 * app.get('/healthz', healthHandler());
 */
export function healthHandler(opts: HealthHandlerOptions = {}): (req: IncomingMessage, res: ServerResponse) => void {
  return (_req, res) => {
    runHealthChecks(opts.timeoutMs, opts.checks).then(
      (report) => {
        res.writeHead(report.status === 'ok' ? 200 : 503, { 'content-type': 'application/json', 'cache-control': 'no-store' });
        res.end(JSON.stringify(report));
      },
      () => {
        res.writeHead(503).end();
      },
    );
  };
}
