/** The StatsD parser and mapping against every recorded hot-shots datagram, and the edge cases around them. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { isRejection, type KpiEvent, validateEvent } from '@heed/protocol';
import { GaugeMemory, type Mapped, parseLine, splitLines, toKpiEvent } from './index.js';

const FIXTURE = new URL('../../../../../shared/fixtures/clients/statsd.jsonl', import.meta.url);
const records = readFileSync(FIXTURE, 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => JSON.parse(l) as { mode: string; bytes: number; datagram: string });

const NOW = 1795667754_000 + 60_000;
const LIMITS = { maxTagsPerEvent: 16, maxTagValueLength: 200, maxFutureSeconds: 300 };

type Tags = Record<string, string>;
const count = (name: string, n: number, value: number, tags: Tags = {}): Mapped => ({ ok: true, event: { name, tags, count: n, value } });
const gauge = (name: string, value: number, tags: Tags = {}, ts?: number): Mapped => ({
  ok: true,
  event: { name, tags, ...(ts !== undefined && { ts }), type: 'gauge', value },
});
const set = (name: string, tags: Tags = {}): Mapped => ({ ok: true, event: { name, tags, count: 1 } });
const ignored = (reason: string): Mapped => ({ ok: false, outcome: 'ignored', reason });

const DS = { env: 'production', service: 'shop-api' };
const E = { env: 'production' };
const timers = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => count('shop.request_latency', 1, from + i, { ...E, route: '/cart' }));
const telemetry = ignored('client_telemetry');

/** What each record of statsd.jsonl must become, in file order. */
const EXPECTED: Mapped[][] = [
  // plain
  [count('shop.checkouts', 1, 1)],
  [count('shop.checkouts', 2, 2)],
  [count('shop.active_carts', 0, -1)],
  [gauge('shop.queue_depth', 7)],
  [gauge('shop.queue_depth', 5)],
  [count('shop.request_latency', 1, 123.4)],
  [count('shop.payload_bytes', 1, 512)],
  [set('shop.unique_users')],
  [count('shop.sampled_hits', 2, 2)],
  [count('shop.sampled_hits', 2, 2)],
  [count('shop.sampled_hits', 2, 2)],
  // dogstatsd
  [count('shop.checkouts', 1, 1, { ...DS, country: 'DE' })],
  [count('shop.checkouts', 2, 2, { ...DS, country: 'FR' })],
  [count('shop.active_carts', 0, -1, { ...DS, shop: 'eu' })],
  [gauge('shop.queue_depth', 7, { ...DS, queue: 'emails' })],
  [gauge('shop.queue_depth', 5, { ...DS, queue: 'emails' })],
  [count('shop.request_latency', 1, 123.4, { ...DS, route: '/checkout', method: 'POST' })],
  [count('shop.payload_bytes', 1, 512, { ...DS, route: '/checkout' })],
  [set('shop.unique_users', { ...DS, plan: 'pro' })],
  [count('shop.sampled_hits', 2, 2, { ...DS, country: 'US' })],
  [count('shop.sampled_hits', 2, 2, { ...DS, country: 'US' })],
  [count('shop.order_value', 1, 42.5, { ...DS, currency: 'EUR' })],
  [ignored('event')],
  [gauge('shop.db.reachable', 1, { ...DS, db: 'primary' })],
  // batched (maxBufferSize 1400)
  [
    count('shop.checkouts', 1, 1, { ...E, country: 'DE' }),
    count('shop.checkouts', 2, 2, { ...E, country: 'FR' }),
    count('shop.active_carts', 0, -1, { ...E, shop: 'eu' }),
    gauge('shop.queue_depth', 7, { ...E, queue: 'emails' }),
    gauge('shop.queue_depth', 5, { ...E, queue: 'emails' }),
    count('shop.request_latency', 1, 123.4, { ...E, route: '/checkout', method: 'POST' }),
    count('shop.payload_bytes', 1, 512, { ...E, route: '/checkout' }),
    set('shop.unique_users', { ...E, plan: 'pro' }),
    ...Array.from({ length: 4 }, () => count('shop.sampled_hits', 2, 2, { ...E, country: 'US' })),
  ],
  timers(10, 34),
  timers(35, 49),
  // telegraf
  [count('shop.checkouts', 1, 1, { ...E, country: 'DE' })],
  [count('shop.checkouts', 2, 2, { ...E, country: 'FR' })],
  [count('shop.active_carts', 0, -1, { ...E, shop: 'eu' })],
  [gauge('shop.queue_depth', 7, { ...E, queue: 'emails' })],
  [gauge('shop.queue_depth', 5, { ...E, queue: 'emails' })],
  [count('shop.request_latency', 1, 123.4, { ...E, route: '/checkout', method: 'POST' })],
  [count('shop.payload_bytes', 1, 512, { ...E, route: '/checkout' })],
  [set('shop.unique_users', { ...E, plan: 'pro' })],
  [count('shop.sampled_hits', 2, 2, { ...E, country: 'US' })],
  [count('shop.sampled_hits', 2, 2, { ...E, country: 'US' })],
  [count('shop.sampled_hits', 2, 2, { ...E, country: 'US' })],
  // datadog
  [count('shop.checkouts', 1, 1, { ...E, country: 'DE' })],
  [gauge('shop.queue_depth', 5, { ...E, queue: 'emails' }, 1795667754)],
  [telemetry, telemetry, telemetry, telemetry, telemetry],
  // aggregated
  [count('shop.request_latency', 1, 20, E)],
  [count('shop.checkouts', 5, 5, { ...E, country: 'DE' })],
  [gauge('shop.queue_depth', 9, E)],
  [set('shop.unique_users', E)],
  [set('shop.unique_users', E)],
];

