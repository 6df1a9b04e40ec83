import assert from 'node:assert/strict';
import { afterEach, it } from 'node:test';
import { checkIn, monitor } from './check-in.js';
import {
  addBreadcrumb,
  captureException,
  captureMessage,
  close,
  flush,
  gauge,
  getClient,
  setContext,
  setTag,
  setTags,
  setUser,
  track,
} from './hub.js';
import { init } from './init.js';
import type { TransportRequest } from './transport.js';

const DSN = 'http://key@127.0.0.1:9/1';
afterEach(() => close(0));

function recording() {
  const sent: TransportRequest[] = [];
  const transport = async (r: TransportRequest) => {
    sent.push(r);
    return { status: 200, header: () => null, body: '{}' };
  };
  return { sent, transport };
}

it('every call is a harmless no-op before init, without a DSN, or with a bad one', async () => {
  for (const opts of [undefined, {}, { dsn: 'not a dsn' }]) {
    if (opts) assert.equal(init(opts), undefined);
    track('x');
    gauge('g', 1);
    assert.equal(captureException(new Error('x')), '');
    assert.equal(captureMessage('x'), '');
    addBreadcrumb({ message: 'x' });
    setUser({ id: '1' });
    setTag('a', 1);
    setTags({ b: true });
    setContext('c', { d: 1 });
    assert.match(checkIn('job', { status: 'ok' }), /^[0-9a-f]{32}$/);
    assert.equal(
      monitor('job', () => 42),
      42,
    );
    assert.equal(await flush(), true);
  }
});

it('hostile input and throwing hooks never reach the caller', async () => {
  const { sent, transport } = recording();
  init({
    dsn: DSN,
    transport,
    beforeTrack: (e) => {
      if (e.name === 'boom') throw new Error('hook bug');
      return e;
    },
    beforeBreadcrumb: () => {
      throw new Error('hook bug');
    },
  });
  const cyclic: Record<string, unknown> = {};
  cyclic.me = cyclic;
  track('boom');
  track('weird', { value: Number.NaN, tags: { big: 1n } as unknown as Record<string, string>, ts: new Date('invalid') });
  addBreadcrumb({ message: 'x', data: cyclic });
  setContext('cyclic', cyclic);
  captureException(Object.create(null));
  captureException(undefined);
  captureException(cyclic);
  captureMessage(undefined as unknown as string);
  // Strings are safe; getters that throw are the worst a thrown value can do.
  const nasty = new Error('getter');
  Object.defineProperty(nasty, 'stack', {
    get() {
      throw new Error('stack getter');
    },
  });
  captureException(nasty);
  assert.equal(await flush(1000), true);
  assert.ok(sent.length >= 2);
  assert.equal(getClient()?.stats().dropped['before_send:kpi'], 1);
});

it('init without a transport error leaves the app running; a second init replaces the first', async () => {
  const a = recording();
  const b = recording();
  init({ dsn: DSN, transport: a.transport });
  track('one');
  init({ dsn: DSN, transport: b.transport });
  track('two');
  await flush(1000);
  await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(
    JSON.parse(String(a.sent[0]?.body)).map((e: { name: string }) => e.name),
    ['one'],
  );
  assert.deepEqual(
    JSON.parse(String(b.sent[0]?.body)).map((e: { name: string }) => e.name),
    ['two'],
  );
});

it('track and gauge build the documented event shape with global tags', async () => {
  const { sent, transport } = recording();
  init({ dsn: DSN, transport, tags: { service: 'shop' } });
  track('payment', { value: 49.9, tags: { currency: 'EUR' }, ts: 1_795_000_000_000 });
  track('batch', { count: 3, value: 30 });
  gauge('users.online', 312, { region: 'eu' });
  await flush(1000);
  const events = JSON.parse(String(sent[0]?.body)) as unknown[];
  assert.deepEqual(events[0], { name: 'payment', ts: 1_795_000_000_000, value: 49.9, tags: { service: 'shop', currency: 'EUR' } });
  assert.deepEqual({ ...(events[1] as object), ts: 0 }, { name: 'batch', ts: 0, value: 30, count: 3, tags: { service: 'shop' } });
  assert.deepEqual(
    { ...(events[2] as object), ts: 0 },
    { name: 'users.online', type: 'gauge', value: 312, ts: 0, tags: { service: 'shop', region: 'eu' } },
  );
  assert.equal(sent[0]?.url, 'http://127.0.0.1:9/api/1/events');
  assert.equal(sent[0]?.headers.authorization, 'Bearer key');
});

it('monitor passes results and errors through unchanged', async () => {
  init({ dsn: DSN, transport: recording().transport });
  assert.equal(await monitor('job', async () => 7), 7);
  const err = new Error('job failed');
  await assert.rejects(
    monitor('job', async () => {
      throw err;
    }),
    (e) => e === err,
  );
});

it('a capture can carry its own user (servers: the scope is process-wide)', async () => {
  const { sent, transport } = recording();
  init({ dsn: DSN, transport });
  setUser({ id: 'global' });
  captureException(new Error('in a request'), { user: { id: 'u-req' } });
  captureException(new Error('elsewhere'));
  await flush(1000);
  const users = sent.map((r) => (JSON.parse(String(r.body).split('\n')[2] ?? '{}') as { user?: { id: string } }).user?.id);
  assert.deepEqual(users, ['u-req', 'global']);
});
