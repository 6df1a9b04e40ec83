/**
 * @module `npm run bench -- alert-latency`: time from the moment of an incident to the webhook's
 * arrival, over repeated trials, against a real Heed process (SQLite) and a webhook receiver.
 * Scenarios: a KPI at 20 events/s and at 1 event/s falling to zero, each trial on a fresh project
 * whose KPI has 3 days of backfilled history (so the detector is past its warm-up).
 * Flags: --trials N (default 4), --grace MS (detect.graceMs, default the server's 1000).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startChildHeed } from '../packages/server/src/test-support/index.js';

const arg = (name: string, def: number) => {
  const a = process.argv.find((x) => x.startsWith(`--${name}=`));
  return a ? Number(a.split('=')[1]) : def;
};
const TRIALS = arg('trials', 4);
const GRACE = arg('grace', -1);
const H = 15; // the detector's evidence threshold: alpha = e^-15
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function poisson(rate: number): number {
  if (rate > 50) return Math.max(0, Math.round(rate + Math.sqrt(rate) * gauss()));
  let n = 0;
  let p = Math.exp(-rate);
  let s = p;
  const u = Math.random();
  while (u > s) {
    n++;
    p *= rate / n;
    s += p;
  }
  return n;
}
function gauss(): number {
  return Math.sqrt(-2 * Math.log(Math.random() || 1e-12)) * Math.cos(2 * Math.PI * Math.random());
}

const dir = mkdtempSync(join(tmpdir(), 'heed-alert-bench-'));
const hooks: Array<{ at: number; body: { event: string; incident: { projectId: number; title: string } } }> = [];
const receiver = createServer((req, res) => {
  let body = '';
  req.on('data', (d) => (body += d));
  req.on('end', () => {
    hooks.push({ at: Date.now(), body: JSON.parse(body) });
    res.writeHead(200).end();
  });
});
await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
const hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/`;

const env: Record<string, string> = {
  HEED_ALERT_RESOLVE_AFTER_SECONDS: '1',
  HEED_ALERT_REOPEN_WINDOW_MINUTES: '0',
  HEED_ALERT_REPEAT_MINUTES: '0',
};
if (GRACE >= 0) env.HEED_DETECT_GRACE_MS = String(GRACE);
const heed = await startChildHeed(join(dir, 'data'), env);
const admin = { authorization: `Bearer ${heed.adminToken}`, 'content-type': 'application/json' };
const api = async (method: string, path: string, body?: unknown) => {
  const r = await fetch(`${heed.url}${path}`, { method, headers: admin, body: body === undefined ? undefined : JSON.stringify(body) });
  return (await r.json()) as Record<string, unknown>;
};

async function trial(rate: number, n: number): Promise<number | null> {
  const p = (await api('POST', '/api/v1/projects', { name: `bench r${rate} t${n}` })) as { id: number; key: string };
  await api('POST', `/api/v1/projects/${p.id}/channels`, { name: 'hook', kind: 'webhook', url: hookUrl });
  const send = async (events: unknown[]) => {
    for (let i = 0; i < events.length; i += 5000) {
      const r = await fetch(`${heed.url}/api/${p.id}/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${p.key}`, 'content-type': 'application/json' },
        body: JSON.stringify(events.slice(i, i + 5000)),
      });
      if (!r.ok) throw new Error(`ingest ${r.status}: ${await r.text()}`);
    }
  };
  const now = Date.now();
  const history: unknown[] = [];
  // History per minute up to a minute boundary 9-10 min ago (older than 10 min when it arrives, so
  // Heed takes it as a backfill), then the last minutes second by second, with no gap between.
  const recentFrom = Math.floor(now / 60_000) * 60 - 540;
  for (let m = Math.floor((now / 1000 - 3 * 86400) / 60); m * 60 < recentFrom; m++)
    history.push({ name: 'checkout', ts: m * 60, count: poisson(rate * 60) });
  await send(history);
  // Live traffic, sent as it happens (10 batches a second) from now on; meanwhile the minutes
  // since the history are sent second by second, up to the moment live traffic started.
  const liveStart = Date.now();
  const recent: unknown[] = [];
  for (let s = recentFrom; s < Math.floor(liveStart / 1000); s++) recent.push({ name: 'checkout', ts: s, count: poisson(rate) });
  const part = liveStart / 1000 - Math.floor(liveStart / 1000);
  recent.push({ name: 'checkout', ts: Math.floor(liveStart / 1000), count: poisson(rate * part) });
  const recentSent = send(recent);
  const liveUntil = liveStart + 20_000;
  while (Date.now() < liveUntil) {
    const k = poisson(rate / 10);
    if (k > 0) await send(Array.from({ length: k }, () => ({ name: 'checkout' })));
    await sleep(100);
  }
  await recentSent;
  const stop = Date.now();
  const deadline = stop + Math.max(30_000, (4 * H * 1000) / rate);
  while (Date.now() < deadline) {
    const hit = hooks.find((h) => h.body.event === 'incident.triggered' && h.body.incident.projectId === p.id);
    if (hit) return hit.at - stop;
    await sleep(20);
  }
  return null;
}

const pct = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s[Math.min(s.length - 1, Math.floor(q * s.length))] as number) : Number.NaN;
};

/** (a) The first exception of a new kind: from sending the envelope to the webhook's arrival. */
async function exceptionTrial(n: number): Promise<number | null> {
  const p = (await api('POST', '/api/v1/projects', { name: `bench error t${n}` })) as { id: number; key: string };
  await api('POST', `/api/v1/projects/${p.id}/channels`, { name: 'hook', kind: 'webhook', url: hookUrl });
  const eventId = crypto.randomUUID().replace(/-/g, '');
  const event = {
    event_id: eventId,
    timestamp: Date.now() / 1000,
    platform: 'node',
    level: 'error',
    release: 'shop@1.0.0',
    exception: {
      values: [
        {
          type: `BenchError${n}`,
          value: `boom ${n}`,
          stacktrace: { frames: [{ filename: '/srv/shop/pay.js', function: `charge${n}`, lineno: 10, in_app: true }] },
        },
      ],
    },
  };
  const body = `${JSON.stringify({ event_id: eventId, sent_at: new Date().toISOString() })}\n${JSON.stringify({ type: 'event' })}\n${JSON.stringify(event)}`;
  const sent = Date.now();
  const r = await fetch(`${heed.url}/api/${p.id}/envelope/?sentry_key=${p.key}&sentry_version=7`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/x-sentry-envelope' },
  });
  if (!r.ok) throw new Error(`envelope ${r.status}: ${await r.text()}`);
  const deadline = sent + 10_000;
  while (Date.now() < deadline) {
    const hit = hooks.find((h) => h.body.event === 'incident.triggered' && h.body.incident.projectId === p.id);
    if (hit) return hit.at - sent;
    await sleep(5);
  }
  return null;
}