const mapAll = (datagram: string, gauges: GaugeMemory) => splitLines(datagram).map((l) => toKpiEvent(parseLine(l), gauges));

describe('StatsD datagrams recorded from hot-shots 17.1.1', () => {
  it('every datagram becomes the expected KPI events, and every one passes validateEvent', () => {
    assert.equal(records.length, EXPECTED.length);
    assert.deepEqual([...new Set(records.map((r) => r.mode))], ['plain', 'dogstatsd', 'batched', 'telegraf', 'datadog', 'aggregated']);
    let mode = '';
    let gauges = new GaugeMemory();
    records.forEach((r, i) => {
      if (r.mode !== mode) [mode, gauges] = [r.mode, new GaugeMemory()]; // each mode was a fresh client
      assert.equal(Buffer.byteLength(r.datagram), r.bytes);
      const got = mapAll(r.datagram, gauges);
      assert.deepEqual(got, EXPECTED[i], `record ${i} (${r.mode}): ${r.datagram.slice(0, 80)}`);
      for (const m of got) {
        if (!m.ok) continue;
        const v = validateEvent(m.event, NOW, LIMITS);
        assert.ok(!isRejection(v), `record ${i}: ${JSON.stringify(v)}`);
      }
    });
  });

  it('batched datagrams stay under maxBufferSize and their timers sum to the mean', () => {
    const batched = records.filter((r) => r.mode === 'batched');
    assert.ok(batched.every((r) => r.bytes <= 1400));
    const evs = batched
      .flatMap((r) => mapAll(r.datagram, new GaugeMemory()))
      .filter((m) => m.ok && m.event.name === 'shop.request_latency');
    const events = evs.map((m) => (m as { event: KpiEvent }).event).filter((e) => e.tags?.route === '/cart');
    assert.equal(events.length, 40);
    assert.equal(events.reduce((a, e) => a + (e.value ?? 0), 0) / events.length, 29.5); // samples 10..49
  });
});

