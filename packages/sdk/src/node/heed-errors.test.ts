/** End to end: errors, messages, check-ins and client reports from the Node SDK into a real Heed's Sentry endpoint. */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { startTestServer, type TestServer } from '../test-support/index.js';
import { captureException, captureMessage, checkIn, close, flush, init, setTag, setUser } from './index.js';

let heed: TestServer;
let hasEnvelopeRoute = false;
before(async () => {
  heed = await startTestServer();
  const probe = await fetch(`${heed.url}/api/${heed.projectId}/envelope/`, { method: 'POST', body: '{}' });
  hasEnvelopeRoute = probe.status !== 404;
});
after(async () => {
  await close(0);
  await heed.close();
});

it('errors land as issues on Heed, drops as SDK outcomes', async (t) => {
  if (!hasEnvelopeRoute) return t.skip('this server has no /api/<id>/envelope/ route yet');
  init({ dsn: heed.dsn, release: 'shop@3.0.0', environment: 'staging', autoCapture: false, exitSignals: false });
  setTag('feature', 'checkout');
  setUser({ id: 'u-9' });
  const fail = (raw: string) => {
    try {
      throw new TypeError(`invalid price: ${raw}`);
    } catch (cause) {
      return new Error('checkout failed', { cause });
    }
  };
  captureException(fail('abc'));
  captureException(fail('xyz'));
  captureMessage('payment provider slow', 'warning');
  checkIn('nightly-export', { status: 'ok', duration: 1.5 });
  assert.equal(await flush(5000), true);

  const issues = (await heed.get(`/api/v1/projects/${heed.projectId}/issues?status=all`)).body.issues as Array<{
    id: number;
    title: string;
    events: number;
    level: string;
  }>;
  const byTitle = new Map(issues.map((i) => [i.title, i]));
  assert.equal(byTitle.get('Error: checkout failed')?.events, 2, JSON.stringify(issues));
  assert.equal(byTitle.get('payment provider slow')?.level, 'warning');
  const detail = (await heed.get(`/api/v1/projects/${heed.projectId}/issues/${byTitle.get('Error: checkout failed')?.id}`)).body;
  const latest = detail.latestEvent as { release?: string; tags?: Record<string, string> } | undefined;
  assert.equal(latest?.release, 'shop@3.0.0');

  // A sampled-out error is reported as a client_report, which Heed keeps as SDK outcomes.
  init({ dsn: heed.dsn, autoCapture: false, exitSignals: false, sampleRate: 0 });
  captureException(new Error('sampled out'));
  assert.equal(await flush(5000), true);
  const outcomes = (await heed.get(`/api/v1/projects/${heed.projectId}/sdk-outcomes`)).body.outcomes as Array<{
    reason: string;
    quantity: number;
  }>;
  assert.ok(
    outcomes.some((o) => o.reason === 'sample_rate' && o.quantity === 1),
    JSON.stringify(outcomes),
  );
});
