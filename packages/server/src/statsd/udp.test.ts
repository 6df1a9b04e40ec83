/** A real UDP round trip: the hot-shots client sends to Heed (SQLite in a temp folder), the query API sees the KPIs. */
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import StatsD from 'hot-shots';
import { ConfigError, loadConfig } from '../config/index.js';
import { createLogger } from '../kernel/index.js';
import { type Heed, startHeed } from '../main.js';

const TOKEN = 'statsd_admin';

/** A UDP port free a moment ago (bound to 0 and released). */
async function freeUdpPort(): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', () => resolve()));
  const { port } = s.address();
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

function send(port: number, datagrams: Array<string | Buffer>): Promise<void> {
  const s = createSocket('udp4');
  return new Promise<void>((resolve, reject) => {
    let left = datagrams.length;
    for (const d of datagrams) {
      s.send(d, port, '127.0.0.1', (err) => {
        if (err) reject(err);
        else if (--left === 0) s.close(() => resolve());
      });
    }
  });
}

const closeClient = (c: InstanceType<typeof StatsD>) =>
  new Promise<void>((resolve, reject) => c.close((err?: Error) => (err ? reject(err) : resolve())));

describe('StatsD over UDP', () => {
  const dir = mkdtempSync(join(tmpdir(), 'heed-statsd-'));
  let heed: Heed;
  let udpPort: number;

  const query = async (kpi: string, extra = '') => {
    const res = await fetch(`${heed.url}/api/v1/projects/1/query?kpi=${encodeURIComponent(kpi)}&from=-5m${extra}`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    return { status: res.status, body: (await res.json()) as { lines: Array<{ segment: string | null; total: number | null }> } };
  };
  /** Polls a query until `ok` holds for its total (UDP has no ack; the batch commits within ~100 ms). */
  const until = async (kpi: string, extra: string, ok: (total: number | null) => boolean) => {
    const deadline = Date.now() + 5000;
    let last: unknown;
    while (Date.now() < deadline) {
      const r = await query(kpi, extra);
      if (r.status === 200) {
        last = r.body.lines.map((l) => ({ segment: l.segment, total: l.total }));
        const total = r.body.lines.length === 1 ? (r.body.lines[0]?.total ?? null) : null;
        if (ok(total)) return r.body;
      }
      await new Promise((res) => setTimeout(res, 50));
    }
    assert.fail(`${kpi}${extra} never matched; last lines: ${JSON.stringify(last)}`);
  };
  const metrics = async () => (await fetch(`${heed.url}/metrics`)).text();

  before(async () => {
    udpPort = await freeUdpPort();
    const { config } = loadConfig({
      env: {},
      flags: {
        'server.port': 0,
        'store.kind': 'sqlite',
        'store.dataDir': dir,
        'auth.adminToken': TOKEN,
        'log.level': 'silent',
        'statsd.port': udpPort,
      },
    });
    heed = await startHeed(config, { log: createLogger('silent') });
    assert.equal(heed.created?.id, 1);
  });
  after(async () => {
    await heed?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('takes counters, gauges, timers and distributions from hot-shots with maxBufferSize 1400', async () => {
    const client = new StatsD({
      host: '127.0.0.1',
      port: udpPort,
      mock: false,
      maxBufferSize: 1400,
      prefix: 'shop.',
      globalTags: { env: 'test' },
    });
    for (let i = 0; i < 3; i++) client.increment('checkouts', 1, { country: 'DE' });
    client.increment('checkouts', 2, { country: 'FR' });
    client.gauge('queue_depth', 7, { queue: 'emails' });
    client.gaugeDelta('queue_depth', -2, { queue: 'emails' });
    for (const ms of [100, 200, 300, 400]) client.timing('request_latency', ms, { route: '/checkout' });
    client.distribution('order_value', 42.5, { currency: 'EUR' });
    client.set('unique_users', 'u-1');
    await closeClient(client); // flushes the buffer: all of it goes in one or two datagrams

    await until('shop.checkouts', '', (t) => t === 5);
    const byCountry = (await query('shop.checkouts', '&split=country')).body.lines;
    assert.deepEqual(Object.fromEntries(byCountry.map((l) => [l.segment, l.total])), { DE: 3, FR: 2 });
    await until('shop.request_latency', '', (t) => t === 4);
    await until('shop.request_latency', '&agg=sum', (t) => t === 1000);
    await until('shop.request_latency', '&agg=mean', (t) => t === 250);
    await until('shop.order_value', '&agg=sum', (t) => t === 42.5);
    await until('shop.unique_users', '', (t) => t === 1);
    await until('shop.queue_depth', '&agg=max', (t) => t === 7);
    await until('shop.queue_depth', '&agg=min', (t) => t === 5); // -2 is relative to 7
    const text = await metrics();
    assert.match(text, /heed_statsd_lines_total\{outcome="accepted"\} 12\b/);
    assert.match(text, /heed_statsd_datagrams_total \d+/);
  });

  it('takes telegraf-style tags in the name', async () => {
    const client = new StatsD({ host: '127.0.0.1', port: udpPort, mock: false, telegraf: true, prefix: 'tg.' });
    client.increment('hits', 1, { route: '/a', method: 'GET' });
    client.increment('hits', 4, { route: '/b', method: 'GET' });
    client.timing('latency', 30, { route: '/a' });
    await closeClient(client);
    await until('tg.hits', '', (t) => t === 5);
    const lines = (await query('tg.hits', '&split=route')).body.lines;
    assert.deepEqual(Object.fromEntries(lines.map((l) => [l.segment, l.total])), { '/a': 1, '/b': 4 });
    await until('tg.latency', '&agg=sum&where=route:/a', (t) => t === 30);
  });

  it('counts garbage as drops by reason and keeps listening', async () => {
    const before = await metrics();
    const dropped = (text: string, reason: string) =>
      Number(new RegExp(`heed_ingest_dropped_total\\{reason="${reason.replace('.', '\\.')}"\\} (\\d+)`).exec(text)?.[1] ?? 0);
    await send(udpPort, [
      'garbage without a colon',
      'bad.value:abc|c\nbad.type:1|zz\nbad.rate:1|c|@7',
      Buffer.from([0xff, 0xfe, 0x00, 0x7c, 0x3a, 0x0a, 0x80]),
      `${'x'.repeat(200)}:1|c`,
      `tags.too.many:1|c|#${Array.from({ length: 40 }, (_, i) => `k${i}:v`).join(',')}`,
      '_e{5,4}:title|text\n_sc|db.ok|0|#db:main',
    ]);
    await send(udpPort, ['after.garbage:1|c|#env:test']);
    await until('after.garbage', '', (t) => t === 1);
    await until('db.ok', '&agg=last', (t) => t === 0);
    const text = await metrics();
    const grew = (reason: string) => dropped(text, reason) - dropped(before, reason);
    assert.equal(grew('statsd.invalid_line'), 3, 'no colon, and both lines of the binary datagram');
    assert.equal(grew('statsd.invalid_value'), 1);
    assert.equal(grew('statsd.unknown_type'), 1);
    assert.equal(grew('statsd.invalid_rate'), 1);
    assert.equal(grew('statsd.invalid_name'), 1);
    assert.equal(grew('event.too_many_tags'), 1);
    assert.match(text, /heed_statsd_lines_total\{outcome="ignored",reason="event"\} 1\b/);
  });

  it('refuses to start when statsd.projectId names no project, saying which key to fix', async () => {
    const { config } = loadConfig({
      env: {},
      flags: { 'server.port': 0, 'store.kind': 'memory', 'log.level': 'silent', 'statsd.port': udpPort, 'statsd.projectId': 42 },
    });
    await assert.rejects(
      startHeed(config, { log: createLogger('silent') }),
      (err: unknown) => err instanceof ConfigError && /'statsd.projectId' \(HEED_STATSD_PROJECT_ID\) is 42/.test(err.message),
    );
  });
});
