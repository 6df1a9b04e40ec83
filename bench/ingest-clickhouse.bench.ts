/**
 * @module `npm run bench -- ingest --store clickhouse` (or `-- ingest-clickhouse`), against a private
 * clickhouse-server on this machine, SQLite in the same run:
 * 1. HTTP: events/s through real `heed start` child processes (SQLite; ClickHouse, one node;
 *    ClickHouse, two nodes on one database), load from this process, with the CPU time of each
 *    process per million events (see ingest-http-cluster.ts);
 * 2. the writer alone (group commit, as ingest uses it): SQLite, one and two ClickHouse store +
 *    writer pairs, without HTTP;
 * 3. the latency of a 7-day KPI chart at 1-minute resolution with 1 million events per day.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NormalizedEvent } from '@heed/protocol';
import { createClickHouseStore } from '../packages/server/src/store/clickhouse/clickhouse-store.js';
import { createSeriesRegistry, createWriter, type Storage } from '../packages/server/src/store/index.js';
import { createSqliteStore } from '../packages/server/src/store/sqlite/sqlite-store.js';
import { clickHouseAvailable, startTestClickHouse } from '../packages/server/src/test-support/clickhouse-server.js';
import { type ChildHeed, startChildHeed } from '../packages/server/src/test-support/index.js';
import { clickHousePid, type HttpPhase, httpPhase } from './ingest-http-cluster.js';

const here = dirname(fileURLToPath(import.meta.url));
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const BATCH = 500;
const IN_FLIGHT = 16;
const DAYS = 7;
const PER_DAY = 1_000_000;
/** Requests in flight in all (BENCH_HTTP_CONNECTIONS): many clients, as a shared server sees them. */
const HTTP_CONNECTIONS = Number(process.env.BENCH_HTTP_CONNECTIONS ?? 32);
const HTTP_BATCH = 1000;

/** One HTTP phase over `n` fresh `heed start` processes with `env`; the processes are stopped after. */
async function overHttp(label: string, dir: string, n: number, env: Record<string, string>, chPid?: number): Promise<HttpPhase> {
  const nodes: ChildHeed[] = [];
  try {
    for (let i = 0; i < n; i++) nodes.push(await startChildHeed(join(dir, `${label}-${i}`), env));
    // Let the nodes see each other (heartbeats) before the load starts.
    if (n > 1) await new Promise((r) => setTimeout(r, 2500));
    const r = await httpPhase(label, nodes, { seconds: SECONDS, connections: HTTP_CONNECTIONS, batch: HTTP_BATCH, clickhousePid: chPid });
    console.log(
      `  ${label}: ${r.eventsPerSec} ev/s, p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms, errors ${r.errors}; CPU s per 1M events: heed ${r.cpuPerMillion.heed}, clickhouse ${r.cpuPerMillion.clickhouse}, load ${r.cpuPerMillion.load}; cores busy ${Math.round(r.busy * 100)}%`,
    );
    return r;
  } finally {
    for (const node of nodes) {
      node.proc.kill('SIGTERM');
      await node.exited;
    }
  }
}

function events(n: number, base: number): NormalizedEvent[] {
  const out: NormalizedEvent[] = [];
  for (let i = 0; i < n; i++) {
    const b = `b${i % 20}`;
    out.push({ name: 'checkout', ts: base + i, type: 'count', count: 1, value: 1, tags: [['browser', b]], tagKey: `browser=${b}` });
  }
  return out;
}

/** Drives `nodes` writers for SECONDS with IN_FLIGHT batches outstanding each; returns events/s. */
async function ingest(stores: Storage[]): Promise<number> {
  let acked = 0;
  const end = Date.now() + SECONDS * 1000;
  // Each node has its own registry; nodes get disjoint series id ranges through distinct projects.
  const loops = stores.map(async (store, node) => {
    const writer = createWriter(store, createSeriesRegistry(await store.loadSeries(), 1000));
    const lane = async () => {
      while (Date.now() < end) {
        const r = writer.append(node + 1, events(BATCH, Date.now()), Date.now());
        await r.committed;
        acked += r.accepted;
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, lane));
  });
  const started = Date.now();
  await Promise.all(loops);
  return acked / ((Date.now() - started) / 1000);
}

/** Loads 7 days at 1M events/day as per-second deltas of one series, then times a 1-minute chart. */
async function chart(store: Storage): Promise<{ loadS: number; p50Ms: number; p95Ms: number; points: number }> {
  const t0 = Math.floor(Date.UTC(2026, 0, 1) / 1000);
  const perSec = PER_DAY / 86400;
  await store.commit({
    series: [{ id: 999_999, projectId: 9, kpi: 'chart', type: 'count', tagKey: '', tags: {}, other: false, createdAt: 1 }],
    raw: [],
    buckets: [],
  });
  const loadStart = Date.now();
  for (let day = 0; day < DAYS; day++) {
    for (let h = 0; h < 24; h++) {
      const buckets = [];
      for (let s = 0; s < 3600; s++) {
        const ts = t0 + day * 86400 + h * 3600 + s;
        const c = Math.floor(perSec) + (s % 7 < 4 ? 1 : 0);
        buckets.push({ seriesId: 999_999, ts, count: c, sum: c, min: 1, max: 1, last: 1, lastTs: ts * 1000 });
      }
      await store.commit({ series: [], raw: [], buckets });
    }
  }
  const loadS = (Date.now() - loadStart) / 1000;
  const times: number[] = [];
  let points = 0;
  for (let i = 0; i < 15; i++) {
    const s = performance.now();
    const rows = await store.readBuckets({ seriesIds: [999_999], resolution: 60, from: t0, to: t0 + DAYS * 86400, step: 60 });
    times.push(performance.now() - s);
    points = rows.length;
  }
  times.sort((a, b) => a - b);
  return { loadS, p50Ms: times[7] as number, p95Ms: times[14] as number, points };
}

