/** Integration: the Node SDK against a real Heed server on loopback (business events, HTTP metrics, back-pressure). */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../test-support/index.js';
import { close, flush, gauge, getClient, init, track, wrapHandler } from './index.js';

describe('Node SDK against a real Heed', () => {
  let heed: TestServer;
  before(async () => {
    heed = await startTestServer();
  });
  after(async () => {
    await close(0);
    await heed.close();
  });

  it('delivers tracked events and gauges, queryable back', async () => {
    init({ dsn: heed.dsn, autoCapture: false, exitSignals: false, tags: { service: 'shop' } });
    track('checkout.completed', { value: 49.9, tags: { currency: 'EUR' } });
    track('checkout.completed', { value: 10, tags: { currency: 'USD' } });
    track('signup');
    gauge('users.online', 312);
    assert.equal(await flush(5000), true);
    assert.equal(await heed.total('checkout.completed'), 2);
    assert.equal(await heed.total('checkout.completed', '&agg=sum'), 59.9);
    assert.equal(await heed.total('signup'), 1);
    const g = await heed.get(`/api/v1/projects/${heed.projectId}/query?kpi=users.online&from=-5m&agg=last&step=60`);
    const points = ((g.body.lines as Array<{ points: Array<[number, number | null]> }>)[0]?.points ?? []).map((p) => p[1]);
    assert.ok(points.includes(312), `gauge 312 in ${JSON.stringify(points)}`);
    const seg = await heed.get(`/api/v1/projects/${heed.projectId}/segments?kpi=checkout.completed&by=service&from=-5m`);
    assert.deepEqual(
      (seg.body.segments as Array<{ value: string }>).map((s) => s.value),
      ['shop'],
      'global tags applied',
    );
  });

  it('sends large batches gzip-compressed', async () => {
    init({ dsn: heed.dsn, autoCapture: false, exitSignals: false, compressAbove: 1000 });
    for (let i = 0; i < 400; i++) track('bulk.item', { tags: { shard: String(i % 4) } });
    assert.equal(await flush(5000), true);
    assert.equal(await heed.total('bulk.item'), 400);
    assert.deepEqual(getClient()?.stats().dropped, {});
  });

  it('records served requests by route with status and latency', async () => {
    init({ dsn: heed.dsn, autoCapture: false, exitSignals: false });
    const app = createServer(
      wrapHandler((req, res) => {
        res.statusCode = req.url?.startsWith('/users/') ? 200 : 404;
        setTimeout(() => res.end('ok'), 20);
      }),
    );
    await new Promise<void>((r) => app.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
    for (const p of ['/users/1', '/users/2?x=1', '/users/3', '/nope']) await (await fetch(`${base}${p}`)).text();
    app.close();
    assert.equal(await flush(5000), true);
    const seg = await heed.get(`/api/v1/projects/${heed.projectId}/segments?kpi=http.server.requests&by=route&from=-5m`);
    const routes = Object.fromEntries((seg.body.segments as Array<{ value: string; total: number }>).map((s) => [s.value, s.total]));
    assert.deepEqual(routes, { '/users/:id': 3, '/nope': 1 });
    const mean = await heed.get(
      `/api/v1/projects/${heed.projectId}/query?kpi=http.server.requests&from=-5m&agg=mean&step=300&where=status:200`,
    );
    const lat = (mean.body.lines as Array<{ points: Array<[number, number | null]> }>)[0]?.points.find((p) => p[1] !== null)?.[1] ?? 0;
    assert.ok(lat >= 15 && lat < 1000, `mean latency ${lat} ms`);
  });
});

describe('Node SDK under back-pressure', () => {
  it('honours 429 + Retry-After from a rate-limited Heed and still delivers everything', { timeout: 30_000 }, async () => {
    const heed = await startTestServer({ 'ingest.rateLimitPerSecond': 50 });
    try {
      init({ dsn: heed.dsn, autoCapture: false, exitSignals: false, maxBatch: 40, maxQueue: 1000 });
      for (let i = 0; i < 200; i++) track('storm');
      const start = Date.now();
      while (Date.now() - start < 20_000 && (getClient()?.stats().events ?? 0) > 0) await flush(1000);
      assert.equal(getClient()?.stats().events, 0);
      assert.deepEqual(getClient()?.stats().dropped, {});
      assert.equal(await heed.total('storm'), 200);
      assert.ok(Date.now() - start >= 1000, 'had to wait for the limit');
    } finally {
      await close(0);
      await heed.close();
    }
  });

  it('stays quiet, bounded and harmless when the server is unreachable', async () => {
    const dead = createServer();
    await new Promise<void>((r) => dead.listen(0, '127.0.0.1', r));
    const port = (dead.address() as AddressInfo).port;
    await new Promise((r) => dead.close(r));
    init({ dsn: `http://abc@127.0.0.1:${port}/1`, autoCapture: false, exitSignals: false, maxQueue: 100, maxRetries: 1 });
    for (let i = 0; i < 1000; i++) track('lost');
    assert.equal(await flush(500), false);
    const s = getClient()?.stats();
    assert.ok((s?.events ?? 0) <= 100, `queue bounded: ${s?.events}`);
    assert.equal(s?.dropped['queue_overflow:kpi'], 900);
    await close(0);
  });
});
