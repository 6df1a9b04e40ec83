/**
 * @module The state of one heartbeat, stepped by check-ins and by time: pure, time comes in.
 * A run is due at the next slot of its schedule after the previous run started; missing it by
 * more than the grace period is `missed`; an `error` check-in is `failed`; a run in progress
 * longer than its maximum runtime is `too_long`. The next good run recovers (noting lateness).
 */
import { nextSlot, parseCron } from './cron.js';
import type { CheckIn, HeartbeatSpec, HeartbeatStatus } from './types.js';

type Problem = 'missed' | 'failed' | 'too_long';

/** The explicit state carried between check-ins and ticks. */
export interface HeartbeatState {
  status: HeartbeatStatus;
  problem?: Problem;
  runningSince?: number;
  runId?: string;
}

/** A change to raise, or a note for the history (`firing` undefined: no signal). */
export interface HeartbeatChange {
  firing?: boolean;
  onsetTs: number;
  title: string;
  explanation: string;
  state: string;
}

/** When the run after one that started at `after` is due (undefined: the cron never fires again). */
export function dueAfter(spec: HeartbeatSpec, after: number): number | undefined {
  if (spec.schedule.kind === 'interval') return after + spec.schedule.seconds * 1000;
  const cron = parseCron(spec.schedule.expr);
  return cron.ok ? nextSlot(cron.value, after, spec.schedule.timezone) : undefined;
}

/** A new heartbeat: its first run is due at the first slot after `now`. */
export function initialHeartbeatState(spec: HeartbeatSpec, now: number): HeartbeatState {
  return { status: { state: 'new', since: now, nextDueAt: dueAfter(spec, now) } };
}

const secs = (ms: number) => (ms < 120_000 ? `${Math.round(ms / 1000)} s` : `${Math.round(ms / 60_000)} min`);

function fire(spec: HeartbeatSpec, problem: Problem, onsetTs: number, detail: string): HeartbeatChange {
  const what = { missed: 'missed its check-in', failed: 'failed', too_long: 'is running too long' }[problem];
  return { firing: true, onsetTs, state: problem, title: `${spec.name} ${what}`, explanation: detail };
}

/** Steps the state by a check-in. */
export function heartbeatCheckIn(
  prev: HeartbeatState,
  spec: HeartbeatSpec,
  c: CheckIn,
): { state: HeartbeatState; changes: HeartbeatChange[] } {
  const s: HeartbeatState = { ...prev, status: { ...prev.status, lastCheckInAt: c.ts } };
  const changes: HeartbeatChange[] = [];
  const due = prev.status.nextDueAt;
  const lateBy = due !== undefined && c.ts > due ? c.ts - due : 0;
  const recover = (how: string) => {
    changes.push({ firing: false, onsetTs: c.ts, state: 'ok', title: `${spec.name} is back on schedule`, explanation: how });
    s.problem = undefined;
  };
  const closesRun = s.runningSince !== undefined && (c.checkInId === undefined || s.runId === undefined || c.checkInId === s.runId);
  if (c.status === 'in_progress') {
    s.runningSince = c.ts;
    s.runId = c.checkInId;
    s.status = { ...s.status, state: 'running', since: c.ts, nextDueAt: dueAfter(spec, c.ts) };
    if (prev.problem === 'missed') recover(`The run started ${secs(lateBy)} late.`);
    else if (lateBy > 0)
      changes.push({
        onsetTs: c.ts,
        state: 'late',
        title: `${spec.name} started late`,
        explanation: `Started ${secs(lateBy)} after its slot, within the grace period.`,
      });
    return { state: s, changes };
  }
  const started = closesRun ? (s.runningSince as number) : c.duration !== undefined ? c.ts - c.duration * 1000 : c.ts;
  const tookMs = c.duration !== undefined ? c.duration * 1000 : closesRun ? c.ts - started : undefined;
  if (!closesRun) s.status.nextDueAt = dueAfter(spec, started);
  // A run that outlasted its next slot is judged by its runtime (too_long), not missed as well.
  else if (s.status.nextDueAt !== undefined && s.status.nextDueAt < c.ts) s.status.nextDueAt = dueAfter(spec, c.ts);
  s.runningSince = undefined;
  s.runId = undefined;
  if (c.status === 'error') {
    s.problem = 'failed';
    s.status = { ...s.status, state: 'failed', since: c.ts };
    changes.push(
      fire(
        spec,
        'failed',
        started,
        `The run that started ${new Date(started).toISOString()} reported an error${tookMs === undefined ? '' : ` after ${secs(tookMs)}`}.`,
      ),
    );
  } else if (spec.maxRuntimeSeconds > 0 && tookMs !== undefined && tookMs > spec.maxRuntimeSeconds * 1000) {
    if (prev.problem !== 'too_long')
      changes.push(
        fire(
          spec,
          'too_long',
          started + spec.maxRuntimeSeconds * 1000,
          `The run took ${secs(tookMs)}, longer than ${secs(spec.maxRuntimeSeconds * 1000)}.`,
        ),
      );
    s.problem = 'too_long';
    s.status = { ...s.status, state: 'too_long', since: c.ts };
  } else {
    s.status = { ...s.status, state: 'ok', since: c.ts };
    if (prev.problem === 'missed') recover(`Checked in ${secs(lateBy)} late.`);
    else if (prev.problem === 'failed') recover('The run succeeded again.');
    else if (prev.problem === 'too_long') recover(`The run finished${tookMs === undefined ? '' : ` in ${secs(tookMs)}`}.`);
    else if (lateBy > 0 && !closesRun)
      changes.push({
        onsetTs: c.ts,
        state: 'late',
        title: `${spec.name} checked in late`,
        explanation: `Checked in ${secs(lateBy)} after its slot, within the grace period.`,
      });
  }
  return { state: s, changes };
}

/** Steps the state by time: raises missed and too-long runs. */
export function heartbeatTick(
  prev: HeartbeatState,
  spec: HeartbeatSpec,
  now: number,
): { state: HeartbeatState; changes: HeartbeatChange[] } {
  const { runningSince, problem } = prev;
  const due = prev.status.nextDueAt;
  if (runningSince !== undefined) {
    const limit = spec.maxRuntimeSeconds * 1000;
    if (limit > 0 && now - runningSince > limit && problem !== 'too_long') {
      const state: HeartbeatState = { ...prev, problem: 'too_long', status: { ...prev.status, state: 'too_long', since: now } };
      return {
        state,
        changes: [
          fire(
            spec,
            'too_long',
            runningSince + limit,
            `A run in progress since ${new Date(runningSince).toISOString()} has not finished after ${secs(limit)}.`,
          ),
        ],
      };
    }
    return { state: prev, changes: [] };
  }
  if (due !== undefined && problem !== 'missed' && now > due + spec.graceSeconds * 1000) {
    const state: HeartbeatState = { ...prev, problem: 'missed', status: { ...prev.status, state: 'missed', since: now } };
    const last = prev.status.lastCheckInAt;
    const detail = `No check-in for the run due ${new Date(due).toISOString()} within ${secs(spec.graceSeconds * 1000)} of grace${last === undefined ? ' (it never checked in)' : `; the last was ${new Date(last).toISOString()}`}.`;
    return { state, changes: [fire(spec, 'missed', due, detail)] };
  }
  return { state: prev, changes: [] };
}
