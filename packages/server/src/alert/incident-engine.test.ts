import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLogger } from '../kernel/index.js';
import { createMemoryStore, type Storage } from '../store/index.js';
import { createAlertEngine } from './incident-engine.js';
import type { NotifyIntent, Signal } from './types.js';

const T0 = Date.UTC(2026, 10, 20, 12, 0, 0);

async function setup(
  settings = { resolveAfterSeconds: 60, reopenWindowMinutes: 30, repeatMinutes: 60 },
  store: Storage = createMemoryStore(),
) {
  let now = T0;
  const sent: NotifyIntent[] = [];
  await store.createProject('p', 'k', 0);
  const ch = await store.insertDoc('channel', 1, { name: 'ops', config: { kind: 'webhook', url: 'http://x' } }, 0);
  const engine = createAlertEngine({
    store,
    clock: () => now,
    log: createLogger('silent'),
    settings,
    notify: async (i) => {
      sent.push(i);
    },
  });
  await engine.load();
  const sig = (key: string, firing: boolean, extra: Partial<Signal> = {}): Signal => ({
    projectId: 1,
    key,
    source: 'kpi',
    firing,
    ts: now,
    severity: 'critical',
    title: `${key} dropped`,
    explanation: 'expected ~40, saw 0',
    tags: {},
    ...extra,
  });
  const advance = async (seconds: number) => {
    for (let i = 0; i < seconds; i++) {
      now += 1000;
      await engine.tick();
    }
  };
  return { engine, sent, sig, advance, store, channelId: ch.id, at: () => now, set: (t: number) => (now = t) };
}

