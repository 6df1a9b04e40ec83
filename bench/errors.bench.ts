/**
 * @module `npm run bench -- errors`: Sentry envelopes accepted and grouped per second by a real
 * `heed start` (SQLite in a temp folder), and the time from an envelope's acknowledgement to its
 * issue being visible in the API.
 *
 * The load runs in this process, the server in a child, over keep-alive connections. Each envelope
 * holds one realistic error event (~5 KB, 20 frames with context lines, breadcrumbs, tags, user)
 * from a pool of 50 distinct errors, each with a fresh event id. The load is sent by a minimal
 * HTTP/1.1 client over the sockets (each request pre-encoded, only the id written in): the
 * generator shares the machine's cores with the server, and node:http's client cost ~55 µs of
 * CPU per request (a fifth of a core), this one ~20 µs. The server sees ordinary requests. Then,
 * with the server idle, 50 probes each send a never-seen error (through node:http) and poll the
 * issue list until it shows up.
 *
 * Flags: --seconds=N (default 10), --connections=N (default 8), --cpu-prof (a V8 CPU profile of the
 * server in bench/results/errors-prof). Writes bench/results/errors.json.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const { values: flags } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    connections: { type: 'string', default: '8' },
    'cpu-prof': { type: 'boolean', default: false },
  },
});
const SECONDS = Number(flags.seconds);
const CONNECTIONS = Number(flags.connections);
const TARGET_EPS = 5000;
const TARGET_VISIBLE_MS = 100;

function frames(kind: number): unknown[] {
  return Array.from({ length: 20 }, (_, i) => {
    const inApp = i >= 8;
    const fn = inApp ? `handler${kind}_${i}` : `Layer.handle_${i}`;
    return {
      filename: inApp ? `/srv/shop/src/module${kind % 7}/file${i}.js` : `/srv/shop/node_modules/express/lib/router/layer${i}.js`,
      module: inApp ? `module${kind % 7}:file${i}` : `express.lib.router:layer${i}`,
      function: fn,
      lineno: 10 + i * 3,
      colno: 5 + i,
      in_app: inApp,
      pre_context: inApp ? ['  const cart = await loadCart(req.user);', '  if (!cart) return res.status(404).end();'] : undefined,
      context_line: inApp ? `    return ${fn}(cart.items, req.body.coupon);` : undefined,
      post_context: inApp ? ['  } catch (err) {', '    next(err);'] : undefined,
    };
  });
}

function eventTemplate(kind: number): { prefix: string; suffix: string } {
  const ev = {
    event_id: '@@ID@@',
    timestamp: 0,
    level: 'error',
    platform: 'node',
    release: `shop@1.${kind % 3}.0`,
    environment: 'production',
    server_name: 'web-1',
    exception: {
      values: [
        {
          type: `CheckoutError${kind}`,
          value: `order 12345 failed for cart ${kind}`,
          stacktrace: { frames: frames(kind) },
          mechanism: { type: 'generic', handled: true },
        },
      ],
    },
    tags: { feature: 'checkout', region: 'eu-west-1' },
    user: { id: `u-${kind}`, email: `user${kind}@example.com` },
    contexts: {
      runtime: { name: 'node', version: 'v20.20.2' },
      os: { name: 'Debian', version: '12.11' },
      trace: { trace_id: 'a'.repeat(32), span_id: 'b'.repeat(16) },
    },
    breadcrumbs: Array.from({ length: 5 }, (_, i) => ({
      timestamp: 1795667703.48,
      category: 'http',
      message: `GET /api/cart/${i} 200`,
      level: 'info',
    })),
    sdk: { name: 'sentry.javascript.node', version: '11.12.0' },
  };
  const body = `{"sdk":{"name":"sentry.javascript.node","version":"11.12.0"}}\n{"type":"event"}\n${JSON.stringify(ev)}`;
  const [prefix, suffix] = body.split('@@ID@@') as [string, string];
  return { prefix, suffix };
}

/** A request of each template as bytes, and where its 32-character event id goes. */
function encodedRequest(url: URL, t: { prefix: string; suffix: string }): { bytes: Buffer; idAt: number } {
  const body = Buffer.from(`${t.prefix}${'0'.repeat(32)}${t.suffix}`);
  const head = Buffer.from(
    `POST ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\nContent-Length: ${body.length}\r\nConnection: keep-alive\r\n\r\n`,
  );
  return { bytes: Buffer.concat([head, body]), idAt: head.length + Buffer.byteLength(t.prefix) };
}

/** One keep-alive connection sending a request at a time; resolves each with the response status. */
function rawConnection(url: URL): Promise<{ send: (req: Buffer) => Promise<number>; close: () => void }> {
  return new Promise((resolveConn, rejectConn) => {
    const socket: Socket = connect(Number(url.port), url.hostname, () => resolveConn({ send, close: () => socket.end() }));
    socket.setNoDelay(true);
    let buf: Buffer = Buffer.alloc(0);
    let waiting: { resolve: (status: number) => void; reject: (err: Error) => void } | undefined;
    socket.on('data', (chunk: Buffer) => {
      buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
      const end = buf.indexOf('\r\n\r\n');
      if (end === -1) return;
      const head = buf.subarray(0, end).toString('latin1');
      const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
      if (buf.length < end + 4 + length) return;
      buf = buf.subarray(end + 4 + length);
      const w = waiting;
      waiting = undefined;
      w?.resolve(Number(head.slice(9, 12)));
    });
    socket.on('error', (err) => {
      rejectConn(err);
      waiting?.reject(err);
    });
    const send = (req: Buffer) =>
      new Promise<number>((resolve, reject) => {
        waiting = { resolve, reject };
        socket.write(req);
      });
    socket.on('close', () => waiting?.reject(new Error('connection closed')));
  });
}

