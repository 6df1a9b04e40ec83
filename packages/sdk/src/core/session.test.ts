/** Release-health sessions: the items a page view sends (start, then crash or end with its error count), as Sentry `session` items. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { createClient } from './client.js';
import { startSession } from './session.js';
import type { TransportRequest } from './transport.js';

type Session = { sid: string; init: boolean; status: string; errors: number; started: string; timestamp: string; attrs: object };

async function run(release: string | undefined, act: (c: NonNullable<ReturnType<typeof createClient>>, end: () => void) => void) {
  const sent: TransportRequest[] = [];
  const transport = async (r: TransportRequest) => {
    sent.push(r);
    return { status: 200, header: () => null, body: '{}' };
  };
  const client = createClient(
    { dsn: 'http://k@127.0.0.1:9/1', release, environment: 'production', transport },
    {
      sdkName: 't',
      eventPlatform: 'javascript',
    },
  );
  assert.ok(client);
  act(client, startSession(client));
  await client.close(1000);
  const items = sent.map((r) => String(r.body).split('\n'));
  return {
    sessions: items.filter((l) => l[1] === '{"type":"session"}').map((l) => JSON.parse(l[2] ?? '{}') as Session),
    events: items.filter((l) => l[1] === '{"type":"event"}').length,
  };
}

it('a clean view: init, then exited; one sid; release and environment as attrs', async () => {
  const { sessions } = await run('shop@1.0.0', (_c, end) => {
    end();
    end(); // ending twice sends nothing more
  });
  assert.deepEqual(
    sessions.map((s) => [s.init, s.status, s.errors]),
    [
      [true, 'ok', 0],
      [false, 'exited', 0],
    ],
  );
  assert.equal(new Set(sessions.map((s) => s.sid)).size, 1);
  assert.deepEqual(sessions[0]?.attrs, { release: 'shop@1.0.0', environment: 'production' });
  assert.ok((sessions[1]?.timestamp ?? '') >= (sessions[0]?.started ?? 'z'));
});

it('errors are counted into the end; an unhandled one ends the session crashed at once', async () => {
  const { sessions, events } = await run('shop@1.0.0', (c, end) => {
    c.captureException(new Error('a'));
    c.captureException(new Error('b'));
    c.captureMessage('just info', 'info');
    c.captureException(new Error('c'), { mechanism: { type: 'onerror', handled: false } });
    c.captureException(new Error('d'), { mechanism: { type: 'onerror', handled: false } });
    end();
  });
  assert.equal(events, 5);
  assert.deepEqual(
    sessions.map((s) => [s.init, s.status, s.errors]),
    [
      [true, 'ok', 0],
      [false, 'crashed', 3],
    ],
  );
});

it('no release, no session', async () => {
  const { sessions } = await run(undefined, (c, end) => {
    c.captureException(new Error('a'));
    end();
  });
  assert.deepEqual(sessions, []);
});