describe('alert engine', () => {
  it('groups symptoms that start together into one incident, paged once', async () => {
    const t = await setup();
    await t.engine.signal(t.sig('kpi:1', true, { onsetTs: T0 - 30_000 }));
    await t.advance(5);
    await t.engine.signal(t.sig('kpi:2', true, { title: 'checkout (browser=Safari) dropped' }));
    await t.engine.signal(t.sig('rule:1', true, { source: 'rule', severity: 'warning' }));
    const [inc, ...rest] = await t.engine.list(1);
    assert.equal(rest.length, 0);
    assert.equal(inc?.alerts.length, 3);
    assert.equal(inc?.onsetAt, T0 - 30_000);
    assert.equal(inc?.detectedAt, T0);
    assert.deepEqual(
      t.sent.map((s) => [s.event, s.channels]),
      [['triggered', [t.channelId]]],
    );
    assert.deepEqual(
      inc?.timeline.map((e) => e.type),
      ['triggered', 'alert', 'alert'],
    );
  });

  it('resolves only after every alert stayed recovered for the hysteresis, then notifies the resolution', async () => {
    const t = await setup();
    await t.engine.signal(t.sig('kpi:1', true));
    await t.engine.signal(t.sig('kpi:2', true));
    await t.engine.signal(t.sig('kpi:1', false));
    await t.advance(120);
    assert.equal((await t.engine.get(1))?.status, 'triggered', 'kpi:2 still fires');
    await t.engine.signal(t.sig('kpi:2', false));
    await t.advance(59);
    assert.equal((await t.engine.get(1))?.status, 'triggered', 'not before 60 s');
    await t.advance(1);
    const inc = await t.engine.get(1);
    assert.equal(inc?.status, 'resolved');
    assert.equal(inc?.resolvedBy, 'auto');
    assert.deepEqual(
      t.sent.map((s) => s.event),
      ['triggered', 'resolved'],
    );
  });

  it('a flapping KPI pages once, not ten times', async () => {
    const t = await setup();
    for (let i = 0; i < 10; i++) {
      await t.engine.signal(t.sig('kpi:1', true));
      await t.advance(20);
      await t.engine.signal(t.sig('kpi:1', false));
      await t.advance(20);
    }
    // ... and when it flaps across resolutions, reopening stays quiet inside the repeat interval.
    for (let i = 0; i < 3; i++) {
      await t.advance(70);
      await t.engine.signal(t.sig('kpi:1', true));
      await t.engine.signal(t.sig('kpi:1', false));
    }
    const all = await t.engine.list(1);
    assert.equal(all.length, 1, 'one incident');
    assert.equal(t.sent.filter((s) => s.event !== 'resolved').length, 1, 'one page');
    assert.ok((all[0]?.alerts[0]?.flaps ?? 0) >= 9);
    assert.ok((all[0]?.reopened ?? 0) >= 1);
  });

  it('reopens on recurrence within the window, opens a new incident after it', async () => {
    const t = await setup({ resolveAfterSeconds: 0, reopenWindowMinutes: 30, repeatMinutes: 0 });
    await t.engine.signal(t.sig('kpi:1', true));
    await t.engine.signal(t.sig('kpi:1', false));
    await t.advance(1);
    assert.equal((await t.engine.get(1))?.status, 'resolved');
    await t.advance(600);
    await t.engine.signal(t.sig('kpi:1', true));
    const re = await t.engine.get(1);
    assert.equal(re?.status, 'triggered');
    assert.equal(re?.reopened, 1);
    await t.engine.signal(t.sig('kpi:1', false));
    await t.advance(31 * 60);
    await t.engine.signal(t.sig('kpi:1', true));
    assert.equal((await t.engine.list(1)).length, 2);
    assert.deepEqual(
      t.sent.map((s) => s.event),
      ['triggered', 'resolved', 'reopened', 'resolved', 'triggered'],
    );
  });

  it('acknowledging stops repeats and escalation; unacknowledged incidents repeat and escalate', async () => {
    const t = await setup({ resolveAfterSeconds: 60, reopenWindowMinutes: 30, repeatMinutes: 10 });
    const pager = await t.store.insertDoc('channel', 1, { name: 'pager', config: { kind: 'webhook', url: 'http://pager' } }, 0);
    await t.store.insertDoc(
      'route',
      1,
      { match: { severities: ['critical'] }, channels: [t.channelId], escalateAfterMinutes: 5, escalateTo: [pager.id] },
      0,
    );
    await t.engine.signal(t.sig('kpi:1', true));
    await t.advance(5 * 60);
    await t.advance(5 * 60);
    assert.deepEqual(
      t.sent.map((s) => [s.event, s.channels]),
      [
        ['triggered', [t.channelId]],
        ['escalated', [pager.id]],
        ['repeated', [t.channelId]],
      ],
    );
    await t.engine.signal(t.sig('kpi:9', true, { severity: 'warning' }));
    await t.engine.acknowledge(1, 'ana');
    await t.advance(30 * 60);
    assert.equal(t.sent.length, 3, 'nothing after the acknowledgement');
    const inc = await t.engine.get(1);
    assert.equal(inc?.acknowledgedBy, 'ana');
    assert.equal(inc?.acknowledgedAt, T0 + 600_000);
  });

  it('routes by severity and tags; no matching route means nobody is paged, and the timeline says so', async () => {
    const t = await setup();
    await t.store.insertDoc('route', 1, { match: { tags: { team: 'payments' } }, channels: [t.channelId] }, 0);
    await t.engine.signal(t.sig('kpi:1', true, { tags: { team: 'growth' } }));
    assert.equal(t.sent.length, 0);
    const inc = await t.engine.get(1);
    assert.match(inc?.timeline.at(-1)?.text ?? '', /nobody was notified/);
  });

  it('silences mute matching alerts while they last; the incident is still recorded', async () => {
    const t = await setup();
    await t.store.insertDoc(
      'silence',
      1,
      { match: { subject: 'checkout' }, startsAt: T0 - 1000, endsAt: T0 + 3600_000, comment: 'deploy' },
      0,
    );
    await t.engine.signal(t.sig('kpi:1', true, { subject: 'checkout' }));
    assert.equal(t.sent.length, 0);
    assert.equal(
      (await t.engine.get(1))?.timeline.some((e) => e.type === 'silenced'),
      true,
    );
    await t.engine.resolve(1, 'ana');
    t.set(T0 + 7200_000);
    await t.engine.signal(t.sig('kpi:5', true, { subject: 'checkout' }));
    assert.deepEqual(
      t.sent.map((s) => s.event),
      ['triggered'],
      'after the silence ends, pages again',
    );
  });

  it('info signals are recorded without paging', async () => {
    const t = await setup();
    await t.engine.signal(t.sig('kpi:1', true, { severity: 'info' }));
    assert.equal(t.sent.length, 0);
    assert.equal((await t.engine.list(1)).length, 1);
  });

  it('keeps incidents across a restart (same store)', async () => {
    const store = createMemoryStore();
    const a = await setup(undefined, store);
    await a.engine.signal(a.sig('kpi:1', true));
    const b = createAlertEngine({
      store,
      clock: () => T0 + 1000,
      log: createLogger('silent'),
      settings: { resolveAfterSeconds: 0, reopenWindowMinutes: 30, repeatMinutes: 60 },
      notify: async () => {},
    });
    await b.load();
    await b.signal({ ...a.sig('kpi:1', false) });
    await b.tick();
    assert.equal((await b.get(1))?.status, 'resolved');
  });

  it('a page decided but never queued (killed in between) is sent by the next process, once', async () => {
    const store = createMemoryStore();
    const a = await setup(undefined, store);
    // The first process stores the incident, then dies before its notification is queued.
    const dying = createAlertEngine({
      store,
      clock: () => T0,
      log: createLogger('silent'),
      settings: { resolveAfterSeconds: 60, reopenWindowMinutes: 30, repeatMinutes: 60 },
      notify: async () => {
        throw new Error('killed');
      },
    });
    await dying.load();
    await assert.rejects(dying.signal(a.sig('kpi:1', true)));
    const [stored] = await store.listDocs<{ pageOwed?: string }>('incident');
    assert.equal(stored?.body.pageOwed, 'triggered');
    const restart = (queued: boolean) => {
      const sent: NotifyIntent[] = [];
      const engine = createAlertEngine({
        store,
        clock: () => T0 + 5000,
        log: createLogger('silent'),
        settings: { resolveAfterSeconds: 60, reopenWindowMinutes: 30, repeatMinutes: 60 },
        notify: async (i) => {
          sent.push(i);
        },
        queued: async () => queued,
      });
      return { engine, sent };
    };
    // The outbox already holds it (the process died after queuing): nothing more is sent.
    const held = restart(true);
    await held.engine.load();
    // Not held: the next process sends it, once, and a later restart sends nothing more.
    const b = restart(false);
    await b.engine.load();
    assert.equal(await b.engine.resumeOwedPages(), 1);
    assert.deepEqual(
      b.sent.map((i) => [i.event, i.incident.id]),
      [['triggered', stored?.id]],
    );
    assert.equal(await held.engine.resumeOwedPages(), 0, 'held: the outbox had it');
    assert.equal(held.sent.length, 0);
    const c = restart(false);
    await c.engine.load();
    assert.equal(await c.engine.resumeOwedPages(), 0);
    assert.equal(c.sent.length, 0);
    assert.equal((await store.listDocs<{ pageOwed?: string }>('incident'))[0]?.body.pageOwed, undefined);
  });

  it('an incident paged normally owes nothing after a restart', async () => {
    const store = createMemoryStore();
    const a = await setup(undefined, store);
    await a.engine.signal(a.sig('kpi:1', true));
    assert.equal(a.sent.length, 1);
    const b = createAlertEngine({
      store,
      clock: () => T0 + 1000,
      log: createLogger('silent'),
      settings: { resolveAfterSeconds: 60, reopenWindowMinutes: 30, repeatMinutes: 60 },
      notify: async () => assert.fail('nothing is owed'),
      queued: async () => false,
    });
    await b.load();
    assert.equal(await b.resumeOwedPages(), 0);
  });
});
