import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { createMemoryStore } from '../store/index.js';
import { createTestHeed, readFixture, type TestHeed } from '../test-support/index.js';

// The recorded exports (fixtures README): two processes of one app, in 2026-11.
interface OtlpRecord {
  name: string;
  headers: Record<string, string>;
  bodyEncoding: 'utf8' | 'base64';
  body: string;
  compressedOnTheWire?: string;
}
const RECORDS = readFixture('otel-metrics.jsonl')
  .toString('utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l) as OtlpRecord);
const FIRST_START = 1795667739094; // ms: the earliest startTimeUnixNano of the recording
const AFTER = 1795667760000;
const require = createRequire(import.meta.url);
const v1 = require('@opentelemetry/otlp-transformer/build/src/generated/root.js').opentelemetry.proto.collector.metrics.v1;

/** A Heed whose clock reads `t.now` (started before the recorded apps, unless told otherwise). */
async function heed(startedAt = FIRST_START - 60_000, flags: Record<string, unknown> = {}, store = createMemoryStore()) {
  const t = { now: startedAt };
  const h = await createTestHeed(flags, { now: () => t.now, store });
  t.now = AFTER;
  return h;
}

function replay(h: TestHeed, rec: OtlpRecord, url = `/v1/metrics`) {
  let payload = Buffer.from(rec.body, rec.bodyEncoding);
  const headers: Record<string, string> = {
    'content-type': rec.headers['content-type'] as string,
    authorization: `Bearer ${h.project.key}`,
  };
  if (rec.compressedOnTheWire === 'gzip') {
    payload = gzipSync(payload);
    headers['content-encoding'] = 'gzip';
  }
  return h.request({ method: 'POST', url, headers, payload });
}

function post(h: TestHeed, body: unknown, type = 'application/json', key = h.project.key) {
  const payload = Buffer.isBuffer(body) || typeof body === 'string' ? body : JSON.stringify(body);
  return h.request({ method: 'POST', url: '/v1/metrics', headers: { 'content-type': type, authorization: `Bearer ${key}` }, payload });
}

async function query(h: TestHeed, kpi: string, extra = '') {
  const r = await h.get(
    `/api/v1/projects/${h.project.id}/query?kpi=${encodeURIComponent(kpi)}&from=1795667700&to=1795667820&step=60${extra}`,
  );
  assert.equal(r.statusCode, 200, r.body);
  return r.json() as { type: string; lines: Array<{ segment?: string; total: number }> };
}
const total = async (h: TestHeed, kpi: string, extra = '') => (await query(h, kpi, extra)).lines[0]?.total;
const bySegment = async (h: TestHeed, kpi: string, split: string) =>
  Object.fromEntries((await query(h, kpi, `&split=${split}`)).lines.map((l) => [l.segment, l.total]));

/** A one-metric cumulative JSON request in the spec's form (int64 as strings). */
function counterAt(value: number, startMs: number, timeMs: number, name = 'orders') {
  return {
    resourceMetrics: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'shop-api' } }] },
        scopeMetrics: [
          {
            metrics: [
              {
                name,
                sum: {
                  aggregationTemporality: 2,
                  isMonotonic: true,
                  dataPoints: [{ startTimeUnixNano: `${startMs}000000`, timeUnixNano: `${timeMs}000000`, asInt: String(value) }],
                },
              },
            ],
          },
        ],
      },
    ],
  };
}

