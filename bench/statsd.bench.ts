/**
 * @module `npm run bench -- statsd`: StatsD lines per second over UDP into one Heed (SQLite in a
 * temp folder), from a sender in a child process (so its CPU is not counted) that sends batched
 * datagrams (25 lines, ~1.2 KB, like hot-shots with maxBufferSize 1400) at rising rates. Prints,
 * per rate: lines sent, stored, lost (UDP drops when Heed falls behind) and Heed's CPU.
 * Flags: --seconds=S per step (default 3), --rates=20000,50000,... lines/s.
 */
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../packages/server/src/config/index.js';
import { createLogger } from '../packages/server/src/kernel/index.js';
import { startHeed } from '../packages/server/src/main.js';

const arg = (name: string, def: string) => process.argv.find((x) => x.startsWith(`--${name}=`))?.split('=')[1] ?? def;
const SECONDS = Number(arg('seconds', '3'));
const RATES = arg('rates', '20000,50000,100000,200000').split(',').map(Number);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const free = createSocket('udp4');
await new Promise<void>((r) => free.bind(0, '127.0.0.1', () => r()));
const port = free.address().port;
await new Promise<void>((r) => free.close(() => r()));

const dir = mkdtempSync(join(tmpdir(), 'heed-bench-statsd-'));
const { config } = loadConfig({
  env: {},
  flags: { 'server.port': 0, 'store.dataDir': dir, 'log.level': 'silent', 'auth.adminToken': 'bench', 'statsd.port': port },
});
const heed = await startHeed(config, { log: createLogger('silent') });
const accepted = async () => {
  const text = await (await fetch(`${heed.url}/metrics`)).text();
  return Number(/heed_statsd_lines_total\{outcome="accepted"\} (\d+)/.exec(text)?.[1] ?? 0);
};

// The sender: every 10 ms, rate/100 lines in datagrams of 25 (counters, timers, gauges over 10 countries).
const SENDER = `
const dgram = require('node:dgram');
const [port, rate, seconds] = process.argv.slice(1).map(Number);
const s = dgram.createSocket('udp4');
const countries = ['DE','FR','US','GB','ES','IT','NL','SE','PL','BR'];
let sent = 0, i = 0;
const perTick = Math.round(rate / 100);
const start = Date.now();
const tick = () => {
  const due = Math.round(((Date.now() - start) / 1000) * rate);
  while (sent < due) {
    const lines = [];
    for (let k = 0; k < 25 && sent < due; k++, sent++, i++) {
      const c = countries[i % 10];
      lines.push(i % 3 === 0 ? 'shop.checkouts:1|c|#env:production,country:' + c
        : i % 3 === 1 ? 'shop.request_latency:' + (i % 500) + '|ms|#env:production,route:/checkout'
        : 'shop.queue_depth:' + (i % 50) + '|g|#env:production,queue:q' + (i % 4));
    }
    s.send(lines.join('\\n'), port, '127.0.0.1');
  }
  if (Date.now() - start < seconds * 1000) setTimeout(tick, 10);
  else setTimeout(() => { console.log(sent); s.close(); }, 50);
};
tick();
`;

const results: Array<Record<string, number>> = [];
for (const rate of RATES) {
  const before = await accepted();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const child = spawn(process.execPath, ['-e', SENDER, String(port), String(rate), String(SECONDS)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const sent = await new Promise<number>((r) => child.stdout.once('data', (d: Buffer) => r(Number(String(d).trim()))));
  await sleep(500); // the last batch commits within ~100 ms
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const stored = (await accepted()) - before;
  const row = {
    rate,
    sent,
    stored,
    lostPct: Math.round((1 - stored / sent) * 10000) / 100,
    storedPerSecond: Math.round(stored / SECONDS),
    heedCpuPct: Math.round(((cpu.user + cpu.system) / 1e6 / wall) * 1000) / 10,
  };
  results.push(row);
  console.log(
    `${String(rate).padStart(7)} lines/s offered: sent ${sent}, stored ${stored} (lost ${row.lostPct}%), Heed CPU ${row.heedCpuPct}% of a core`,
  );
}
await heed.close();
rmSync(dir, { recursive: true, force: true });
const out = new URL('./results/', import.meta.url);
mkdirSync(out, { recursive: true });
writeFileSync(new URL('statsd.json', out), `${JSON.stringify({ seconds: SECONDS, datagramLines: 25, results }, null, 2)}\n`);
