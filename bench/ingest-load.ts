/**
 * @module The ingest benchmark's load process: drives one server over keep-alive connections and
 * prints one JSON line of figures. Run by ingest.bench.ts as a child so the load does not share
 * the server's event loop.
 *
 * Closed loop (default): `connections` requests in flight, each sent as soon as the previous one
 * on its connection is answered. Paced (`rate` > 0): requests leave on a fixed schedule and
 * latency counts from the scheduled time, so a stalled server cannot hide its queueing delay.
 */
import http from 'node:http';
import { parseArgs } from 'node:util';

const { values: a } = parseArgs({
  options: {
    url: { type: 'string' },
    path: { type: 'string' },
    key: { type: 'string', default: '' },
    batch: { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '8' },
    warmup: { type: 'string', default: '1' },
    connections: { type: 'string', default: '4' },
    rate: { type: 'string', default: '0' },
  },
});
const url = new URL(a.path ?? '/', a.url);
const batch = Number(a.batch);
const seconds = Number(a.seconds);
const warmup = Number(a.warmup);
const connections = Number(a.connections);
const rate = Number(a.rate);

const KPIS: ReadonlyArray<{ name: string; value?: () => number; gauge?: boolean }> = [
  { name: 'signup' },
  { name: 'login' },
  { name: 'checkout.started' },
  { name: 'checkout.completed', value: () => Math.round(Math.random() * 20000) / 100 },
  { name: 'payment', value: () => Math.round(Math.random() * 50000) / 100 },
  { name: 'users.logged_in', value: () => 800 + Math.floor(Math.random() * 400), gauge: true },
];
const BROWSERS = ['Chrome', 'Safari', 'Firefox', 'Edge'];
const COUNTRIES = ['DE', 'FR', 'US', 'GB', 'NL', 'ES'];
const PLANS = ['free', 'pro', 'team'];
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(Math.random() * xs.length)] as T;

/** One batch of events that happened within the last second. */
function makeBody(n: number): Buffer {
  const now = Date.now();
  const events = [];
  for (let i = 0; i < n; i++) {
    const k = pick(KPIS);
    const ev: Record<string, unknown> = { name: k.name, ts: now - Math.floor(Math.random() * 1000) };
    if (k.value) ev.value = k.value();
    if (k.gauge) ev.type = 'gauge';
    else ev.tags = { browser: pick(BROWSERS), country: pick(COUNTRIES), plan: pick(PLANS) };
    events.push(ev);
  }
  return Buffer.from(JSON.stringify(events));
}

// A small pool, refreshed twice a second, keeps timestamps current without making the load
// process spend a core on JSON.stringify.
const POOL = 8;
let pool: Buffer[] = [];
const refresh = () => {
  pool = Array.from({ length: POOL }, () => makeBody(batch));
};
refresh();
const refresher = setInterval(refresh, 500);

const agent = new http.Agent({ keepAlive: true, maxSockets: rate > 0 ? 64 : connections });
const headers: Record<string, string> = { 'content-type': 'application/json' };
if (a.key) headers.authorization = `Bearer ${a.key}`;

let measuring = false;
const lat: number[] = [];
let requests = 0;
let events = 0;
let ackedEvents = 0;
let errors = 0;
let firstError: string | undefined;
let bytes = 0;
let inFlight = 0;
let nextBody = 0;

function send(scheduledAt: number, done: () => void): void {
  const body = pool[nextBody++ % POOL] as Buffer;
  const counted = measuring;
  inFlight++;
  const req = http.request(url, { method: 'POST', agent, headers: { ...headers, 'content-length': String(body.length) } }, (res) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => {
      inFlight--;
      const ms = performance.now() - scheduledAt;
      if (res.statusCode === 200) {
        // Every acknowledged event, warm-up included, so the store can be checked against it.
        const text = Buffer.concat(chunks).toString();
        ackedEvents += (JSON.parse(text) as { accepted: number }).accepted;
      }
      if (counted && measuring) {
        if (res.statusCode === 200) {
          lat.push(ms);
          requests++;
          events += batch;
          bytes += body.length;
        } else {
          errors++;
          firstError ??= `${res.statusCode} ${Buffer.concat(chunks).toString().slice(0, 300)}`;
        }
      }
      done();
    });
  });
  req.on('error', (err) => {
    inFlight--;
    errors++;
    firstError ??= String(err);
    done();
  });
  req.end(body);
}

const quantile = (sorted: number[], q: number) =>
  sorted.length === 0 ? 0 : (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number);

async function main(): Promise<void> {
  let started = 0;
  const t0 = performance.now();
  setTimeout(() => {
    measuring = true;
    started = performance.now();
  }, warmup * 1000);
  const end = t0 + (warmup + seconds) * 1000;
  if (rate > 0) {
    // Paced: one request every `interval` ms, on schedule, whatever is still in flight.
    const interval = (1000 * batch) / rate;
    let next = performance.now();
    await new Promise<void>((resolve) => {
      const tick = () => {
        const now = performance.now();
        if (now >= end) return resolve();
        while (next <= now) {
          send(next, () => {});
          next += interval;
        }
        setTimeout(tick, Math.max(0, Math.min(5, next - performance.now())));
      };
      tick();
    });
  } else {
    await Promise.all(
      Array.from(
        { length: connections },
        () =>
          new Promise<void>((resolve) => {
            const loop = () => {
              if (performance.now() >= end) return resolve();
              send(performance.now(), loop);
            };
            loop();
          }),
      ),
    );
  }
  const elapsed = (performance.now() - started) / 1000;
  measuring = false;
  // Let stragglers land before the socket pool closes.
  const deadline = Date.now() + 5000;
  while (inFlight > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  clearInterval(refresher);
  agent.destroy();
  lat.sort((x, y) => x - y);
  const out = {
    batch,
    connections,
    rate,
    seconds: elapsed,
    requests,
    events,
    ackedEvents,
    errors,
    firstError,
    eventsPerSec: events / elapsed,
    requestsPerSec: requests / elapsed,
    mbPerSec: bytes / elapsed / 1e6,
    p50Ms: quantile(lat, 0.5),
    p99Ms: quantile(lat, 0.99),
    maxMs: lat.length ? (lat[lat.length - 1] as number) : 0,
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

await main();
