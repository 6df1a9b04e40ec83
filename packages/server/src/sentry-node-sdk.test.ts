/**
 * The official @sentry/node SDK, in a child process, against Heed on a loopback port: a thrown
 * error with a cause from nested functions, a captured message, an unhandled rejection, an
 * uncaught exception and the process session must arrive as the right issues.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadConfig } from './config/index.js';
import { createLogger } from './kernel/index.js';
import { startHeed } from './main.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

const APP = `
import * as Sentry from '@sentry/node';
Sentry.init({ dsn: process.env.DSN, release: 'shop@2.0.0', environment: 'staging' });
Sentry.setTag('feature', 'checkout');
Sentry.setUser({ id: 'u-7', email: 'jane@example.com' });
Sentry.addBreadcrumb({ category: 'cart', message: 'item added', level: 'info' });
function parsePrice(raw) { throw new TypeError('invalid price: ' + raw); }
function computeTotal(items) { return items.reduce((s, i) => s + parsePrice(i), 0); }
function checkout(items) { try { return computeTotal(items); } catch (cause) { throw new Error('checkout failed', { cause }); } }
try { checkout(['abc']); } catch (e) { Sentry.captureException(e); }
try { checkout(['xyz']); } catch (e) { Sentry.captureException(e); }
Sentry.captureMessage('payment provider slow for order 1234', 'warning');
async function loadUser() { throw new Error('db connection lost'); }
loadUser();
await new Promise((r) => setTimeout(r, 300));
await Sentry.flush(5000);
setTimeout(() => { throw new RangeError('inventory underflow'); }, 10);
`;

function runApp(dsn: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, ['--input-type=module', '-e', APP], { cwd: ROOT, env: { ...process.env, DSN: dsn } });
    let stderr = '';
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('exit', (code) => resolve({ code, stderr }));
  });
}

it('events from the official Node SDK arrive as the right issues, with frames, tags, user, release and sessions', async () => {
  const { config } = loadConfig({
    env: {},
    flags: { 'store.kind': 'memory', 'server.port': 0, 'log.level': 'silent', 'auth.adminToken': 'admin_secret' },
  });
  const heed = await startHeed(config, { log: createLogger('silent') });
  try {
    const project = heed.created ?? (await heed.services.store.listProjects())[0];
    assert.ok(project);
    const dsn = `http://${project.key}@127.0.0.1:${heed.port}/${project.id}`;
    const run = await runApp(dsn);
    assert.equal(run.code, 1, `the uncaught exception ends the app: ${run.stderr.slice(-500)}`);
    const get = async (path: string) => {
      const res = await fetch(`${heed.url}/api/v1/projects/${project.id}${path}`, { headers: { authorization: 'Bearer admin_secret' } });
      assert.equal(res.status, 200);
      return (await res.json()) as Record<string, unknown>;
    };
    const list = (await get('/issues?status=all')).issues as unknown as Array<{
      id: number;
      title: string;
      events: number;
      level: string;
      type: string;
    }>;
    const byTitle = new Map(list.map((i) => [i.title, i]));
    assert.deepEqual([...byTitle.keys()].sort(), [
      'Error: checkout failed',
      'Error: db connection lost',
      'RangeError: inventory underflow',
      'payment provider slow for order 1234',
    ]);
    assert.equal(byTitle.get('Error: checkout failed')?.events, 2, 'the same error with another message is one issue');
    assert.equal(byTitle.get('RangeError: inventory underflow')?.level, 'fatal');
    assert.equal(byTitle.get('payment provider slow for order 1234')?.type, 'message');
    const detail = (await get(`/issues/${byTitle.get('Error: checkout failed')?.id}`)) as unknown as {
      latestEvent: {
        release: string;
        environment: string;
        tags: Record<string, string>;
        user: { id: string; email: string };
        breadcrumbs: Array<{ message?: string }>;
        exceptions: Array<{ type: string; frames: Array<{ function?: string; inApp: boolean; contextLine?: string }> }>;
      };
      users: number;
    };
    const ev = detail.latestEvent;
    assert.equal(ev.release, 'shop@2.0.0');
    assert.equal(ev.environment, 'staging');
    assert.equal(ev.tags.feature, 'checkout');
    assert.deepEqual(ev.user, { id: 'u-7', email: 'jane@example.com' });
    assert.ok(ev.breadcrumbs.some((b) => b.message === 'item added'));
    assert.deepEqual(
      ev.exceptions.map((e) => e.type),
      ['TypeError', 'Error'],
    );
    const inApp = (ev.exceptions[0]?.frames ?? []).filter((f) => f.inApp).map((f) => f.function);
    assert.equal(inApp[inApp.length - 1], 'parsePrice', `crash site last: ${JSON.stringify(inApp)}`);
    assert.ok(inApp.includes('computeTotal') && inApp.includes('checkout'), JSON.stringify(inApp));
    assert.equal(detail.users, 1);
    const health = (await get('/release-health?from=-1h')).releases as unknown as Array<{
      release: string;
      sessions: number;
      crashed: number;
      users: number;
      crashFreeUsers: number | null;
    }>;
    const rel = health.find((r) => r.release === 'shop@2.0.0');
    assert.ok(rel && rel.sessions >= 1 && rel.crashed >= 1, JSON.stringify(health));
    // The session names its user (distinct id u-7), whose session crashed: no crash-free user.
    assert.deepEqual([rel.users, rel.crashFreeUsers], [1, 0], JSON.stringify(health));
  } finally {
    await heed.close();
  }
});
