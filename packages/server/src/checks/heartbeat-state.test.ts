import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type HeartbeatChange, type HeartbeatState, heartbeatCheckIn, heartbeatTick, initialHeartbeatState } from './heartbeat-state.js';
import type { CheckIn, HeartbeatSpec } from './types.js';
import { validateHeartbeat } from './validate.js';

const T0 = Date.UTC(2026, 10, 20, 0, 0, 0);
const spec = (b: Record<string, unknown>): HeartbeatSpec => {
  const v = validateHeartbeat(b);
  if (!v.ok) throw new Error(v.message);
  return v.value;
};

/** Replays check-ins and ticks (every second) up to `until`; returns the changes with their times. */
function replay(hb: HeartbeatSpec, checkIns: CheckIn[], until: number) {
  let state: HeartbeatState = initialHeartbeatState(hb, T0);
  const out: Array<HeartbeatChange & { at: number }> = [];
  const queue = [...checkIns].sort((a, b) => a.ts - b.ts);
  for (let now = T0; now <= until; now += 1000) {
    while (queue[0] && queue[0].ts <= now) {
      const c = queue.shift() as CheckIn;
      const r = heartbeatCheckIn(state, hb, c);
      state = r.state;
      out.push(...r.changes.map((x) => ({ ...x, at: c.ts })));
    }
    const r = heartbeatTick(state, hb, now);
    state = r.state;
    out.push(...r.changes.map((x) => ({ ...x, at: now })));
  }
  return { state, changes: out, brief: out.map((c) => `${c.state}${c.firing === undefined ? '' : c.firing ? '+' : '-'}`) };
}
const s = (sec: number) => T0 + sec * 1000;

describe('heartbeat state', () => {
  it('a job on time raises nothing', () => {
    const hb = spec({ slug: 'job', schedule: 60, graceSeconds: 10 });
    const r = replay(
      hb,
      [60, 120, 181, 240].map((t) => ({ status: 'ok' as const, ts: s(t) })),
      s(300),
    );
    assert.deepEqual(r.brief, ['late'], 'one check-in a second after its slot is noted, not alerted');
  });

  it('a missed check-in fires once after the grace, and a late one recovers', () => {
    const hb = spec({ slug: 'job', schedule: 60, graceSeconds: 10 });
    const r = replay(
      hb,
      [
        { status: 'ok', ts: s(60) },
        { status: 'ok', ts: s(200) },
      ],
      s(260),
    );
    assert.deepEqual(r.brief, ['missed+', 'ok-']);
    assert.equal(r.changes[0]?.at, s(131), 'fires in the first second past due (120 s) + grace (10 s)');
    assert.equal(r.changes[0]?.onsetTs, s(120));
    assert.match(r.changes[1]?.explanation ?? '', /80 s late/);
    assert.equal(r.state.status.nextDueAt, s(260));
  });

  it('a failed run fires; the next good run recovers', () => {
    const hb = spec({ slug: 'job', schedule: 60, graceSeconds: 10 });
    const r = replay(
      hb,
      [
        { status: 'error', ts: s(60) },
        { status: 'ok', ts: s(120) },
      ],
      s(150),
    );
    assert.deepEqual(r.brief, ['failed+', 'ok-']);
  });

  it('a run in progress beyond its maximum runtime fires, and is neither missed nor repeated', () => {
    const hb = spec({ slug: 'job', schedule: 60, graceSeconds: 10, maxRuntimeSeconds: 30 });
    const r = replay(
      hb,
      [
        { status: 'in_progress', ts: s(60), checkInId: 'a' },
        { status: 'ok', ts: s(200), checkInId: 'a' },
        { status: 'in_progress', ts: s(240), checkInId: 'b' },
        { status: 'ok', ts: s(250), checkInId: 'b' },
      ],
      s(280),
    );
    assert.deepEqual(r.brief, ['too_long+', 'ok-']);
    assert.equal(r.changes[0]?.onsetTs, s(90));
  });

  it('cron schedules in a time zone: missed after the slot plus grace', () => {
    const hb = spec({ slug: 'nightly', schedule: '0 1 * * *', timezone: 'Europe/Berlin', graceSeconds: 60 });
    // 01:00 in Berlin on 2026-11-20 is 00:00 UTC, i.e. T0 + 1 day after creation at T0.
    assert.equal(initialHeartbeatState(hb, T0).status.nextDueAt, T0 + 86400_000);
  });
});
