/**
 * @module `npm run bench -- ingest`: KPI ingest throughput, ack latency and memory of a real
 * `heed start` (SQLite in a temp folder), against a floor server in the same run.
 *
 * Phases: the floor (plain node:http + JSON.parse) and Heed are each driven at batches of 1, 100
 * and 1000 events by a separate load process (bench/ingest-load.ts) over keep-alive connections;
 * then Heed is driven paced at half its batch-1000 rate for the p99 ack latency while its RSS is
 * sampled to see that memory stays flat. Finally the store is read back to check that every
 * acknowledged event was committed. Writes bench/results/ingest.json.
 *
 * Flags: --seconds=N per phase (default 8), --paced-seconds=N (default 20), --connections=N
 * (default 4), --batches=1,100,1000, --skip-floor, --cpu-prof (writes a V8 CPU profile of the server to
 * bench/results/ingest-prof).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const { values: flags } = parseArgs({
  options: {
    seconds: { type: 'string', default: '8' },
    'paced-seconds': { type: 'string', default: '20' },
    connections: { type: 'string', default: '4' },
    'cpu-prof': { type: 'boolean', default: false },
    'skip-floor': { type: 'boolean', default: false },
    batches: { type: 'string', default: '1,100,1000' },
  },
});
const SECONDS = Number(flags.seconds);
const PACED_SECONDS = Number(flags['paced-seconds']);
const CONNECTIONS = Number(flags.connections);
const BATCHES = (flags.batches as string).split(',').map(Number);
const TARGET_EPS = 300_000;
const TARGET_RATIO = 0.6;
const TARGET_P99_MS = 50;

interface LoadResult {
  batch: number;
  seconds: number;
  requests: number;
  events: number;
  ackedEvents: number;
  errors: number;
  firstError?: string;
  eventsPerSec: number;
  requestsPerSec: number;
  mbPerSec: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** Reads VmRSS and VmHWM (MB) of a process. */
function memOf(pid: number): { rssMb: number; hwmMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
  return { rssMb: kb('VmRSS') / 1024, hwmMb: kb('VmHWM') / 1024 };
}

/** Samples a process's RSS every `ms` until stopped. */
function sampleRss(pid: number, ms: number) {
  const samples: Array<{ t: number; rssMb: number }> = [];
  const t0 = performance.now();
  const take = () => {
    try {
      samples.push({ t: (performance.now() - t0) / 1000, rssMb: memOf(pid).rssMb });
    } catch {
      // the process is gone
    }
  };
  take();
  const timer = setInterval(take, ms);
  return {
    samples,
    stop() {
      clearInterval(timer);
      take();
      return samples;
    },
  };
}

