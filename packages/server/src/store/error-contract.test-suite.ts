/**
 * @module The shared contract of ErrorStore: every backend runs it (memory-errors.test.ts,
 * sqlite-errors.test.ts) and is done when it passes.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ErrorRecord, IssueQuery } from './error-types.js';
import type { Storage } from './types.js';

const T0 = Date.UTC(2026, 10, 20, 12, 0, 0);
let seq = 0;

/** A record with sensible defaults. */
export function record(over: Partial<ErrorRecord> = {}): ErrorRecord {
  seq++;
  return {
    projectId: 1,
    eventId: seq.toString(16).padStart(32, '0'),
    fingerprint: 'fp-a',
    ts: T0 + seq,
    receivedAt: T0 + seq,
    level: 'error',
    type: 'TypeError',
    title: 'TypeError: x is undefined',
    culprit: 'checkout (app.js)',
    platform: 'javascript',
    release: 'shop@1.0.0',
    environment: 'production',
    userKey: 'u1',
    dims: { browser: 'Chrome 120', os: 'Windows 10', release: 'shop@1.0.0', environment: 'production' },
    data: '{}',
    ...over,
  };
}

/** Runs the contract against fresh stores from `make`. */
export function runErrorStoreContract(name: string, make: () => Promise<Storage>): void {
  describe(`${name}: error store contract`, () => {
    it('groups records by fingerprint, counts events and distinct users, keeps first/last seen', async () => {
      const s = (await make()).errors;
      const a = record({ userKey: 'u1' });
      const b = record({ userKey: 'u2', ts: a.ts + 1000, release: 'shop@1.0.1', dims: { release: 'shop@1.0.1' } });
      const c = record({ userKey: 'u1', ts: a.ts + 2000 });
      const d = record({ fingerprint: 'fp-b', title: 'other' });
      const r = await s.commit([a, b, c, d]);
      assert.deepEqual(
        r.map((x) => x.isNew),
        [true, false, false, true],
      );
      assert.equal(r[0]?.issueId, r[2]?.issueId);
      assert.notEqual(r[0]?.issueId, r[3]?.issueId);
      const issue = await s.getIssue(1, r[0]?.issueId as number);
      assert.equal(issue?.events, 3);
      assert.equal(issue?.users, 2);
      assert.equal(issue?.firstSeen, a.ts);
      assert.equal(issue?.lastSeen, c.ts);
      assert.equal(issue?.lastEventId, c.eventId);
      assert.equal(issue?.firstRelease, 'shop@1.0.0');
      assert.equal(issue?.lastRelease, 'shop@1.0.0');
      assert.equal(await s.getIssue(2, r[0]?.issueId as number), undefined, 'issues belong to their project');
      const bd = await s.breakdowns(r[0]?.issueId as number, 10);
      assert.deepEqual(
        bd.release.map((x) => [x.value, x.count]),
        [
          ['shop@1.0.0', 2],
          ['shop@1.0.1', 1],
        ],
      );
      assert.deepEqual(
        bd.browser.map((x) => [x.value, x.count]),
        [['Chrome 120', 2]],
      );
      const evs = await s.listEvents(r[0]?.issueId as number, 10);
      assert.deepEqual(
        evs.map((e) => e.eventId),
        [c.eventId, b.eventId, a.eventId],
      );
      assert.equal((await s.getEvent(1, b.eventId))?.issueId, r[0]?.issueId);
    });

    it('ignores a resent event id, in the same batch and later', async () => {
      const s = (await make()).errors;
      const a = record();
      const r = await s.commit([a, { ...a }]);
      assert.deepEqual(
        r.map((x) => x.duplicate),
        [false, true],
      );
      const again = await s.commit([{ ...a }]);
      assert.equal(again[0]?.duplicate, true);
      assert.equal((await s.getIssue(1, r[0]?.issueId as number))?.events, 1);
    });

    it('a resolved issue that recurs reopens as a regression in the release it came back in', async () => {
      const s = (await make()).errors;
      const [first] = await s.commit([record()]);
      const id = first?.issueId as number;
      const resolved = await s.setStatus(1, id, { status: 'resolved', now: T0 + 10_000 });
      assert.equal(resolved?.status, 'resolved');
      const late = await s.commit([record({ ts: T0 + 5_000 })]);
      assert.equal(late[0]?.regression, false, 'an event from before the resolution does not reopen');
      const [again] = await s.commit([record({ ts: T0 + 20_000, release: 'shop@2.0.0' })]);
      assert.equal(again?.regression, true);
      const issue = await s.getIssue(1, id);
      assert.equal(issue?.status, 'unresolved');
      assert.equal(issue?.regressed, true);
      assert.equal(issue?.regressedInRelease, 'shop@2.0.0');
      const [next] = await s.commit([record({ ts: T0 + 30_000 })]);
      assert.equal(next?.regression, false, 'only the first recurrence is the regression');
    });

    it('resolved in next release: the old release does not reopen it, a new one does; ignored stays ignored', async () => {
      const s = (await make()).errors;
      const [first] = await s.commit([record({ release: 'shop@1.0.0' })]);
      const id = first?.issueId as number;
      await s.setStatus(1, id, { status: 'resolvedInNextRelease', now: T0 + 1000 });
      const [old] = await s.commit([record({ ts: T0 + 2000, release: 'shop@1.0.0' })]);
      assert.equal(old?.regression, false);
      assert.equal((await s.getIssue(1, id))?.status, 'resolvedInNextRelease');
      const [fresh] = await s.commit([record({ ts: T0 + 3000, release: 'shop@1.1.0' })]);
      assert.equal(fresh?.regression, true);
      await s.setStatus(1, id, { status: 'ignored', now: T0 + 4000 });
      const [ign] = await s.commit([record({ ts: T0 + 5000, release: 'shop@1.2.0' })]);
      assert.equal(ign?.regression, false);
      const issue = await s.getIssue(1, id);
      assert.equal(issue?.status, 'ignored');
      assert.equal(issue?.events, 4);
    });

    it('lists issues by status, text, release and environment, sorted and paged', async () => {
      const s = (await make()).errors;
      const recs = [
        record({ fingerprint: 'a', title: 'TypeError: price', ts: T0 + 1 }),
        record({ fingerprint: 'b', title: 'RangeError: 100%_done', ts: T0 + 2, environment: 'staging', dims: { environment: 'staging' } }),
        record({ fingerprint: 'b', title: 'RangeError: 100%_done', ts: T0 + 3, environment: 'staging', dims: { environment: 'staging' } }),
        record({ fingerprint: 'c', title: 'Error: other', ts: T0 + 4, dims: { release: 'shop@9' } }),
      ];
      const r = await s.commit(recs);
      await s.setStatus(1, r[0]?.issueId as number, { status: 'resolved', now: T0 + 100 });
      const base: IssueQuery = { projectId: 1, sort: 'lastSeen', limit: 10, offset: 0 };
      const titles = async (q: Partial<IssueQuery>) => (await s.listIssues({ ...base, ...q })).issues.map((i) => i.title);
      assert.deepEqual(await titles({}), ['Error: other', 'RangeError: 100%_done', 'TypeError: price']);
      assert.deepEqual(await titles({ sort: 'events' }), ['RangeError: 100%_done', 'Error: other', 'TypeError: price']);
      assert.deepEqual(await titles({ status: 'unresolved' }), ['Error: other', 'RangeError: 100%_done']);
      assert.deepEqual(await titles({ q: 'rangeerror' }), ['RangeError: 100%_done']);
      assert.deepEqual(await titles({ q: '%_' }), ['RangeError: 100%_done'], 'LIKE wildcards are literal');
      assert.deepEqual(await titles({ q: recs[3]?.eventId }), ['Error: other'], 'an event id finds its issue');
      assert.deepEqual(await titles({ environment: 'staging' }), ['RangeError: 100%_done']);
      assert.deepEqual(await titles({ release: 'shop@9' }), ['Error: other']);
      const page = await s.listIssues({ ...base, limit: 1, offset: 1 });
      assert.equal(page.total, 3);
      assert.deepEqual(
        page.issues.map((i) => i.title),
        ['RangeError: 100%_done'],
      );
    });

    it('adds up outcomes and sessions per hour, and prunes old events but keeps issues', async () => {
      const s = (await make()).errors;
      const o = { projectId: 1, hour: T0, category: 'error', outcome: 'client_discarded', reason: 'ratelimit_backoff', quantity: 3 };
      await s.addOutcomes([o, { ...o, quantity: 2 }]);
      assert.equal((await s.readOutcomes(1, T0, T0 + 3600_000))[0]?.quantity, 5);
      const ses = { projectId: 1, release: 'r1', environment: 'production', hour: T0, started: 2, errored: 1, crashed: 1, abnormal: 0 };
      await s.addSessions([ses, ses]);
      const rows = await s.readSessions(1, T0, T0 + 1);
      assert.deepEqual([rows[0]?.started, rows[0]?.crashed], [4, 2]);
      const [x] = await s.commit([record({ receivedAt: T0 - 1000 })]);
      assert.equal(await s.prune(T0), 1);
      assert.equal((await s.listEvents(x?.issueId as number, 10)).length, 0);
      assert.equal((await s.getIssue(1, x?.issueId as number))?.events, 1);
    });

    it('counts distinct session users per release over hours, a user crashed when any session crashed', async () => {
      const s = (await make()).errors;
      const u = { projectId: 1, release: 'r1', environment: 'production', hour: T0, user: 'a', crashed: 0 };
      await s.addSessionUsers([u, { ...u, user: 'b' }, { ...u, hour: T0 + 3600_000 }]);
      await s.addSessionUsers([
        { ...u, crashed: 1 },
        { ...u, user: 'c', release: 'r2' },
        { ...u, projectId: 2, user: 'd' },
      ]);
      await s.addSessionUsers([{ ...u, crashed: 0 }]);
      const rows = (await s.readSessionUsers(1, T0, T0 + 7200_000)).sort((a, b) => a.release.localeCompare(b.release));
      assert.deepEqual(rows, [
        { release: 'r1', environment: 'production', users: 2, crashedUsers: 1 },
        { release: 'r2', environment: 'production', users: 1, crashedUsers: 0 },
      ]);
      assert.deepEqual(await s.readSessionUsers(1, T0 + 7200_000, T0 + 9000_000), []);
      // Retention: the hour before the cut-off goes, the hour after stays.
      await s.prune(T0 + 3600_000);
      assert.deepEqual(await s.readSessionUsers(1, T0, T0 + 7200_000), [
        { release: 'r1', environment: 'production', users: 1, crashedUsers: 0 },
      ]);
    });

    it('commitWith, where offered, writes the side rows with the events, also with no events', async () => {
      const s = (await make()).errors;
      if (!s.commitWith) return;
      const ses = { projectId: 1, release: 'r1', environment: 'production', hour: T0, started: 1, errored: 0, crashed: 1, abnormal: 0 };
      const user = { projectId: 1, release: 'r1', environment: 'production', hour: T0, user: 'a', crashed: 1 };
      const o = { projectId: 1, hour: T0, category: 'error', outcome: 'accepted', reason: '', quantity: 1 };
      const [x] = await s.commitWith([record({ receivedAt: T0 })], { sessions: [ses], sessionUsers: [user], outcomes: [o] });
      assert.equal(x?.isNew, true);
      await s.commitWith([], { sessions: [ses], sessionUsers: [], outcomes: [o] });
      assert.equal((await s.readSessions(1, T0, T0 + 1))[0]?.started, 2);
      assert.equal((await s.readOutcomes(1, T0, T0 + 1))[0]?.quantity, 2);
      assert.equal((await s.readSessionUsers(1, T0, T0 + 1))[0]?.crashedUsers, 1);
    });
  });
}
