/** The durable outbox: a failing receiver is retried with backoff, across a restart, with one idempotency key. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import type { Incident } from '../alert/index.js';
import { createLogger, createMetricsRegistry } from '../kernel/index.js';
import { openStore, type Storage } from '../store/index.js';
import { sendToChannel } from './channels.js';
import { backoffMs, createOutbox } from './outbox.js';
import type { OutboxItem } from './types.js';

const dir = mkdtempSync(join(tmpdir(), 'heed-outbox-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const T0 = Date.UTC(2026, 10, 20, 12, 0, 0);

const incident = (id: number): Incident => ({
  id,
  projectId: 1,
  status: 'triggered',
  title: 'signup dropped',
  severity: 'critical',
  alerts: [],
  onsetAt: T0,
  detectedAt: T0,
  reopened: 0,
  escalated: false,
  timeline: [],
});

const until = async (cond: () => boolean, ms = 10_000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
};

it('backs off exponentially with jitter, capped at 5 minutes', () => {
  assert.equal(
    backoffMs(1, () => 0.5),
    1000,
  );
  assert.equal(
    backoffMs(4, () => 0.5),
    8000,
  );
  assert.equal(
    backoffMs(30, () => 0.5),
    300_000,
  );
  assert.equal(
    backoffMs(1, () => 0),
    800,
  );
});

it('retries a failing receiver across a restart and delivers exactly once', { timeout: 30_000 }, async () => {
  let healthy = false;
  const keys: string[] = [];
  const server = createServer((req, res) => {
    req.resume();
    keys.push(String(req.headers['x-heed-idempotency-key']));
    res.writeHead(healthy ? 200 : 503).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  after(() => server.close());
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;

  let now = T0;
  const outcomes: Array<[boolean, string]> = [];
  const metrics = createMetricsRegistry();
  const deliveries = metrics.counter('heed_notify_deliveries_total', 'x');
  const make = (store: Storage) =>
    createOutbox({
      store,
      clock: () => now,
      log: createLogger('silent'),
      publicUrl: () => 'http://heed.local',
      linkSecret: 's',
      maxAttempts: 5,
      timeoutMs: 2000,
      send: sendToChannel,
      deliveries,
      onOutcome: (_item, _ch, ok, text) => outcomes.push([ok, text]),
    });

  const store1 = await openStore({ kind: 'sqlite', dataDir: dir, sync: 'full' });
  const ch = await store1.insertDoc('channel', 1, { name: 'ops', config: { kind: 'webhook', url } }, T0);
  const box1 = make(store1);
  await box1.start();
  await box1.enqueue({ incident: incident(1), event: 'triggered', channels: [ch.id] });
  await until(() => keys.length === 1);
  await until(() => outcomes.length === 1);
  assert.equal(outcomes[0]?.[0], false);
  assert.match(outcomes[0]?.[1] ?? '', /HTTP 503.*retrying/);
  assert.equal(box1.pending(), 1);
  await box1.stop();
  await store1.close();

  // Heed restarts; the receiver has recovered; the retry is due.
  healthy = true;
  now += 5_000;
  const store2 = await openStore({ kind: 'sqlite', dataDir: dir, sync: 'full' });
  const box2 = make(store2);
  await box2.start();
  await until(() => outcomes.length === 2);
  assert.equal(outcomes[1]?.[0], true);
  assert.match(outcomes[1]?.[1] ?? '', /after 2 attempt/);
  assert.equal(keys.length, 2);
  assert.equal(keys[0], keys[1], 'the same idempotency key on every attempt');
  now += 600_000;
  await new Promise((r) => setTimeout(r, 400));
  assert.equal(keys.length, 2, 'delivered once, never again');
  const [doc] = await store2.listDocs<OutboxItem>('outbox');
  assert.equal(doc?.body.status, 'delivered');
  assert.equal(doc?.body.attempts, 2);
  assert.match(metrics.render(), /heed_notify_deliveries_total\{channel="webhook",outcome="retry"\} 1/);
  assert.match(metrics.render(), /heed_notify_deliveries_total\{channel="webhook",outcome="delivered"\} 1/);
  await box2.stop();
  await store2.close();
});

it('gives up after maxAttempts and says so', { timeout: 30_000 }, async () => {
  let now = T0;
  const outcomes: Array<[boolean, string]> = [];
  const store = await openStore({ kind: 'memory', dataDir: '', sync: 'normal' });
  const ch = await store.insertDoc('channel', 1, { name: 'dead', config: { kind: 'webhook', url: 'http://127.0.0.1:9/' } }, T0);
  const box = createOutbox({
    store,
    clock: () => now,
    log: createLogger('silent'),
    publicUrl: () => 'http://heed.local',
    linkSecret: 's',
    maxAttempts: 3,
    timeoutMs: 1000,
    send: sendToChannel,
    onOutcome: (_i, _c, ok, text) => outcomes.push([ok, text]),
  });
  await box.start();
  await box.enqueue({ incident: incident(2), event: 'triggered', channels: [ch.id] });
  for (let i = 0; i < 3; i++) {
    await until(() => outcomes.length >= 1 && box.pending() <= 1);
    now += 10_000;
    await new Promise((r) => setTimeout(r, 300));
  }
  await until(() => box.pending() === 0);
  assert.match(outcomes.at(-1)?.[1] ?? '', /Gave up notifying dead after 3 attempt/);
  assert.equal((await store.listDocs<OutboxItem>('outbox'))[0]?.body.status, 'failed');
  await box.stop();
});

it('in a cluster only the active node delivers: a new leader takes over pending items at once, and rescans', {
  timeout: 30_000,
}, async () => {
  let healthy = false;
  const keys: Array<[string, number]> = [];
  const server = createServer((req, res) => {
    req.resume();
    keys.push([String(req.headers['x-heed-idempotency-key']), healthy ? 200 : 503]);
    res.writeHead(healthy ? 200 : 503).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  after(() => server.close());
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  let now = T0;
  // Two nodes on one store; `leader` says which one leads.
  let leader: 'a' | 'b' = 'a';
  const store = await openStore({ kind: 'memory', dataDir: '', sync: 'normal' });
  const ch = await store.insertDoc('channel', 1, { name: 'ops', config: { kind: 'webhook', url } }, T0);
  const make = () =>
    createOutbox({
      store,
      clock: () => now,
      log: createLogger('silent'),
      publicUrl: () => 'http://heed.local',
      linkSecret: 's',
      maxAttempts: 12,
      timeoutMs: 2000,
      send: sendToChannel,
      onOutcome: () => {},
    });
  const a = make();
  const b = make();
  await a.start(() => leader === 'a');
  await a.enqueue({ incident: incident(3), event: 'triggered', channels: [ch.id] });
  await until(() => keys.length === 1);
  // A retries later (backoff); B, a follower, has nothing to deliver and stores what it enqueues.
  const stored = (await store.listDocs<OutboxItem>('outbox'))[0]?.body.message;
  assert.ok(stored);
  await b.enqueueMessage(1, [ch.id], { ...stored, idempotencyKey: 'report' });
  assert.equal(b.pending(), 0, 'a follower keeps no queue');
  // A stops leading (it died, or lost the store): B takes the lead and delivers A's item at once.
  leader = 'b';
  healthy = true;
  await a.pause();
  await b.start(() => leader === 'b');
  await until(() => keys.filter(([, s]) => s === 200).length === 2);
  const delivered = keys.filter(([, s]) => s === 200).map(([k]) => k);
  assert.equal(delivered.filter((k) => k === keys[0]?.[0]).length, 1, 'A’s item delivered once, with its key');
  assert.ok(delivered.includes(`report-${ch.id}`), 'the item B stored as a follower is delivered too');
  // A rescan finds nothing more; time passing sends nothing again.
  assert.equal(await b.rescan(), 0);
  now += 600_000;
  await new Promise((r) => setTimeout(r, 400));
  assert.equal(keys.filter(([, s]) => s === 200).length, 2, 'nothing delivered twice');
  assert.equal(a.pending(), 0);
  await a.stop();
  await b.stop();
});
