/** The README's snippet with the real frameworks: Express 5 and Fastify 5 apps instrumented end to end against a real Heed. */
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, it } from 'node:test';
import express from 'express';
import Fastify from 'fastify';
import { startTestServer, type TestServer } from '../test-support/index.js';
import { close, expressErrorHandler, expressMiddleware, flush, init, instrumentFastify, track } from './index.js';

type Segments = { segments: Array<{ value: string; total: number }> };
type Issues = { issues: Array<{ title: string; events: number }> };

describe('the SDK in real Express and Fastify apps', () => {
  // A Heed per framework, so each test reads only its own requests.
  let heed: TestServer;
  beforeEach(async () => {
    heed = await startTestServer();
  });
  afterEach(async () => {
    await close(0);
    await heed.close();
  });

  const routes = async () => {
    const seg = await heed.get(`/api/v1/projects/${heed.projectId}/segments?kpi=http.server.requests&by=route&from=-5m`);
    return Object.fromEntries((seg.body as Segments).segments.map((s) => [s.value, s.total]));
  };
  const issueTitles = async () =>
    ((await heed.get(`/api/v1/projects/${heed.projectId}/issues?status=all`)).body as Issues).issues.map((i) => i.title);

  it('Express: requests by route template, 5xx errors captured, business events tracked', async () => {
    init({ dsn: heed.dsn, autoCapture: false, exitSignals: false, release: 'shop@1.2.3' });
    const app = express();
    app.use(expressMiddleware());
    app.get('/orders/:id', (req, res) => {
      track('order.viewed', { tags: { id: req.params.id } });
      res.json({ id: req.params.id });
    });
    app.post('/pay', () => {
      throw new Error('card processor timed out');
    });
    app.use(expressErrorHandler());
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    for (const p of ['/orders/1', '/orders/2', '/missing']) await (await fetch(`${base}${p}`)).text();
    assert.equal((await fetch(`${base}/pay`, { method: 'POST' })).status, 500);
    server.close();
    assert.equal(await flush(5000), true);
    assert.deepEqual(await routes(), { '/orders/:id': 2, '(unmatched)': 1, '/pay': 1 });
    assert.equal(await heed.total('order.viewed'), 2);
    assert.ok((await issueTitles()).includes('Error: card processor timed out'));
    await close(0);
  });

  it('Fastify: requests by route template and 5xx errors captured', async () => {
    init({ dsn: heed.dsn, autoCapture: false, exitSignals: false });
    const app = Fastify();
    instrumentFastify(app);
    app.get('/carts/:id', async (req) => ({ id: (req.params as { id: string }).id }));
    app.get('/boom', async () => {
      throw new Error('inventory service unavailable');
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    for (const p of ['/carts/7', '/carts/8', '/carts/9']) await (await fetch(`${base}${p}`)).text();
    assert.equal((await fetch(`${base}/boom`)).status, 500);
    await app.close();
    assert.equal(await flush(5000), true);
    assert.deepEqual(await routes(), { '/carts/:id': 3, '/boom': 1 });
    assert.ok((await issueTitles()).includes('Error: inventory service unavailable'));
    await close(0);
  });
});
