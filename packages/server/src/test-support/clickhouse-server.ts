/**
 * @module Test support: a private clickhouse-server for one test file. The system config is copied
 * into a temp folder with its paths moved there and its ports changed to free ones, and the server
 * runs as an ordinary background process on loopback in its own process group.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CONFIG_DIR = '/etc/clickhouse-server';
const BINARIES = ['/usr/sbin/clickhouse-server', '/usr/bin/clickhouse-server'];
const binary = () => BINARIES.find((b) => existsSync(b));

/** A running private server. */
export interface TestClickHouse {
  url: string;
  httpPort: number;
  dir: string;
  /** Creates a fresh database (its name always holds `test`) and returns its name. */
  createDatabase(prefix?: string): Promise<string>;
  /** Runs one statement over HTTP and returns the body. */
  query(sql: string): Promise<string>;
  /** Kills the server's process group and deletes its folder. */
  stop(): Promise<void>;
}

/** True when clickhouse-server is installed here (tests skip otherwise, with a reason). */
export function clickHouseAvailable(): boolean {
  return binary() !== undefined && existsSync(join(CONFIG_DIR, 'config.xml'));
}

/**
 * A port nobody listens on right now, below the kernel's ephemeral range (32768+), so an outgoing
 * connection cannot take it between this check and the server binding it.
 */
export async function freePort(): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const port = 20000 + Math.floor(Math.random() * 12000);
    const free = await new Promise<boolean>((resolve) => {
      const srv = createServer();
      srv.once('error', () => resolve(false));
      srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error('no free port found between 20000 and 32000');
}

const tag = (xml: string, name: string, value: string | number) =>
  xml.replace(new RegExp(`<${name}>[^<]*</${name}>`, 'g'), `<${name}>${value}</${name}>`);

/** The system config with paths in `dir` and the given ports; everything else as installed. */
export function rewriteConfig(xml: string, dir: string, ports: { http: number; tcp: number; interserver: number }): string {
  let out = xml;
  // Example blocks (graphite, remote_servers, zookeeper) may name ports too: only the top-level
  // tags are rewritten, which are the first occurrence of each.
  const first = (name: string, value: string | number) => {
    out = out.replace(new RegExp(`<${name}>[^<]*</${name}>`), `<${name}>${value}</${name}>`);
  };
  first('http_port', ports.http);
  first('tcp_port', ports.tcp);
  first('interserver_http_port', ports.interserver);
  first('path', `${dir}/data/`);
  out = tag(out, 'tmp_path', `${dir}/tmp/`);
  out = tag(out, 'user_files_path', `${dir}/user_files/`);
  out = tag(out, 'format_schema_path', `${dir}/format_schemas/`);
  out = tag(out, 'log', `${dir}/log/server.log`);
  out = tag(out, 'errorlog', `${dir}/log/server.err.log`);
  out = tag(out, 'level', 'warning');
  // Loopback only, IPv4 only (IPv6 may be missing in containers).
  out = out.replace(/<listen_host>[^<]*<\/listen_host>/g, '');
  out = out.replace('</yandex>', '    <listen_host>127.0.0.1</listen_host>\n</yandex>');
  // Keep the test server small: no secure ports, small caches.
  out = out.replace(/<https_port>[^<]*<\/https_port>/g, '').replace(/<tcp_port_secure>[^<]*<\/tcp_port_secure>/g, '');
  out = tag(out, 'mark_cache_size', 268435456);
  out = tag(out, 'uncompressed_cache_size', 268435456);
  return out;
}

async function waitForPing(url: string, proc: ChildProcess, timeoutMs: number, log: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`clickhouse-server exited with ${proc.exitCode}: ${log()}`);
    try {
      const r = await fetch(`${url}/ping`);
      if (r.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`clickhouse-server did not answer /ping in ${timeoutMs} ms: ${log()}`);
}

/** Starts a private server; call stop() in an `after` hook. */
export async function startTestClickHouse(): Promise<TestClickHouse> {
  // Another process can still take a chosen port before the server binds it: try again then.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce();
    } catch (err) {
      if (attempt >= 4 || !/Address already in use/.test((err as Error).message)) throw err;
    }
  }
}

async function startOnce(): Promise<TestClickHouse> {
  const dir = mkdtempSync(join(tmpdir(), 'heed-ch-'));
  for (const d of ['data', 'tmp', 'user_files', 'format_schemas', 'log']) mkdirSync(join(dir, d));
  const ports = { http: await freePort(), tcp: await freePort(), interserver: await freePort() };
  writeFileSync(join(dir, 'config.xml'), rewriteConfig(readFileSync(join(CONFIG_DIR, 'config.xml'), 'utf8'), dir, ports));
  writeFileSync(join(dir, 'users.xml'), readFileSync(join(CONFIG_DIR, 'users.xml'), 'utf8'));
  let out = '';
  const proc = spawn(binary() ?? 'clickhouse-server', [`--config-file=${join(dir, 'config.xml')}`], {
    cwd: dir,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  proc.stdout?.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-4000)));
  proc.stderr?.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-4000)));
  proc.unref();
  proc.on('error', (e) => (out += String(e)));
  const errLog = () => {
    const f = join(dir, 'log', 'server.err.log');
    return `${out}\n${existsSync(f) ? readFileSync(f, 'utf8').slice(-2000) : ''}`;
  };
  const url = `http://127.0.0.1:${ports.http}`;
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const stop = async () => {
    if (proc.exitCode === null && proc.pid !== undefined) {
      try {
        process.kill(-proc.pid, 'SIGTERM');
      } catch {
        // already gone
      }
      const killer = setTimeout(() => {
        if (proc.pid !== undefined && proc.exitCode === null) spawnSync('kill', ['-KILL', `-${proc.pid}`]);
      }, 5000);
      await exited;
      clearTimeout(killer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitForPing(url, proc, 30_000, errLog);
  } catch (err) {
    await stop();
    throw err;
  }
  const query = async (sql: string) => {
    const r = await fetch(url, { method: 'POST', body: sql });
    const body = await r.text();
    if (!r.ok) throw new Error(`ClickHouse ${r.status}: ${body.slice(0, 500)}`);
    return body;
  };
  let n = 0;
  return {
    url,
    httpPort: ports.http,
    dir,
    query,
    async createDatabase(prefix = 'heed') {
      const name = `${prefix}_test_${process.pid}_${++n}`;
      await query(`CREATE DATABASE IF NOT EXISTS ${name}`);
      return name;
    },
    stop,
  };
}
