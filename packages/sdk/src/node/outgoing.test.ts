/** Opt-in dependency health: outgoing fetch and http.request recorded per downstream host, nothing else changed. */
import assert from 'node:assert/strict';
import { createServer, get, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, it } from 'node:test';
import type { KpiEvent } from '../core/types.js';
import { type CaptureServer, startCaptureServer } from '../test-support/index.js';
import { close, flush, init } from './index.js';

let cs: CaptureServer;
let downstream: ReturnType<typeof createServer>;
let host = '';
before(async () => {
  cs = await startCaptureServer();
  downstream = createServer((req, res) => setTimeout(() => res.writeHead(req.url === '/bad' ? 503 : 200).end('ok'), 10));
  await new Promise<void>((r) => downstream.listen(0, '127.0.0.1', r));
  host = `127.0.0.1:${(downstream.address() as AddressInfo).port}`;
});
after(async () => {
  downstream.close();
  await cs.close();
});

it('records fetch and http.request latency and status per host, and undoes it on close', async () => {
  const original = globalThis.fetch;
  init({ dsn: cs.dsn, dependencies: true, autoCapture: false, exitSignals: false });
  assert.notEqual(globalThis.fetch, original);
  await (await fetch(`http://${host}/ok`)).text();
  await (await fetch(new URL(`http://${host}/bad`))).text();
  await fetch('http://127.0.0.1:1/').catch(() => undefined);
  await new Promise<void>((r) => get(`http://${host}/ok`, (res) => res.resume().on('end', r)));
  await new Promise<void>((r) => {
    const req = request(`http://${host}/bad`, { method: 'POST' }, (res) => res.resume().on('end', r));
    req.end('x');
  });
  await new Promise<void>((r) => get('http://127.0.0.1:1/').on('error', () => r()));
  await flush(2000);
  const events = cs.requests.filter((r) => r.url.includes('/events')).flatMap((r) => JSON.parse(r.body) as KpiEvent[]);
  const deps = events.filter((e) => e.name === 'http.client.requests');
  const byKey: Record<string, number> = {};
  for (const e of deps) byKey[`${e.tags?.host} ${e.tags?.status}`] = (byKey[`${e.tags?.host} ${e.tags?.status}`] ?? 0) + (e.count ?? 0);
  assert.deepEqual(byKey, { [`${host} 200`]: 2, [`${host} 503`]: 2, '127.0.0.1:1 error': 2 });
  assert.ok(deps.every((e) => (e.value ?? 0) >= 0));
  assert.ok(!deps.some((e) => e.tags?.host === `127.0.0.1:${cs.port}`), "the SDK's own requests are not counted");
  await close(1000);
  assert.equal(globalThis.fetch, original);
});