const results: Record<string, unknown> = {};
{
  const lat: number[] = [];
  let missed = 0;
  for (let n = 0; n < TRIALS * 3; n++) {
    const ms = await exceptionTrial(n);
    if (ms === null) missed++;
    else lat.push(ms);
  }
  console.log(`  first exception: ${lat.join(', ')} ms`);
  results.first_exception = { trials: TRIALS * 3, missed, latenciesMs: lat, p50Ms: pct(lat, 0.5), p95Ms: pct(lat, 0.95) };
}
for (const rate of [20, 1]) {
  const lat: number[] = [];
  let missed = 0;
  for (let n = 0; n < TRIALS; n++) {
    const ms = await trial(rate, n);
    if (ms === null) missed++;
    else lat.push(ms);
    console.log(`  r=${rate}/s trial ${n + 1}: ${ms === null ? 'no page' : `${ms} ms`}`);
  }
  const bound = (H / rate) * 1000;
  const p50 = pct(lat, 0.5);
  results[`kpi_${rate}_per_s_to_zero`] = {
    trials: TRIALS,
    missed,
    latenciesMs: lat,
    p50Ms: p50,
    p95Ms: pct(lat, 0.95),
    boundMs: bound,
    p50OverBound: p50 / bound,
  };
}
/** (d) A dependency check starting to fail: from the server's first 503 to the webhook's arrival (1 s interval, defaults). */
async function dependencyTrial(n: number): Promise<number | null> {
  const p = (await api('POST', '/api/v1/projects', { name: `bench dep t${n}` })) as { id: number };
  await api('POST', `/api/v1/projects/${p.id}/channels`, { name: 'hook', kind: 'webhook', url: hookUrl });
  let failing = false;
  const dep = createServer((_req, res) => res.writeHead(failing ? 503 : 200).end());
  await new Promise<void>((r) => dep.listen(0, '127.0.0.1', r));
  const check = await api('POST', `/api/v1/projects/${p.id}/checks`, {
    name: 'payment provider',
    url: `http://127.0.0.1:${(dep.address() as AddressInfo).port}/health`,
    intervalSeconds: 1,
  });
  // Fail at a random phase of the probe interval, after the check is up.
  await sleep(1500 + Math.random() * 1000);
  failing = true;
  const start = Date.now();
  let ms: number | null = null;
  while (Date.now() < start + 10_000) {
    const hit = hooks.find((h) => h.body.event === 'incident.triggered' && h.body.incident.projectId === p.id);
    if (hit) {
      ms = hit.at - start;
      break;
    }
    await sleep(5);
  }
  await api('DELETE', `/api/v1/projects/${p.id}/checks/${check.id}`);
  dep.close();
  return ms;
}
{
  const lat: number[] = [];
  let missed = 0;
  for (let n = 0; n < TRIALS * 3; n++) {
    const ms = await dependencyTrial(n);
    if (ms === null) missed++;
    else lat.push(ms);
  }
  console.log(`  dependency check: ${lat.join(', ')} ms`);
  results.dependency_check = { trials: TRIALS * 3, missed, latenciesMs: lat, p50Ms: pct(lat, 0.5), p95Ms: pct(lat, 0.95) };
}

console.log('\nscenario                     p50        p95        bound (ln(1/a)/r)   p50/bound');
for (const [k, v] of Object.entries(results)) {
  const r = v as { p50Ms?: number; p95Ms?: number; boundMs?: number; p50OverBound?: number; missed?: number; why?: string };
  if (r.p50Ms === undefined) console.log(`${k.padEnd(28)} not measured: ${r.why}`);
  else
    console.log(
      `${k.padEnd(28)} ${`${r.p50Ms} ms`.padEnd(10)} ${`${r.p95Ms} ms`.padEnd(10)} ${`${r.boundMs} ms`.padEnd(19)} ${r.p50OverBound?.toFixed(2)}${r.missed ? `  (${r.missed} missed)` : ''}`,
    );
}
const out = { grace: GRACE >= 0 ? GRACE : 'default (1000 ms)', results };
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(new URL('./results/alert-latency.json', import.meta.url), `${JSON.stringify(out, null, 2)}\n`);
heed.proc.kill('SIGTERM');
await heed.exited;
receiver.close();
rmSync(dir, { recursive: true, force: true });
