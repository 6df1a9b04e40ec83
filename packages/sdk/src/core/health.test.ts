import assert from 'node:assert/strict';
import { it } from 'node:test';
import { addHealthCheck, runHealthChecks } from './health.js';

it('runs registered checks; a throw, a rejection, false or a timeout fails', async () => {
  const removers = [
    addHealthCheck('ok', () => true),
    addHealthCheck('async ok', async () => undefined),
    addHealthCheck('throws', () => {
      throw new Error('db down');
    }),
    addHealthCheck('false', () => false),
    addHealthCheck('slow', () => new Promise((r) => setTimeout(r, 1000))),
  ];
  const report = await runHealthChecks(50);
  assert.equal(report.status, 'fail');
  assert.deepEqual(Object.fromEntries(Object.entries(report.checks).map(([k, v]) => [k, [v.status, v.error]])), {
    ok: ['ok', undefined],
    'async ok': ['ok', undefined],
    throws: ['fail', 'db down'],
    false: ['fail', 'check returned false'],
    slow: ['fail', 'timed out after 50 ms'],
  });
  for (const r of removers.slice(2)) r();
  assert.equal((await runHealthChecks()).status, 'ok');
  for (const r of removers) r();
  assert.deepEqual(await runHealthChecks(), { status: 'ok', checks: {} });
});