async function main() {
  if (!clickHouseAvailable()) {
    console.log('clickhouse-server is not installed: skipped (apt-get install clickhouse-server clickhouse-client).');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'heed-bench-ch-'));
  const ch = await startTestClickHouse();
  try {
    console.log(`ingest over HTTP (${HTTP_BATCH}-event batches, ${HTTP_CONNECTIONS} connections in all, ${SECONDS} s each):`);
    const chEnv = async (name: string) => ({
      HEED_STORE_KIND: 'clickhouse',
      HEED_STORE_CLICKHOUSE_URL: ch.url,
      HEED_STORE_CLICKHOUSE_DATABASE: await ch.createDatabase(name),
    });
    const chPid = clickHousePid(ch.dir);
    const httpSqlite = await overHttp('sqlite', dir, 1, { HEED_STORE_KIND: 'sqlite' });
    const httpOne = await overHttp('clickhouse-1-node', dir, 1, await chEnv('http1'), chPid);
    const httpTwo = await overHttp('clickhouse-2-nodes', dir, 2, await chEnv('http2'), chPid);
    const http = {
      batch: HTTP_BATCH,
      connections: HTTP_CONNECTIONS,
      phases: [httpSqlite, httpOne, httpTwo],
      ratios: {
        clickhouse1VsSqlite: +(httpOne.eventsPerSec / httpSqlite.eventsPerSec).toFixed(2),
        clickhouse2VsSqlite: +(httpTwo.eventsPerSec / httpSqlite.eventsPerSec).toFixed(2),
        clickhouse2Vs1: +(httpTwo.eventsPerSec / httpOne.eventsPerSec).toFixed(2),
      },
    };
    console.log(
      `  ratios: clickhouse 1 node x${http.ratios.clickhouse1VsSqlite} of sqlite, 2 nodes x${http.ratios.clickhouse2VsSqlite} (x${http.ratios.clickhouse2Vs1} of 1 node)`,
    );
    const sqlite = createSqliteStore({ dataDir: join(dir, 'sqlite'), sync: 'normal' });
    await sqlite.init();
    const database = await ch.createDatabase('bench');
    const conn = { url: ch.url, database, user: 'default', password: '' };
    const c1 = createClickHouseStore(conn);
    await c1.init();
    const c2 = createClickHouseStore({ ...conn, migrate: false });
    await c2.init();
    const sqliteEps = await ingest([sqlite]);
    const oneEps = await ingest([c1]);
    await ch.query(`TRUNCATE TABLE ${database}.raw_batches`);
    const twoEps = await ingest([c1, c2]);
    const sqliteChart = await chart(sqlite);
    const chChart = await chart(c1);
    const result = {
      http,
      seconds: SECONDS,
      batch: BATCH,
      inFlight: IN_FLIGHT,
      eventsPerSecond: { sqlite: Math.round(sqliteEps), clickhouse1: Math.round(oneEps), clickhouse2: Math.round(twoEps) },
      ratios: { clickhouse1VsSqlite: +(oneEps / sqliteEps).toFixed(2), clickhouse2VsSqlite: +(twoEps / sqliteEps).toFixed(2) },
      chart7d1m: { sqlite: sqliteChart, clickhouse: chChart },
    };
    console.log(`ingest through the writer alone (${BATCH}-event batches, ${IN_FLIGHT} in flight, ${SECONDS} s each):`);
    console.log(
      `  sqlite ${result.eventsPerSecond.sqlite} ev/s; clickhouse 1 node ${result.eventsPerSecond.clickhouse1} ev/s (x${result.ratios.clickhouse1VsSqlite}); 2 nodes ${result.eventsPerSecond.clickhouse2} ev/s (x${result.ratios.clickhouse2VsSqlite})`,
    );
    console.log(`7-day chart at 1 min, ${PER_DAY} events/day (${sqliteChart.points} points):`);
    console.log(
      `  sqlite p50 ${sqliteChart.p50Ms.toFixed(1)} ms p95 ${sqliteChart.p95Ms.toFixed(1)} ms (load ${sqliteChart.loadS.toFixed(1)} s)`,
    );
    console.log(`  clickhouse p50 ${chChart.p50Ms.toFixed(1)} ms p95 ${chChart.p95Ms.toFixed(1)} ms (load ${chChart.loadS.toFixed(1)} s)`);
    mkdirSync(join(here, 'results'), { recursive: true });
    writeFileSync(join(here, 'results', 'ingest-clickhouse.json'), `${JSON.stringify(result, null, 2)}\n`);
    await Promise.all([sqlite.close(), c1.close(), c2.close()]);
  } finally {
    await ch.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
