/** Automatic capture and flush on exit, in real child processes: Node's own exit behaviour is kept. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, beforeEach, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type CaptureServer, parseEnvelope, startCaptureServer } from '../test-support/index.js';

const APP = fileURLToPath(new URL('../test-support/child-app.ts', import.meta.url));

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function run(scenario: string, dsn: string, onReady?: (pid: number) => void): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', APP, scenario, dsn], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d;
      if (stdout.includes('ready') && onReady && child.pid) onReady(child.pid);
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

const eventsOf = (cs: CaptureServer) =>
  cs.requests
    .filter((r) => r.url.includes('/envelope/'))
    .map((r) => parseEnvelope(r.body).items[0])
    .filter((i) => i?.[0].type === 'event')
    .map((i) => i?.[1] ?? {});

describe('process handlers (child processes)', { timeout: 60_000 }, () => {
  let cs: CaptureServer;
  before(async () => {
    cs = await startCaptureServer();
  });
  beforeEach(() => {
    cs.requests.length = 0;
  });
  after(() => cs.close());

  it('importing any entry does no work: no listeners, no timers, nothing patched', async () => {
    const r = await run('import-only', '');
    const out = JSON.parse(r.stdout) as { before: unknown; after: unknown; resources: string[]; fetchPatched: boolean };
    assert.deepEqual(out.before, { ue: 0, be: 0 }, 'the node entry (imported first) added nothing');
    assert.deepEqual(out.after, out.before);
    assert.deepEqual(out.resources, []);
    assert.equal(out.fetchPatched, false);
  });

  it('uncaught exception: fatal event delivered, error printed, exit code 1 as without the SDK', async () => {
    const r = await run('uncaught', cs.dsn);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /RangeError: inventory underflow/);
    const [ev] = eventsOf(cs);
    assert.equal(ev?.level, 'fatal');
    const v = (ev?.exception as { values: Array<{ type: string; mechanism: unknown }> } | undefined)?.values.at(-1);
    assert.equal(v?.type, 'RangeError');
    assert.deepEqual(v?.mechanism, { type: 'auto.node.onuncaughtexception', handled: false });
  });

  it('unhandled rejection: delivered and the process still exits 1 (Node default "throw" mode)', async () => {
    const r = await run('rejection', cs.dsn);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /db connection lost/);
    const [ev] = eventsOf(cs);
    const v = (ev?.exception as { values: Array<{ mechanism: unknown }> } | undefined)?.values.at(-1);
    assert.deepEqual(v?.mechanism, { type: 'auto.node.onunhandledrejection', handled: false });
  });

  it('unhandled rejection the app listens for: captured as error, the process lives on', async () => {
    const r = await run('rejection-app-handles', cs.dsn);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /app handled it[\s\S]*alive/);
    const [ev] = eventsOf(cs);
    assert.equal(ev?.level, 'error');
    assert.deepEqual(ev?.extra, { unhandledPromiseRejection: true });
  });

  it('beforeExit: queued events and errors are flushed when the app ends on its own', async () => {
    const r = await run('before-exit', cs.dsn);
    assert.equal(r.code, 0);
    const kpi = cs.requests.filter((q) => q.url.startsWith('/api/42/events'));
    assert.equal(kpi.length, 1);
    assert.equal(kpi[0]?.headers.authorization, 'Bearer publickey');
    assert.equal((JSON.parse(kpi[0]?.body ?? '[]') as unknown[]).length, 5);
    assert.equal(eventsOf(cs)[0]?.message, 'finished');
  });

  it('SIGTERM: flushes, then dies by the signal as it would without the SDK', async () => {
    const r = await run('sigterm', cs.dsn, (pid) => process.kill(pid, 'SIGTERM'));
    assert.equal(r.signal, 'SIGTERM');
    const kpi = cs.requests.filter((q) => q.url.startsWith('/api/42/events'));
    assert.deepEqual(
      (JSON.parse(kpi[0]?.body ?? '[]') as Array<{ name: string }>).map((e) => e.name),
      ['job.started'],
    );
  });
});
