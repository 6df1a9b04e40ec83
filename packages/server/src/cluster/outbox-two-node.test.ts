/**
 * Two `heed start` processes on one ClickHouse: the leader (A) opens an incident whose webhook
 * receiver is failing, so the notification sits in the outbox mid-retry, and A is killed with
 * SIGKILL. The receiver recovers; the survivor (B) takes the lead, loads A's pending item from the
 * store and delivers it within seconds with the same idempotency key (one distinct key, delivered
 * once). B also continues A's incident: when the watched service recovers, B resolves that
 * incident (no second one) and notifies the resolution.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  adminApi as api,
  type ChildHeed,
  clickHouseAvailable,
  loggedLines as logged,
  startChildHeed,
  startTestClickHouse,
  type TestClickHouse,
  waitUntil as until,
} from '../test-support/index.js';

const dir = mkdtempSync(join(tmpdir(), 'heed-outbox-two-node-'));
let ch: TestClickHouse | undefined;
const children: ChildHeed[] = [];
const servers: Server[] = [];
before(async () => {
  if (clickHouseAvailable()) ch = await startTestClickHouse();
});
after(async () => {
  for (const c of children) if (c.proc.exitCode === null && c.proc.signalCode === null) c.proc.kill('SIGKILL');
  for (const s of servers) s.close();
  await ch?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const listen = async (s: Server) => {
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  return (s.address() as { port: number }).port;
};

/** One request the webhook receiver got. */
interface Hit {
  key: string;
  event: string;
  incidentId: number;
  at: number;
  status: number;
}

describe('two nodes: the outbox of a dead leader', () => {
  it('the new leader delivers the dead leader’s pending notification (same key) and continues its incident', {
    timeout: 150_000,
  }, async (t) => {
    if (!ch) throw new Error('clickhouse-server is not installed: apt-get install clickhouse-server clickhouse-client');
    const database = await ch.createDatabase('outbox');
    const env = {
      HEED_STORE_KIND: 'clickhouse',
      HEED_STORE_CLICKHOUSE_URL: ch.url,
      HEED_STORE_CLICKHOUSE_DATABASE: database,
      HEED_LOG_LEVEL: 'info',
      HEED_ALERT_RESOLVE_AFTER_SECONDS: '2',
    };
    // The watched service, healthy until the outage; the webhook receiver, failing until told.
    let healthy = true;
    const targetPort = await listen(
      createServer((_req, res) => {
        res.statusCode = healthy ? 200 : 500;
        res.end(healthy ? 'ok' : 'down');
      }),
    );
    let receiving = false;
    const hits: Hit[] = [];
    const hookPort = await listen(
      createServer((req, res) => {
        let body = '';
        req.on('data', (d: Buffer) => (body += d.toString()));
        req.on('end', () => {
          const m = JSON.parse(body) as { event: string; incident: { id: number } };
          const status = receiving ? 200 : 503;
          hits.push({
            key: String(req.headers['x-heed-idempotency-key']),
            event: m.event,
            incidentId: m.incident.id,
            at: Date.now(),
            status,
          });
          res.writeHead(status).end();
        });
      }),
    );

    const a = await startChildHeed(join(dir, 'a'), env);
    children.push(a);
    const pid = a.project.id;
    await api(a, `/api/v1/projects/${pid}/channels`, {
      method: 'POST',
      body: JSON.stringify({ name: 'ops', kind: 'webhook', url: `http://127.0.0.1:${hookPort}/hook` }),
    });
    // Created before b starts, so both nodes probe it (each node runs the checks it loaded).
    await api(a, `/api/v1/projects/${pid}/checks`, {
      method: 'POST',
      body: JSON.stringify({
        name: 'shop',
        kind: 'http',
        target: `http://127.0.0.1:${targetPort}/`,
        intervalSeconds: 1,
        failureThreshold: 1,
      }),
    });
    const b = await startChildHeed(join(dir, 'b'), env);
    children.push(b);
    await until(
      'both nodes to see each other',
      () => logged(b, 'cluster membership changed').some((l) => (l.nodes as string[]).length === 2),
      10_000,
    );
    await until('a to deliver the outbox', () => logged(a, 'this node delivers the outbox').length > 0, 10_000);
    assert.equal(logged(b, 'this node delivers the outbox').length, 0, 'a follower does not deliver');

    // The outage: A (the leader) opens an incident and fails to notify, twice (the item is mid-retry).
    healthy = false;
    await until('two failed attempts', () => hits.filter((h) => h.event === 'incident.triggered').length >= 2, 20_000);
    const triggered = hits.filter((h) => h.event === 'incident.triggered');
    const key = triggered[0]?.key ?? '';
    const incidentId = triggered[0]?.incidentId;
    assert.match(key, /^heed-\d+-triggered-\d+$/);
    a.proc.kill('SIGKILL');
    const killedAt = Date.now();
    assert.equal((await a.exited).signal, 'SIGKILL');
    receiving = true;

    await until('b to deliver the notification', () => hits.some((h) => h.status === 200 && h.event === 'incident.triggered'), 20_000);
    const delivered = hits.find((h) => h.status === 200 && h.event === 'incident.triggered') as Hit;
    const afterKill = delivered.at - killedAt;
    assert.ok(logged(b, 'this node delivers the outbox').length > 0, 'b took over the outbox');
    assert.ok(afterKill < 10_000, `delivered ${afterKill} ms after the kill`);

    // The watched service recovers: B resolves A's incident and notifies the resolution.
    healthy = true;
    type Inc = { id: number; status: string };
    const incidents = async () => (await api<{ incidents: Inc[] }>(b, `/api/v1/projects/${pid}/incidents`)).incidents;
    await until('the incident to resolve', async () => (await incidents()).some((i) => i.status === 'resolved'), 30_000);
    await until('the resolution to be notified', () => hits.some((h) => h.status === 200 && h.event === 'incident.resolved'), 20_000);
    await sleep(3000); // nothing else arrives: no second delivery, no second incident
    const all = await incidents();
    assert.deepEqual(
      all.map((i) => [i.id, i.status]),
      [[incidentId, 'resolved']],
      'one incident, opened by A and resolved by B',
    );
    const ok = hits.filter((h) => h.status === 200);
    const triggeredKeys = new Set(hits.filter((h) => h.event === 'incident.triggered').map((h) => h.key));
    assert.deepEqual([...triggeredKeys], [key], 'every attempt of the page carries the key A stored');
    assert.deepEqual(
      ok.map((h) => [h.event, h.incidentId]),
      [
        ['incident.triggered', incidentId],
        ['incident.resolved', incidentId],
      ],
      'each notification delivered once',
    );
    t.diagnostic(
      `outbox hand-over: ${triggered.length} failed attempts at A; delivered by B ${afterKill} ms after kill -9 with the same key; incident #${incidentId} resolved by B`,
    );
    b.proc.kill('SIGTERM');
    assert.equal((await b.exited).code, 0, b.stderr().slice(-2000));
  });
});
