/**
 * @module HTTP phases of `npm run bench -- ingest --store clickhouse`: real `heed start` child
 * processes (SQLite; ClickHouse with one node; ClickHouse with two nodes on one database) driven by
 * this process over keep-alive connections, closed loop, the connections split evenly over the
 * nodes. Also measures where the CPU time goes (each Heed process, clickhouse-server, the load).
 */
import { readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import type { ChildHeed } from '../packages/server/src/test-support/index.js';

/** Figures of one phase. */
export interface HttpPhase {
  label: string;
  nodes: number;
  eventsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  firstError?: string;
  /** CPU seconds per million acknowledged events, by process. */
  cpuPerMillion: { heed: number; clickhouse: number; load: number };
  /** Share of the machine's cores busy during the phase (1 = all of them). */
  busy: number;
}

const TICKS = 100; // USER_HZ on Linux

/** CPU seconds (user + system) a process has used so far; 0 when it is gone. */
export function cpuOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / TICKS;
  } catch {
    return 0;
  }
}

/** The pid of the clickhouse-server whose command line names `dir`, if any. */
export function clickHousePid(dir: string): number | undefined {
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try {
      const cmd = readFileSync(`/proc/${p}/cmdline`, 'utf8');
      if (cmd.includes('clickhouse') && cmd.includes(dir)) return Number(p);
    } catch {
      // gone
    }
  }
  return undefined;
}

const KPIS = ['signup', 'login', 'checkout.started', 'checkout.completed', 'payment'];
const BROWSERS = ['Chrome', 'Safari', 'Firefox', 'Edge'];
const COUNTRIES = ['DE', 'FR', 'US', 'GB', 'NL', 'ES'];
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(Math.random() * xs.length)] as T;

function body(n: number): Buffer {
  const now = Date.now();
  const events = Array.from({ length: n }, () => ({
    name: pick(KPIS),
    ts: now - Math.floor(Math.random() * 1000),
    value: Math.round(Math.random() * 10000) / 100,
    tags: { browser: pick(BROWSERS), country: pick(COUNTRIES) },
  }));
  return Buffer.from(JSON.stringify(events));
}

/** Drives `nodes` for `seconds` (after a 1 s warm-up) with `connections` requests in flight in all. */
export async function httpPhase(
  label: string,
  nodes: readonly ChildHeed[],
  opts: { seconds: number; connections: number; batch: number; clickhousePid?: number },
): Promise<HttpPhase> {
  let pool = Array.from({ length: 8 }, () => body(opts.batch));
  const refresher = setInterval(() => {
    pool = Array.from({ length: 8 }, () => body(opts.batch));
  }, 500);
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.connections });
  const lat: number[] = [];
  let acked = 0;
  let errors = 0;
  let firstError: string | undefined;
  let measuring = false;
  let n = 0;
  const post = (node: ChildHeed) =>
    new Promise<void>((resolve) => {
      const b = pool[n++ % pool.length] as Buffer;
      const started = performance.now();
      const counted = measuring;
      const req = http.request(
        new URL(`/api/${node.project.id}/events`, node.url),
        {
          method: 'POST',
          agent,
          headers: { 'content-type': 'application/json', authorization: `Bearer ${node.project.key}`, 'content-length': b.length },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            if (counted && measuring) {
              if (res.statusCode === 200) {
                acked += (JSON.parse(Buffer.concat(chunks).toString()) as { accepted: number }).accepted;
                lat.push(performance.now() - started);
              } else {
                errors++;
                firstError ??= `${res.statusCode} ${Buffer.concat(chunks).toString().slice(0, 200)}`;
              }
            }
            resolve();
          });
        },
      );
      req.on('error', (err) => {
        errors++;
        firstError ??= String(err);
        resolve();
      });
      req.end(b);
    });
  const end = Date.now() + (1 + opts.seconds) * 1000;
  const pids = nodes.map((x) => x.proc.pid as number);
  let cpu0: number[] = [];
  let t0 = 0;
  setTimeout(() => {
    measuring = true;
    t0 = performance.now();
    cpu0 = [
      ...pids.map(cpuOf),
      opts.clickhousePid ? cpuOf(opts.clickhousePid) : 0,
      process.cpuUsage().user / 1e6 + process.cpuUsage().system / 1e6,
    ];
  }, 1000);
  await Promise.all(
    Array.from({ length: opts.connections }, async (_, i) => {
      const node = nodes[i % nodes.length] as ChildHeed;
      while (Date.now() < end) await post(node);
    }),
  );
  const elapsed = (performance.now() - t0) / 1000;
  const u = process.cpuUsage();
  const cpu1 = [...pids.map(cpuOf), opts.clickhousePid ? cpuOf(opts.clickhousePid) : 0, u.user / 1e6 + u.system / 1e6];
  measuring = false;
  clearInterval(refresher);
  agent.destroy();
  const used = cpu1.map((c, i) => c - (cpu0[i] ?? 0));
  const heedS = used.slice(0, pids.length).reduce((a, b) => a + b, 0);
  const chS = used[pids.length] ?? 0;
  const loadS = used[pids.length + 1] ?? 0;
  const perM = (s: number) => +((s / Math.max(1, acked)) * 1e6).toFixed(2);
  lat.sort((a, b) => a - b);
  const q = (p: number) => +(lat[Math.min(lat.length - 1, Math.floor(p * lat.length))] ?? 0).toFixed(1);
  const cores = (await import('node:os')).cpus().length;
  return {
    label,
    nodes: nodes.length,
    eventsPerSec: Math.round(acked / elapsed),
    p50Ms: q(0.5),
    p99Ms: q(0.99),
    errors,
    ...(firstError && { firstError }),
    cpuPerMillion: { heed: perM(heedS), clickhouse: perM(chS), load: perM(loadS) },
    busy: +((heedS + chS + loadS) / elapsed / cores).toFixed(2),
  };
}