describe('StatsD lines beyond the recordings', () => {
  const one = (line: string, gauges = new GaugeMemory()) => toKpiEvent(parseLine(line), gauges);
  const dropped = (reason: string): Mapped => ({ ok: false, outcome: 'dropped', reason });

  it('drops unreadable lines with a reason instead of throwing', () => {
    const cases: Array<[string, string]> = [
      ['no colon at all', 'statsd.invalid_line'],
      [':1|c', 'statsd.invalid_line'],
      ['name:1', 'statsd.invalid_line'],
      ['name:1|x', 'statsd.unknown_type'],
      ['name:abc|c', 'statsd.invalid_value'],
      ['name:1e999|g', 'statsd.invalid_value'],
      ['name:|ms', 'statsd.invalid_value'],
      ['name:|s', 'statsd.invalid_value'],
      ['name:1|c|@0', 'statsd.invalid_rate'],
      ['name:1|c|@2', 'statsd.invalid_rate'],
      ['name:1|c|@', 'statsd.invalid_rate'],
      ['name:1|g|T12x', 'statsd.invalid_timestamp'],
      ['_sc|db|7', 'statsd.invalid_service_check'],
      ['_sc||0', 'statsd.invalid_service_check'],
      [`${'n'.repeat(129)}:1|c`, 'statsd.invalid_name'],
    ];
    for (const [line, reason] of cases) assert.deepEqual(one(line), dropped(reason), line);
    // Control characters are outside the alphabet: they become '_' like any other.
    assert.deepEqual(one('\u0000\u0001:1|c'), count('__', 1, 1));
  });

  it('maps names and tag keys into the KPI alphabet, skips unknown fields, reads bare and telegraf tags', () => {
    assert.deepEqual(one('shop.page views/home:1|c|#k 1:v 1,canary'), count('shop.page_views/home', 1, 1, { k_1: 'v 1', canary: 'true' }));
    assert.deepEqual(one('shop.x:2|c|@0.25|#a:b:c|e:ext|zz:unknown|c:ci-1'), count('shop.x', 8, 8, { a: 'b:c' }));
    assert.deepEqual(one('shop.x,url=http://h:80/p,flag:3|c|#k:v'), count('shop.x', 3, 3, { url: 'http://h:80/p', flag: 'true', k: 'v' }));
    assert.deepEqual(one('shop.lat:10|ms|@0.1'), count('shop.lat', 10, 100));
    assert.deepEqual(one('shop.x:0.3|c'), count('shop.x', 0, 0.3));
    assert.deepEqual(splitLines('a:1|c\r\n\nb:2|c\n'), ['a:1|c', 'b:2|c']);
    assert.deepEqual(parseLine('_sc|db|2|d:1795667754|h:db-1|#a:b|m:down | since 3s'), {
      kind: 'service_check',
      name: 'db',
      status: 2,
      ts: 1795667754,
      tags: { a: 'b' },
    });
  });

  it('reads signed gauges as relative to the last value of the same series, from 0 when none is known', () => {
    const g = new GaugeMemory();
    assert.deepEqual(one('q:+3|g', g), gauge('q', 3));
    assert.deepEqual(one('q:+3|g|#k:v', g), gauge('q', 3, { k: 'v' }), 'another series');
    assert.deepEqual(one('q:10|g', g), gauge('q', 10));
    assert.deepEqual(one('q:-12.5|g', g), gauge('q', -2.5));
    assert.deepEqual(one('q:4|g|@0.5', g), gauge('q', 4), 'gauges ignore the sample rate');
    // The same tags in another order are the same series.
    assert.deepEqual(one('r:1|g|#a:1,b:2', g), gauge('r', 1, { a: '1', b: '2' }));
    assert.deepEqual(one('r:+1|g|#b:2,a:1', g), gauge('r', 2, { b: '2', a: '1' }));
  });

  it('keeps a bounded number of gauge series, forgetting the least recently set', () => {
    const g = new GaugeMemory(3);
    for (const k of ['a', 'b', 'c']) g.apply(k, 10, false);
    g.apply('a', 1, true); // a is now the most recent
    g.apply('d', 5, false); // evicts b
    assert.equal(g.size(), 3);
    assert.equal(g.apply('b', 1, true), 1, 'b was forgotten: relative from 0');
    assert.equal(g.apply('a', 1, true), 12, 'a was kept');
  });
});
