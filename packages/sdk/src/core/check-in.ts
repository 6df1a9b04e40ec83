/** @module Heartbeats: `checkIn` and `monitor`, sent as Sentry `check_in` envelope items. */
import { getClient } from './hub.js';
import type { CheckInStatus, MonitorConfig } from './types.js';
import { uuid } from './util.js';

/** A check-in of a job. */
export interface CheckIn {
  status: CheckInStatus;
  /** The id of the `in_progress` check-in this one closes. */
  checkInId?: string;
  /** Seconds the job ran. */
  duration?: number;
}

/**
 * Reports a heartbeat of a scheduled job; returns the check-in id (pass it to close an `in_progress` one).
 * @example
 * const id = checkIn('nightly-export', { status: 'in_progress' });
 * checkIn('nightly-export', { status: 'ok', checkInId: id, duration: 12.5 });
 */
export function checkIn(slug: string, checkIn: CheckIn, config?: MonitorConfig): string {
  const id = checkIn.checkInId ?? uuid();
  try {
    const client = getClient();
    if (!client) return id;
    const { release, environment } = client.options;
    const payload: Record<string, unknown> = {
      check_in_id: id,
      monitor_slug: slug,
      status: checkIn.status,
      duration: checkIn.duration,
      release,
      environment,
    };
    if (config) {
      const { schedule, checkinMargin, maxRuntime, timezone } = config;
      payload.monitor_config = { schedule, checkin_margin: checkinMargin, max_runtime: maxRuntime, timezone };
    }
    client.sendItem({ type: 'check_in', payload });
  } catch {
    // Heartbeats are best effort; the job itself goes on.
  }
  return id;
}

/**
 * Runs a job and reports its start, success or failure, and duration. The job's own result or error passes through unchanged.
 * @example
 * await monitor('nightly-export', () => exportAll(), { schedule: { type: 'crontab', value: '0 3 * * *' } });
 */
export function monitor<T>(slug: string, job: () => T, config?: MonitorConfig): T {
  const start = Date.now();
  const checkInId = checkIn(slug, { status: 'in_progress' }, config);
  const done = (status: CheckInStatus) => checkIn(slug, { status, checkInId, duration: (Date.now() - start) / 1000 }, config);
  let result: T;
  try {
    result = job();
  } catch (e) {
    done('error');
    throw e;
  }
  if (result instanceof Promise) {
    return result.then(
      (v: unknown) => {
        done('ok');
        return v;
      },
      (e: unknown) => {
        done('error');
        throw e;
      },
    ) as T;
  }
  done('ok');
  return result;
}
