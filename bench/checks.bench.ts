/**
 * @module `npm run bench -- checks`: the cost of 1,000 HTTP checks at 10-second intervals inside a
 * Heed process (in-memory store, results written as series, detection watching them), against a
 * target server in a child process so its CPU is not counted. Flags: --checks N, --seconds S.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createTestHeed } from '../packages/server/src/test-support/index.js';

const arg = (name: string, def: number) => {
  const a = process.argv.find((x) => x.startsWith(`--${name}=`));
  return a ? Number(a.split('=')[1]) : def;
};
const N = arg('checks', 1000);
const SECONDS = arg('seconds', 40);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const target = spawn(
  process.execPath,
  ['-e', "require('http').createServer((q,s)=>s.end('ok')).listen(0,'127.0.0.1',function(){console.log(this.address().port)})"],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
const port = await new Promise<number>((r) => target.stdout.once('data', (d: Buffer) => r(Number(String(d).trim()))));

const h = await createTestHeed({ 'log.level': 'silent' });
h.built.startTimers();
const before = { mem: process.memoryUsage().rss };
for (let i = 0; i < N; i++) {
  const r = await h.request({
    method: 'POST',
    url: `/api/v1/projects/${h.project.id}/checks`,
    headers: { authorization: `Bearer ${h.admin}` },
    json: { name: `dep-${i}`, url: `http://127.0.0.1:${port}/health`, intervalSeconds: 10 },
  });
  if (r.statusCode !== 201) throw new Error(r.body);
}
// Let the first round spread out, then measure whole intervals.
await sleep(12_000);
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const lag: number[] = [];
const probeLag = setInterval(() => {
  const s = performance.now();
  setImmediate(() => lag.push(performance.now() - s));
}, 100);
await sleep(SECONDS * 1000);
clearInterval(probeLag);
const cpu = process.cpuUsage(cpu0);
const wall = (performance.now() - t0) / 1000;
const mem = process.memoryUsage();
const checks = h.built.services.checks.list(h.project.id);
const probes = checks.reduce((n, c) => n + (h.built.services.checks.get(h.project.id, c.id)?.results.length ?? 0), 0);
lag.sort((a, b) => a - b);
const result = {
  checks: N,
  intervalSeconds: 10,
  measuredSeconds: Math.round(wall),
  up: checks.filter((c) => c.status.state === 'up').length,
  probesKept: probes,
  cpuPercentOfOneCore: Math.round(((cpu.user + cpu.system) / 1e6 / wall) * 1000) / 10,
  rssMb: Math.round(mem.rss / 1e6),
  rssGrowthMb: Math.round((mem.rss - before.mem) / 1e6),
  heapUsedMb: Math.round(mem.heapUsed / 1e6),
  eventLoopLagP99Ms: Math.round((lag[Math.floor(lag.length * 0.99)] ?? 0) * 10) / 10,
  maxInFlight: h.built.services.checks.inFlight().max,
};
console.log(result);
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(new URL('./results/checks.json', import.meta.url), `${JSON.stringify(result, null, 2)}\n`);
await h.close();
target.kill();