function firstLine(child: ChildProcess, what: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const rl = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    const timer = setTimeout(() => reject(new Error(`${what} did not start within 30 s`)), 30_000);
    rl.once('line', (line) => {
      clearTimeout(timer);
      rl.close();
      resolve(line);
    });
    child.once('exit', (code) => reject(new Error(`${what} exited with ${code} before it was ready`)));
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    const kill = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

async function runLoad(opts: {
  url: string;
  path: string;
  key?: string;
  batch: number;
  seconds: number;
  rate?: number;
}): Promise<LoadResult> {
  const args = [
    '--import',
    'tsx',
    join(here, 'ingest-load.ts'),
    `--url=${opts.url}`,
    `--path=${opts.path}`,
    `--batch=${opts.batch}`,
    `--seconds=${opts.seconds}`,
    `--connections=${CONNECTIONS}`,
    `--rate=${opts.rate ?? 0}`,
  ];
  if (opts.key) args.push(`--key=${opts.key}`);
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'], cwd: root });
  let out = '';
  child.stdout.on('data', (c: Buffer) => {
    out += c.toString();
  });
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  if (code !== 0) throw new Error(`load process exited with ${code}`);
  const r = JSON.parse(out.trim().split('\n').pop() as string) as LoadResult;
  if (r.errors > 0) console.log(`  ! ${r.errors} failed requests, first: ${r.firstError}`);
  return r;
}

interface PhaseResult extends LoadResult {
  peakRssMb: number;
}

async function drive(name: string, pid: number, url: string, path: string, key?: string): Promise<PhaseResult[]> {
  const out: PhaseResult[] = [];
  for (const batch of BATCHES) {
    const s = sampleRss(pid, 200);
    const r = await runLoad({ url, path, key, batch, seconds: SECONDS });
    const peak = Math.max(...s.stop().map((x) => x.rssMb));
    console.log(
      `  ${name.padEnd(5)} batch ${String(batch).padStart(4)}: ${fmt(r.eventsPerSec).padStart(9)} events/s  ` +
        `${fmt(r.requestsPerSec).padStart(6)} req/s  p50 ${r.p50Ms.toFixed(1)} ms  p99 ${r.p99Ms.toFixed(1)} ms  peak RSS ${peak.toFixed(0)} MB`,
    );
    out.push({ ...r, peakRssMb: peak });
  }
  return out;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

/** Least-squares slope of RSS over time, in MB per minute. */
function slopeMbPerMin(samples: ReadonlyArray<{ t: number; rssMb: number }>): number {
  const n = samples.length;
  if (n < 2) return 0;
  const mt = samples.reduce((a, s) => a + s.t, 0) / n;
  const mr = samples.reduce((a, s) => a + s.rssMb, 0) / n;
  let num = 0;
  let den = 0;
  for (const s of samples) {
    num += (s.t - mt) * (s.rssMb - mr);
    den += (s.t - mt) ** 2;
  }
  return den === 0 ? 0 : (num / den) * 60;
}

async function main(): Promise<void> {
  console.log(`ingest: ${SECONDS} s per phase, ${CONNECTIONS} keep-alive connections, batches ${BATCHES.join(', ')}`);

  // The floor first, alone on the machine.
  let floor: PhaseResult[] = [];
  if (!flags['skip-floor']) {
    const fl = spawn(process.execPath, ['--import', 'tsx', join(here, 'ingest-floor.ts')], {
      stdio: ['ignore', 'pipe', 'inherit'],
      cwd: root,
    });
    try {
      const { port } = JSON.parse(await firstLine(fl, 'floor server')) as { port: number };
      floor = await drive('floor', fl.pid as number, `http://127.0.0.1:${port}`, '/');
    } finally {
      await stopChild(fl);
    }
  }

  // Heed, as an operator starts it, with SQLite in a temp folder.
  const dataDir = mkdtempSync(join(tmpdir(), 'heed-bench-'));
  const profDir = join(here, 'results', 'ingest-prof');
  const nodeArgs = flags['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : [];
  const server = spawn(
    process.execPath,
    [...nodeArgs, join(root, 'packages/server/bin/heed.mjs'), 'start', '--data', dataDir, '--port', '0', '--json'],
    { stdio: ['ignore', 'pipe', 'inherit'], cwd: root, env: { ...process.env, HEED_LOG_LEVEL: 'warn' } },
  );
  const pid = server.pid as number;
  let heed: PhaseResult[] = [];
  let paced: (LoadResult & { rateTarget: number }) | undefined;
  let rss: Array<{ t: number; rssMb: number }> = [];
  let acked = 0;
  let hwmMb = 0;
  try {
    const facts = JSON.parse(await firstLine(server, 'heed')) as { url: string; project: { id: number; key: string } };
    const path = `/api/${facts.project.id}/events`;
    heed = await drive('heed', pid, facts.url, path, facts.project.key);
    const top = heed.find((r) => r.batch === 1000) ?? (heed[heed.length - 1] as PhaseResult);
    const rate = Math.max(top.batch, Math.round(top.eventsPerSec / 2));
    console.log(`  heed paced at ${fmt(rate)} events/s (half the batch-${top.batch} rate) for ${PACED_SECONDS} s, RSS sampled every 0.5 s`);
    const s = sampleRss(pid, 500);
    const r = await runLoad({ url: facts.url, path, key: facts.project.key, batch: top.batch, seconds: PACED_SECONDS, rate });
    rss = s.stop();
    paced = { ...r, rateTarget: rate };
    acked = [...heed, r].reduce((a, x) => a + x.ackedEvents, 0);
  } finally {
    try {
      hwmMb = memOf(pid).hwmMb;
    } catch {
      // the server is gone already
    }
    await stopChild(server);
  }

  // Every acknowledged event must be in the store.
  const db = new Database(join(dataDir, 'heed.db'), { readonly: true });
  const stored = db.prepare('SELECT COALESCE(SUM(n), 0) FROM raw_batches').pluck().get() as number;
  const counted = db.prepare('SELECT COALESCE(SUM(count), 0) FROM buckets_1').pluck().get() as number;
  const dbMb = (db.prepare('SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()').pluck().get() as number) / 1e6;
  db.close();
  rmSync(dataDir, { recursive: true, force: true });

  // Memory: skip the first quarter (warm-up), then compare the second quarter with the last.
  const settled = rss.slice(Math.floor(rss.length / 4));
  const half = Math.floor(settled.length / 2);
  const mean = (xs: ReadonlyArray<{ rssMb: number }>) => xs.reduce((a, x) => a + x.rssMb, 0) / Math.max(1, xs.length);
  const early = mean(settled.slice(0, half));
  const late = mean(settled.slice(half));
  const slope = slopeMbPerMin(settled);
  const peakAll = Math.max(0, ...heed.map((r) => r.peakRssMb), ...rss.map((x) => x.rssMb));

  const rows = heed.map((h) => {
    const batch = h.batch;
    const f = floor.find((r) => r.batch === batch);
    return { batch, heed: h, floor: f, ratio: f ? h.eventsPerSec / f.eventsPerSec : undefined };
  });
  console.log('');
  console.log('| batch | heed events/s | floor events/s | ratio | heed p50 ms | heed p99 ms | floor p99 ms | heed peak RSS MB |');
  console.log('|------:|--------------:|---------------:|------:|------------:|------------:|-------------:|-----------------:|');
  for (const r of rows) {
    console.log(
      `| ${r.batch} | ${fmt(r.heed.eventsPerSec)} | ${r.floor ? fmt(r.floor.eventsPerSec) : '-'} | ${r.ratio?.toFixed(2) ?? '-'} | ` +
        `${r.heed.p50Ms.toFixed(1)} | ${r.heed.p99Ms.toFixed(1)} | ${r.floor ? r.floor.p99Ms.toFixed(1) : '-'} | ${r.heed.peakRssMb.toFixed(0)} |`,
    );
  }
  const b1000 = rows.find((r) => r.batch === 1000);
  const checks = {
    eventsPerSec: (b1000?.heed.eventsPerSec ?? 0) >= TARGET_EPS,
    ratio: b1000?.ratio === undefined ? undefined : b1000.ratio >= TARGET_RATIO,
    p99AtHalfLoad: paced !== undefined && paced.p99Ms <= TARGET_P99_MS && paced.errors === 0,
    // Growth only: RSS that settles lower after warm-up is flat enough.
    memoryFlat: late - early < 32 && slope < 30,
    everyAckStored: stored === acked && counted === acked,
  };
  console.log('');
  if (paced) {
    console.log(
      `paced ${fmt(paced.eventsPerSec)} events/s (target ${fmt(paced.rateTarget)}): p50 ${paced.p50Ms.toFixed(1)} ms, ` +
        `p99 ${paced.p99Ms.toFixed(1)} ms, max ${paced.maxMs.toFixed(1)} ms`,
    );
  }
  console.log(
    `memory under sustained load: RSS ${early.toFixed(0)} MB -> ${late.toFixed(0)} MB, slope ${slope.toFixed(1)} MB/min; peak ${peakAll.toFixed(0)} MB`,
  );
  console.log(
    `store: ${fmt(acked)} events acknowledged, ${fmt(stored)} in raw_batches, ${fmt(counted)} counted in buckets_1 (${dbMb.toFixed(0)} MB db)`,
  );
  console.log(
    `targets: >= ${fmt(TARGET_EPS)} events/s at batch 1000: ${pass(checks.eventsPerSec)}; ratio >= ${TARGET_RATIO}: ${pass(checks.ratio)}; ` +
      `p99 <= ${TARGET_P99_MS} ms at half load: ${pass(checks.p99AtHalfLoad)}; memory flat: ${pass(checks.memoryFlat)}; every ack stored: ${pass(checks.everyAckStored)}`,
  );

  mkdirSync(join(here, 'results'), { recursive: true });
  const file = join(here, 'results', 'ingest.json');
  writeFileSync(
    file,
    `${JSON.stringify(
      {
        at: new Date().toISOString(),
        node: process.version,
        secondsPerPhase: SECONDS,
        connections: CONNECTIONS,
        targets: { eventsPerSec: TARGET_EPS, ratio: TARGET_RATIO, p99Ms: TARGET_P99_MS },
        rows: rows.map((r) => ({ batch: r.batch, ratio: r.ratio, heed: r.heed, floor: r.floor })),
        paced,
        memory: { earlyMb: early, lateMb: late, slopeMbPerMin: slope, peakMb: peakAll, hwmMb, samples: rss },
        store: { acked, stored, counted, dbMb },
        checks,
      },
      null,
      2,
    )}\n`,
  );
  console.log(`wrote ${file}`);
  if (!checks.everyAckStored) process.exitCode = 1;
}

const pass = (ok: boolean | undefined) => (ok === undefined ? 'n/a' : ok ? 'PASS' : 'FAIL');

await main();
