import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { type AddressInfo, createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import { after, describe, it } from 'node:test';
import type { NormalizedEvent } from '@heed/protocol';
import { createLogger } from '../kernel/index.js';
import { createMemoryStore } from '../store/index.js';
import { createCheckRunner } from './check-runner.js';
import type { CheckSignal, CheckSpec } from './types.js';
import { validateCheck } from './validate.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function waitFor(what: string, cond: () => boolean, ms = 8000): Promise<void> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}
const spec = (b: Record<string, unknown>): CheckSpec => {
  const v = validateCheck(b);
  if (!v.ok) throw new Error(v.message);
  return v.value;
};

function harness() {
  const signals: CheckSignal[] = [];
  const events: Array<{ projectId: number; ev: NormalizedEvent }> = [];
  const writer = {
    append(projectId: number, evs: readonly NormalizedEvent[]) {
      for (const ev of evs) events.push({ projectId, ev });
      return { accepted: evs.length, folded: 0, rejected: [], committed: Promise.resolve() };
    },
  };
  const store = createMemoryStore();
  const runner = createCheckRunner({
    store,
    writer,
    clock: Date.now,
    log: createLogger('silent'),
    emit: (s) => signals.push(s),
    maxConcurrent: 10,
  });
  return { signals, events, runner, store };
}
const brief = (s: CheckSignal[]) => s.map((x) => `${x.key.replace(/^check:\d+/, 'check')}:${x.firing ? 'on' : 'off'}`);

describe('check runner against real servers', () => {
  const servers: Array<Server | TcpServer> = [];
  after(() => {
    for (const s of servers) {
      if ('closeAllConnections' in s) s.closeAllConnections();
      s.close();
    }
  });

  it('an HTTP dependency that turns slow, fails, hangs and recovers raises exactly slow, down, up, fast', async () => {
    let mode: 'ok' | 'slow' | 'fail' | 'hang' = 'ok';
    const server = createServer((_req, res) => {
      if (mode === 'hang') return;
      if (mode === 'fail') return void res.writeHead(500).end('boom');
      const answer = () => res.writeHead(200, { 'content-type': 'text/plain' }).end('status: healthy');
      if (mode === 'slow') setTimeout(answer, 250);
      else answer();
    });
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/health`;
    const h = harness();
    h.runner.start();
    const c = await h.runner.add(
      1,
      spec({ name: 'payments', target: url, intervalSeconds: 1, timeoutMs: 400, slowMs: 150, expectBody: 'healthy' }),
    );
    await waitFor('first result', () => h.events.length >= 2);
    assert.equal(h.runner.get(1, c.id)?.status.state, 'up');
    assert.equal(h.signals.length, 0, 'a healthy dependency raises nothing');
    const latency = h.events.find((e) => e.ev.name === 'check.latency_ms');
    assert.equal(latency?.ev.type, 'gauge');
    assert.deepEqual(latency?.ev.tags, [['check', 'payments']]);

    mode = 'slow';
    await waitFor('slow', () => h.signals.length === 1);
    assert.deepEqual(brief(h.signals), ['check:slow:on']);
    assert.equal(h.runner.get(1, c.id)?.status.state, 'up', 'slow but still up');

    mode = 'fail';
    const failedAt = Date.now();
    await waitFor('down', () => h.signals.length === 2);
    const down = h.signals[1];
    assert.ok(down);
    assert.equal(down.severity, 'critical');
    assert.match(down.explanation, /status 500/);
    assert.ok(down.ts - failedAt < 1800, `confirmed within ${down.ts - failedAt} ms (1 s interval, quick re-probe)`);

    mode = 'hang';
    await sleep(1500);
    assert.equal(h.signals.length, 2, 'a hang while down raises nothing more');
    assert.match(h.runner.get(1, c.id)?.status.lastResult?.error ?? '', /timed out/);

    mode = 'ok';
    await waitFor('recovery', () => h.signals.length === 4);
    assert.deepEqual(brief(h.signals), ['check:slow:on', 'check:on', 'check:off', 'check:slow:off']);
    const d = h.runner.get(1, c.id);
    assert.equal(d?.status.state, 'up');
    assert.deepEqual(
      d?.transitions.map((t) => t.state),
      ['slow:on', 'down', 'up', 'slow:off'],
    );
    assert.ok((d?.results.length ?? 0) >= 8);
    assert.ok(h.events.some((e) => e.ev.name === 'check.up' && e.ev.value === 0));
    await h.runner.stop();
  });

  it('a TCP dependency that closes and reopens is down once and up once', async () => {
    const listen = (port: number) =>
      new Promise<TcpServer>((r) => {
        const s = createTcpServer((sock) => sock.end());
        servers.push(s);
        s.listen(port, '127.0.0.1', () => r(s));
      });
    let tcp = await listen(0);
    const port = (tcp.address() as AddressInfo).port;
    const h = harness();
    h.runner.start();
    await h.runner.add(1, spec({ name: 'db', kind: 'tcp', target: `127.0.0.1:${port}`, intervalSeconds: 1, timeoutMs: 300 }));
    await waitFor('first result', () => h.events.length >= 2);
    await new Promise<void>((r) => tcp.close(() => r()));
    await waitFor('down', () => h.signals.length === 1);
    assert.match((h.signals[0] as CheckSignal).explanation, /ECONNREFUSED/);
    tcp = await listen(port);
    await waitFor('up', () => h.signals.length === 2);
    assert.deepEqual(brief(h.signals), ['check:on', 'check:off']);
    await h.runner.stop();
  });

  it('never has more probes in flight than maxConcurrent', async () => {
    const store = createMemoryStore();
    let inFlight = 0;
    let most = 0;
    const runner = createCheckRunner({
      store,
      writer: { append: () => ({ accepted: 0, folded: 0, rejected: [], committed: Promise.resolve() }) },
      clock: Date.now,
      log: createLogger('silent'),
      emit: () => undefined,
      maxConcurrent: 3,
      probe: async () => {
        inFlight++;
        most = Math.max(most, inFlight);
        await sleep(50);
        inFlight--;
        return { ok: true, latencyMs: 50 };
      },
    });
    runner.start();
    for (let i = 0; i < 12; i++) await runner.add(1, spec({ name: `c${i}`, target: 'http://127.0.0.1:1/', intervalSeconds: 1 }));
    await sleep(400);
    assert.equal(most, 3);
    assert.ok(
      runner.list(1).every((c) => c.status.state === 'up'),
      'every queued check got its turn',
    );
    await runner.stop();
  });
});