interface Facts {
  url: string;
  adminToken: string;
  project: { id: number; key: string };
}

function startServer(dataDir: string): Promise<{ proc: ChildProcess; facts: Facts }> {
  const prof = flags['cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir', join(here, 'results', 'errors-prof')] : [];
  const proc = spawn(
    process.execPath,
    [...prof, join(root, 'packages/server/bin/heed.mjs'), 'start', '--data', dataDir, '--port', '0', '--json'],
    {
      env: { ...process.env, HEED_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    proc.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl !== -1) resolve({ proc, facts: JSON.parse(out.slice(0, nl)) as Facts });
    });
    proc.on('exit', (code) => reject(new Error(`heed exited with ${code}`)));
  });
}

const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
function post(url: string, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers: { 'content-length': Buffer.byteLength(body) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}
function get(url: string, token: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, headers: { authorization: `Bearer ${token}` } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end();
  });
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0;
};

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'heed-bench-errors-'));
  const { proc, facts } = await startServer(dir);
  const ingestUrl = `${facts.url}/api/${facts.project.id}/envelope/?sentry_version=7&sentry_key=${facts.project.key}`;
  const templates = Array.from({ length: 50 }, (_, k) => eventTemplate(k));
  const sampleBytes = Buffer.byteLength(`${templates[0]?.prefix}${'0'.repeat(32)}${templates[0]?.suffix}`);
  const encoded = templates.map((t) => encodedRequest(new URL(ingestUrl), t));
  const connections = await Promise.all(Array.from({ length: CONNECTIONS }, () => rawConnection(new URL(ingestUrl))));
  let sent = 0;
  let ok = 0;
  let failed = 0;
  const lat: number[] = [];
  const until = performance.now() + SECONDS * 1000;
  const worker = async ({ send }: { send: (req: Buffer) => Promise<number> }) => {
    while (performance.now() < until) {
      const t = encoded[sent++ % encoded.length] as { bytes: Buffer; idAt: number };
      const req = Buffer.allocUnsafe(t.bytes.length);
      t.bytes.copy(req);
      req.write(randomUUID().replace(/-/g, ''), t.idAt, 'latin1');
      const t0 = performance.now();
      const status = await send(req);
      lat.push(performance.now() - t0);
      if (status === 200) ok++;
      else failed++;
    }
  };
  const started = performance.now();
  await Promise.all(connections.map(worker));
  const elapsed = (performance.now() - started) / 1000;
  for (const c of connections) c.close();
  const eps = ok / elapsed;

  // Visibility: a never-seen error, acknowledged, then polled in the issue list.
  const visible: number[] = [];
  for (let i = 0; i < 50; i++) {
    const t = eventTemplate(1000 + i);
    const id = randomUUID().replace(/-/g, '');
    const r = await post(ingestUrl, `${t.prefix}${id}${t.suffix}`);
    if (r.status !== 200) throw new Error(`probe failed: ${r.status} ${r.text}`);
    const acked = performance.now();
    for (;;) {
      const res = await get(`${facts.url}/api/v1/projects/${facts.project.id}/issues?q=${id}`, facts.adminToken);
      if ((JSON.parse(res.text) as { total: number }).total === 1) break;
      if (performance.now() - acked > 5000) throw new Error('issue never became visible');
    }
    visible.push(performance.now() - acked);
  }
  const issues = JSON.parse(
    (await get(`${facts.url}/api/v1/projects/${facts.project.id}/issues?status=all&limit=1`, facts.adminToken)).text,
  ) as {
    total: number;
  };
  proc.kill('SIGTERM');
  await new Promise((r) => proc.on('exit', r));
  rmSync(dir, { recursive: true, force: true });
  agent.destroy();

  const result = {
    seconds: Number(elapsed.toFixed(2)),
    connections: CONNECTIONS,
    eventBytes: sampleBytes,
    accepted: ok,
    failed,
    eventsPerSec: Math.round(eps),
    ackP50Ms: Number(pct(lat, 50).toFixed(2)),
    ackP99Ms: Number(pct(lat, 99).toFixed(2)),
    issues: issues.total,
    visibleAfterAckP50Ms: Number(pct(visible, 50).toFixed(2)),
    visibleAfterAckMaxMs: Number(pct(visible, 100).toFixed(2)),
    targets: { eventsPerSec: TARGET_EPS, visibleMs: TARGET_VISIBLE_MS },
    pass: eps >= TARGET_EPS && pct(visible, 100) <= TARGET_VISIBLE_MS,
  };
  console.log(
    `errors: ${result.eventsPerSec} events/s accepted and grouped (${result.eventBytes} B events, ${CONNECTIONS} connections; ack p50 ${result.ackP50Ms} ms, p99 ${result.ackP99Ms} ms; target ${TARGET_EPS})`,
  );
  console.log(
    `errors: issue visible ${result.visibleAfterAckP50Ms} ms (p50), ${result.visibleAfterAckMaxMs} ms (max) after the ack; target ${TARGET_VISIBLE_MS} ms`,
  );
  console.log(`errors: ${result.issues} issues, ${failed} failed requests -> ${result.pass ? 'PASS' : 'BELOW TARGET'}`);
  mkdirSync(join(here, 'results'), { recursive: true });
  writeFileSync(join(here, 'results', 'errors.json'), `${JSON.stringify(result, null, 2)}\n`);
}

await main();
