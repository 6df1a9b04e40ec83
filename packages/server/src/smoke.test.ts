/** One server on a real port: health, readiness, metrics families, and the live stream over SSE. */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { it } from 'node:test';
import { loadConfig } from './config/index.js';
import { createLogger } from './kernel/index.js';
import { startHeed } from './main.js';

it('serves health, metrics and a per-second live stream', { timeout: 30_000 }, async () => {
  const { config } = loadConfig({ env: {}, flags: { 'server.port': 0, 'store.kind': 'memory', 'auth.adminToken': 'adm' } });
  const heed = await startHeed(config, { log: createLogger('silent') });
  try {
    assert.equal((await fetch(`${heed.url}/healthz`)).status, 200);
    const ready = await fetch(`${heed.url}/readyz`);
    assert.deepEqual(await ready.json(), { status: 'ready', store: 'memory' });
    const project = (await heed.services.store.listProjects())[0];
    assert.ok(project);

    const ticks: Array<{ ts: number; kpis: Record<string, { count: number }> }> = [];
    const req = request(`${heed.url}/api/v1/projects/${project.id}/stream?kpi=checkout&token=adm`);
    const got = new Promise<void>((resolve) => {
      req.on('response', (res) => {
        assert.equal(res.headers['content-type'], 'text/event-stream; charset=utf-8');
        let buf = '';
        res.on('data', (d: Buffer) => {
          buf += d.toString();
          for (let i = buf.indexOf('\n\n'); i !== -1; i = buf.indexOf('\n\n')) {
            const msg = buf.slice(0, i);
            buf = buf.slice(i + 2);
            const data = /^data: (.*)$/m.exec(msg)?.[1];
            if (data) ticks.push(JSON.parse(data));
            if (ticks.some((t) => (t.kpis.checkout?.count ?? 0) > 0)) resolve();
          }
        });
      });
    });
    req.end();
    await new Promise((r) => setTimeout(r, 200));
    const sent = await fetch(`${heed.url}/api/${project.id}/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${project.key}` },
      body: JSON.stringify([{ name: 'checkout' }, { name: 'checkout' }, { name: 'checkout' }, { name: 'other' }]),
    });
    assert.equal(sent.status, 200);
    await got;
    const hit = ticks.find((t) => (t.kpis.checkout?.count ?? 0) > 0);
    assert.equal(hit?.kpis.checkout?.count, 3);
    assert.deepEqual(Object.keys(hit?.kpis ?? {}), ['checkout'], 'only the asked KPI');
    req.destroy();

    const metrics = await (await fetch(`${heed.url}/metrics`)).text();
    for (const family of [
      'heed_http_requests_total',
      'heed_http_request_duration_seconds',
      'heed_ingest_events_total',
      'heed_ingest_ack_seconds',
      'heed_store_commit_seconds',
      'heed_event_loop_lag_seconds',
      'heed_process_memory_bytes',
    ]) {
      assert.match(metrics, new RegExp(`^# TYPE ${family} `, 'm'), family);
    }
    assert.match(metrics, /^heed_ingest_ack_seconds_count 1$/m);
    assert.match(metrics, /^heed_process_memory_bytes\{kind="rss"\} \d+/m);
  } finally {
    await heed.close();
  }
});
