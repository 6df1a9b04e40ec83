/** @module Tests of crash-free users in release health, from the recorded session traffic of the Node and browser SDKs. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { createTestHeed, loadSentryRecords, retarget } from '../test-support/index.js';

const NOW = Date.UTC(2026, 10, 26, 4, 40, 0);

it('counts crash-free users per release from the sessions’ distinct ids, beside crash-free sessions', async () => {
  const h = await createTestHeed({}, { now: () => NOW });
  const records = loadSentryRecords('sentry-node.jsonl');
  const sessions = records.filter((r) => r.name.startsWith('session-'));
  assert.deepEqual(
    sessions.map((r) => r.name),
    ['session-init', 'session-crashed', 'session-exited'],
  );
  // User u-123 starts a session that ends fine and another that crashes.
  for (const rec of sessions) assert.equal((await h.request(retarget(rec, h.project.id, h.project.key))).statusCode, 200);
  // Two more users start the same release: one of them twice, and nobody crashes.
  const init = sessions[0] as (typeof sessions)[number];
  for (const [sid, did] of [
    ['1'.repeat(32), 'u-456'],
    ['2'.repeat(32), 'u-789'],
    ['3'.repeat(32), 'u-789'],
  ]) {
    const body = init.body.replace(/4979be25ffae42b8ad8372e1f383da6c/g, sid as string).replace(/"did":"u-123"/, `"did":"${did}"`);
    assert.notEqual(body, init.body);
    assert.equal((await h.request(retarget({ ...init, body }, h.project.id, h.project.key))).statusCode, 200);
  }
  // The browser SDK's session of u-123 ends `unhandled` (its word for a crash): the same user, counted once.
  for (const rec of loadSentryRecords('sentry-browser.jsonl').filter((r) => r.name.startsWith('session-'))) {
    assert.equal((await h.request(retarget(rec, h.project.id, h.project.key))).statusCode, 200);
  }
  const res = await h.get(`/api/v1/projects/${h.project.id}/release-health?from=2026-11-26T00:00:00Z`);
  assert.equal(res.statusCode, 200, res.body);
  const rel = res.json().releases.find((r: { release: string; environment: string }) => r.release === 'shop@1.2.3');
  assert.equal(rel.environment, 'production');
  assert.equal(rel.sessions, 6, JSON.stringify(rel));
  assert.equal(rel.crashed, 2);
  assert.equal(rel.crashFreeSessions, 1 - 2 / 6);
  assert.equal(rel.users, 3, 'distinct ids, not sessions');
  assert.equal(rel.crashedUsers, 1);
  assert.equal(rel.crashFreeUsers, 1 - 1 / 3);
  // Outside the range: no users.
  const none = await h.get(`/api/v1/projects/${h.project.id}/release-health?from=2026-11-26T05:00:00Z&to=2026-11-26T06:00:00Z`);
  assert.deepEqual(none.json().releases, []);
  await h.close();
});