describe('OTLP/HTTP metrics', () => {
  it('replays every recorded export (JSON, protobuf, gzip; cumulative and delta) into the right KPIs', async () => {
    const h = await heed();
    for (const rec of RECORDS) {
      const r = await replay(h, rec);
      assert.equal(r.statusCode, 200, `${rec.name}: ${r.body}`);
      if (rec.headers['content-type'] === 'application/x-protobuf') {
        assert.equal(r.headers['content-type'], 'application/x-protobuf');
        assert.equal(r.rawPayload.length, 0, 'an empty ExportMetricsServiceResponse');
      } else assert.deepEqual(r.json(), {}, rec.name);
    }
    // Each pair json-/proto- was sent by two exporters of one process at the same moment. The
    // cumulative pair counts its 7 checkouts once (same series, same total); delta points cannot be
    // told apart from new ones, so the delta pair counts its 4 twice; the gzip export (another
    // process) adds 3.
    assert.equal(await total(h, 'checkouts'), 7 + 4 + 4 + 3);
    assert.deepEqual(await bySegment(h, 'checkouts', 'country'), { DE: 4 + 2 + 2 + 2, FR: 2 + 1 + 1 + 1, US: 1 + 1 + 1 });
    assert.deepEqual(await bySegment(h, 'checkouts', 'service.name'), { 'shop-api': 18 });
    const latency = 'http.server.request.duration';
    assert.equal(await total(h, latency), 7 + 4 + 4 + 3);
    assert.equal(await total(h, latency, '&agg=sum'), 1557 + 1267 + 1267 + 290);
    assert.deepEqual(await bySegment(h, latency, 'status_code'), { '200': 18 });
    const carts = await query(h, 'active_carts');
    assert.equal(carts.type, 'gauge');
    assert.equal(await total(h, 'active_carts', '&agg=max'), 3);
    assert.deepEqual(await bySegment(h, 'queue_depth', 'queue'), { emails: 5, webhooks: 10 });
    await h.close();
  });

  it('counts a repeated cumulative export once, a later one by its increase, and a reset from zero', async () => {
    const h = await heed();
    const start = AFTER - 5_000;
    for (const [value, time] of [
      [5, AFTER - 2000],
      [5, AFTER - 2000],
      [9, AFTER - 1000],
      [2, AFTER], // below 9: the app restarted the counter
    ] as const) {
      assert.deepEqual((await post(h, counterAt(value, start, time))).json(), {});
    }
    assert.equal(await total(h, 'orders'), 5 + 4 + 2);
    await h.close();
  });

  it('a store failure answers 503 (retried by the exporter) and the retry still counts the increase', async () => {
    const store = createMemoryStore();
    const commit = store.commit.bind(store);
    let failNext = false;
    store.commit = async (...args: Parameters<typeof commit>) => {
      if (failNext) {
        failNext = false;
        throw new Error('disk full');
      }
      return commit(...args);
    };
    const h = await heed(undefined, {}, store);
    const start = AFTER - 5_000;
    assert.equal((await post(h, counterAt(5, start, AFTER - 2000))).statusCode, 200);
    failNext = true;
    const failed = await post(h, counterAt(8, start, AFTER - 1000));
    assert.equal(failed.statusCode, 503, failed.body);
    assert.equal(failed.headers['retry-after'], '5');
    assert.equal((await post(h, counterAt(8, start, AFTER - 1000))).statusCode, 200);
    assert.equal(await total(h, 'orders'), 8);
    await h.close();
  });

  it('after a Heed restart, a series that started earlier is a baseline, then counted by increase', async () => {
    const h = await heed(AFTER - 1000);
    const start = AFTER - 30_000; // before this Heed started: an earlier Heed may have counted it
    assert.equal((await post(h, counterAt(100, start, AFTER - 500))).statusCode, 200);
    assert.equal((await post(h, counterAt(103, start, AFTER))).statusCode, 200);
    assert.equal(await total(h, 'orders'), 3);
    // The recorded cumulative export, replayed late: counters are baselines, gauges arrive.
    assert.equal((await replay(h, RECORDS[0] as OtlpRecord)).statusCode, 200);
    const none = await h.get(`/api/v1/projects/${h.project.id}/query?kpi=checkouts&from=1795667700&to=1795667820`);
    assert.equal(none.json().error?.code, 'kpi.not_found', none.body);
    assert.equal(await total(h, 'queue_depth', '&agg=max'), 15);
    await h.close();
  });

  it('takes /api/:projectId/v1/metrics with ?key=, snake_case JSON, odd names, and reports refused points', async () => {
    const h = await heed();
    const ts = `${AFTER}000000`;
    const body = {
      resource_metrics: [
        {
          scope_metrics: [
            {
              metrics: [
                {
                  name: 'cart value €',
                  gauge: {
                    data_points: [{ time_unix_nano: ts, as_double: 12.5, attributes: [{ key: 'tier list', value: { arrayValue: {} } }] }],
                  },
                },
                {
                  name: 'latency',
                  exponential_histogram: { aggregation_temporality: 1, data_points: [{ time_unix_nano: ts, count: '3' }] },
                },
                {
                  name: 'queue',
                  sum: { aggregation_temporality: 1, is_monotonic: false, data_points: [{ time_unix_nano: ts, as_int: 1 }] },
                },
                { name: 'x'.repeat(200), gauge: { data_points: [{ time_unix_nano: ts, as_double: 1 }] } },
              ],
            },
          ],
        },
      ],
    };
    const r = await h.request({
      method: 'POST',
      url: `/api/${h.project.id}/v1/metrics?key=${h.project.key}`,
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify(body),
    });
    assert.equal(r.statusCode, 200, r.body);
    const partial = r.json().partialSuccess;
    assert.equal(partial.rejectedDataPoints, '3');
    assert.match(partial.errorMessage, /exponentialHistogram/);
    assert.match(partial.errorMessage, /up-down counters must use cumulative/);
    assert.match(partial.errorMessage, /event.invalid_name/);
    assert.equal(await total(h, 'cart_value__', '&agg=last'), 12.5);
    // The protobuf answer carries the same partialSuccess, encoded.
    const pb = v1.ExportMetricsServiceRequest.encode(v1.ExportMetricsServiceRequest.fromObject(camel(body))).finish();
    const rp = await post(h, Buffer.from(pb), 'application/x-protobuf');
    assert.equal(rp.statusCode, 200, rp.body);
    const decoded = v1.ExportMetricsServiceResponse.toObject(v1.ExportMetricsServiceResponse.decode(rp.rawPayload), { longs: String });
    assert.equal(decoded.partialSuccess.rejectedDataPoints, '3');
    await h.close();
  });

  it('refuses bad requests with stable 4xx codes, never 500', async () => {
    const h = await heed(undefined, { 'ingest.rateLimitPerSecond': 2 });
    const code = (r: { statusCode: number; json(): { error: { code: string } } }) => [r.statusCode, r.json().error.code];
    assert.deepEqual(code(await post(h, '{"resourceMetrics": [')), [400, 'request.invalid_json']);
    assert.deepEqual(code(await post(h, '[1]')), [400, 'request.invalid_body']);
    assert.deepEqual(code(await post(h, { resourceMetrics: 'all of them' })), [400, 'request.invalid_body']);
    assert.deepEqual(code(await post(h, 'definitely not protobuf', 'application/x-protobuf')), [400, 'otlp.invalid_protobuf']);
    assert.deepEqual(code(await post(h, readFixture('otel-metrics-cumulative.pb'), 'application/json')), [400, 'request.invalid_json']);
    assert.deepEqual(code(await post(h, {}, 'application/xml')), [415, 'request.unsupported_media_type']);
    assert.deepEqual(code(await post(h, {}, 'application/json', 'wrong')), [401, 'auth.invalid']);
    assert.deepEqual(code(await post(h, {}, 'application/json', h.admin)), [403, 'auth.forbidden']);
    const anon = await h.request({ method: 'POST', url: '/v1/metrics', headers: { 'content-type': 'application/json' }, payload: '{}' });
    assert.deepEqual(code(anon), [401, 'auth.missing']);
    const gz = await h.request({
      method: 'POST',
      url: '/v1/metrics',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip', authorization: `Bearer ${h.project.key}` },
      payload: 'not gzip',
    });
    assert.deepEqual(code(gz), [400, 'request.bad_encoding']);
    // An empty export is fine; then over the rate (2 events/s): 429 with Retry-After, which the exporter retries.
    assert.deepEqual((await post(h, {})).json(), {});
    assert.equal((await replay(h, RECORDS[2] as OtlpRecord)).statusCode, 200);
    const limited = await replay(h, RECORDS[2] as OtlpRecord);
    assert.deepEqual(code(limited), [429, 'ingest.rate_limited']);
    assert.ok(Number(limited.headers['retry-after']) >= 1);
    await h.close();
  });

  it('decodes the recorded protobuf body to the same points as the recorded JSON', async () => {
    const json = JSON.parse(
      readFileSync(new URL('../../../../../shared/fixtures/clients/otel-metrics-cumulative.json', import.meta.url), 'utf8'),
    );
    const h = await heed();
    assert.equal((await post(h, readFixture('otel-metrics-cumulative.pb'), 'application/x-protobuf')).statusCode, 200);
    assert.equal(await total(h, 'checkouts'), 7);
    // Same series, same totals, a later moment: nothing more to count.
    assert.equal((await post(h, json)).statusCode, 200);
    assert.equal(await total(h, 'checkouts'), 7);
    assert.equal(await total(h, 'http.server.request.duration', '&agg=mean'), 1557 / 7);
    await h.close();
  });
});

function camel(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(camel);
  if (typeof v !== 'object' || v === null) return v;
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()), camel(x)]));
}
