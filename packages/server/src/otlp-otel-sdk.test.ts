/**
 * The official OpenTelemetry JS metrics SDK (sdk-metrics 2.12.1, OTLP exporters 0.223.0) against
 * Heed on a loopback port with a SQLite store: a counter, a histogram and a gauge, exported over
 * OTLP/HTTP JSON and protobuf, cumulative (the default) twice, must arrive as KPIs counted once.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { OTLPMetricExporter as JsonExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as ProtoExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { AggregationTemporality, MeterProvider, PeriodicExportingMetricReader, type PushMetricExporter } from '@opentelemetry/sdk-metrics';
import { loadConfig } from './config/index.js';
import { createLogger } from './kernel/index.js';
import { startHeed } from './main.js';

it('a MeterProvider exporting over OTLP/HTTP JSON and protobuf feeds KPIs, cumulative exports counted once', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'heed-otlp-'));
  const { config } = loadConfig({
    env: {},
    flags: { 'store.kind': 'sqlite', 'store.dataDir': dir, 'server.port': 0, 'log.level': 'silent', 'auth.adminToken': 'admin_secret' },
  });
  const heed = await startHeed(config, { log: createLogger('silent') });
  try {
    const project = heed.created ?? (await heed.services.store.listProjects())[0];
    assert.ok(project);
    const opts = { url: `${heed.url}/v1/metrics`, headers: { authorization: `Bearer ${project.key}` } };
    const exporters: Array<[string, PushMetricExporter]> = [
      ['json', new JsonExporter(opts)],
      ['proto', new ProtoExporter({ ...opts, temporalityPreference: AggregationTemporality.CUMULATIVE })],
      ['delta', new ProtoExporter({ ...opts, temporalityPreference: AggregationTemporality.DELTA })],
    ];
    for (const [prefix, exporter] of exporters) {
      const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
      const provider = new MeterProvider({ readers: [reader] });
      const meter = provider.getMeter('shop.checkout', '1.0.0');
      const orders = meter.createCounter(`${prefix}.orders`);
      const latency = meter.createHistogram(`${prefix}.checkout.duration`, { unit: 'ms' });
      const queue = meter.createGauge(`${prefix}.queue.size`);
      orders.add(2, { country: 'DE' });
      orders.add(1, { country: 'FR' });
      latency.record(100, { route: '/checkout' });
      latency.record(300, { route: '/checkout' });
      queue.record(7, { queue: 'emails' });
      await provider.forceFlush(); // exports and waits for the answer
      orders.add(4, { country: 'DE' });
      latency.record(200, { route: '/checkout' });
      queue.record(3, { queue: 'emails' });
      await provider.forceFlush();
      await provider.forceFlush(); // nothing new: a cumulative repeat, or empty deltas
      await provider.shutdown();
    }
    const now = Math.floor(Date.now() / 1000);
    const query = async (kpi: string, extra = '') => {
      const res = await fetch(
        `${heed.url}/api/v1/projects/${project.id}/query?kpi=${kpi}&from=${now - 600}&to=${now + 60}&step=60${extra}`,
        {
          headers: { authorization: 'Bearer admin_secret' },
        },
      );
      const body = (await res.json()) as {
        type: string;
        lines: Array<{ segment: string; total: number; points: Array<[number, number | null]> }>;
      };
      assert.equal(res.status, 200, JSON.stringify(body));
      return body;
    };
    for (const [prefix] of exporters) {
      const byCountry = Object.fromEntries((await query(`${prefix}.orders`, '&split=country')).lines.map((l) => [l.segment, l.total]));
      assert.deepEqual(byCountry, { DE: 6, FR: 1 }, prefix);
      assert.equal((await query(`${prefix}.checkout.duration`)).lines[0]?.total, 3, `${prefix}: 3 checkouts timed`);
      assert.equal((await query(`${prefix}.checkout.duration`, '&agg=sum')).lines[0]?.total, 600, prefix);
      const gauge = await query(`${prefix}.queue.size`, '&agg=last');
      assert.equal(gauge.type, 'gauge');
      const readings = (gauge.lines[0]?.points ?? []).map((p) => p[1]).filter((v) => v !== null);
      assert.equal(readings[readings.length - 1], 3, `${prefix}: the last reading`);
    }
  } finally {
    await heed.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
