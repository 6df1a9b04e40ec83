/** HTTP server integrations (node:http, Express-shaped and Fastify-shaped apps) and the health handler, on loopback. */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type RequestListener, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, it } from 'node:test';
import type { TransportRequest } from '../core/transport.js';
import type { KpiEvent } from '../core/types.js';
import { parseEnvelope } from '../test-support/index.js';
import {
  addHealthCheck,
  captureException,
  close,
  expressErrorHandler,
  expressMiddleware,
  flush,
  healthHandler,
  init,
  instrumentFastify,
  wrapHandler,
} from './index.js';

afterEach(() => close(0));

function recording() {
  const sent: TransportRequest[] = [];
  init({
    dsn: 'http://k@127.0.0.1:9/1',
    autoCapture: false,
    exitSignals: false,
    transport: async (r) => {
      sent.push(r);
      return { status: 200, header: () => null, body: '{}' };
    },
  });
  return {
    sent,
    kpis: () => sent.filter((r) => r.url.endsWith('/events')).flatMap((r) => JSON.parse(String(r.body)) as KpiEvent[]),
    events: () => sent.filter((r) => r.url.includes('/envelope/')).map((r) => parseEnvelope(String(r.body)).items[0]?.[1] ?? {}),
  };
}

async function serve(handler: RequestListener, paths: string[]): Promise<number[]> {
  const server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const statuses: number[] = [];
  for (const p of paths) {
    const r = await fetch(`${base}${p}`);
    await r.text();
    statuses.push(r.status);
  }
  server.close();
  return statuses;
}

const summary = (events: KpiEvent[]) =>
  events
    .filter((e) => e.name === 'http.server.requests')
    .map((e) => `${e.tags?.method} ${e.tags?.route} ${e.tags?.status} x${e.count}`)
    .sort();

it('node:http: requests by folded route, status and latency; errors carry the request', async () => {
  const rec = recording();
  const handler = wrapHandler((req, res) => {
    if (req.url === '/fail') {
      captureException(new Error('handler failed'));
      res.statusCode = 500;
    }
    res.end('x');
  });
  await serve(handler, ['/items/1', '/items/2', '/fail']);
  await flush(1000);
  assert.deepEqual(summary(rec.kpis()), ['GET /fail 500 x1', 'GET /items/:id 200 x2']);
  const ev = rec.events()[0];
  assert.equal(ev?.transaction, 'GET /fail');
  assert.deepEqual(ev?.request, { method: 'GET', url: '/fail' });
});

it('Express-shaped apps: the matched route template, unmatched requests folded, 5xx errors captured', async () => {
  const rec = recording();
  const mw = expressMiddleware();
  const onError = expressErrorHandler();
  // A stand-in for Express's router: sets req.route / req.baseUrl the way Express does, and calls error handlers.
  const app: RequestListener = (req, res) => {
    mw(req, res, () => {
      const r = req as IncomingMessage & { route?: { path: string }; baseUrl?: string };
      const m = /^\/api\/users\/(\w+)$/.exec(req.url ?? '');
      if (!m) {
        res.statusCode = 404;
        res.end();
        return;
      }
      r.baseUrl = '/api';
      r.route = { path: '/users/:id' };
      if (m[1] === 'boom') onError(new Error('db down'), req, res, () => res.writeHead(500).end());
      else res.end('user');
    });
  };
  await serve(app, ['/api/users/1', '/api/users/2', '/api/users/boom', '/wp-admin.php']);
  await flush(1000);
  assert.deepEqual(summary(rec.kpis()), ['GET (unmatched) 404 x1', 'GET /api/users/:id 200 x2', 'GET /api/users/:id 500 x1']);
  const ev = rec.events()[0];
  assert.equal(ev?.transaction, 'GET /api/users/:id');
  assert.deepEqual(ev?.tags, { route: '/api/users/:id' });
});

it('Fastify-shaped apps: hooks record the route template and capture 5xx errors only', async () => {
  const rec = recording();
  type Hook = (...args: unknown[]) => void;
  const hooks: Record<string, Hook> = {};
  instrumentFastify({ addHook: (name: string, fn: Hook) => void (hooks[name] = fn) });
  const app: RequestListener = (raw, res) => {
    const req = { raw, routeOptions: { url: raw.url === '/x' ? undefined : '/orders/:id' } };
    const reply = { raw: res as ServerResponse };
    hooks.onRequest?.(req, reply, () => {
      if (raw.url === '/orders/2') {
        hooks.onError?.(req, reply, Object.assign(new Error('bad input'), { statusCode: 400 }), () => {});
        res.writeHead(400).end();
      } else if (raw.url === '/orders/3') {
        hooks.onError?.(req, reply, new Error('crash'), () => {});
        res.writeHead(500).end();
      } else res.end();
    });
  };
  await serve(app, ['/orders/1', '/orders/2', '/orders/3', '/x']);
  await flush(1000);
  assert.deepEqual(summary(rec.kpis()), [
    'GET (unmatched) 200 x1',
    'GET /orders/:id 200 x1',
    'GET /orders/:id 400 x1',
    'GET /orders/:id 500 x1',
  ]);
  assert.deepEqual(
    rec.events().map((e) => (e.exception as { values: Array<{ value: string }> }).values[0]?.value),
    ['crash'],
  );
});

it('instrumentFastify and the middlewares work (as no-ops) before init', async () => {
  await close(0);
  const statuses = await serve(
    wrapHandler((_q, s) => s.end()),
    ['/a'],
  );
  assert.deepEqual(statuses, [200]);
  instrumentFastify({} as Parameters<typeof instrumentFastify>[0]);
});

it('healthHandler answers 200 or 503 with each check', async () => {
  const remove = addHealthCheck('db', () => true);
  const server = createServer(healthHandler());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/healthz`;
  let r = await fetch(url);
  assert.equal(r.status, 200);
  assert.equal(((await r.json()) as { checks: Record<string, { status: string }> }).checks.db?.status, 'ok');
  const removeBad = addHealthCheck('queue', () => Promise.reject(new Error('stuck')));
  r = await fetch(url);
  assert.equal(r.status, 503);
  assert.equal(((await r.json()) as { checks: Record<string, { error: string }> }).checks.queue?.error, 'stuck');
  remove();
  removeBad();
  server.close();
});
