/** @module The checks room assembled: the check runner and the heartbeat monitor, loaded, with Sentry check-ins fed in. */
import { type CheckRunner, type CheckRunnerDeps, createCheckRunner } from './check-runner.js';
import { createHeartbeatMonitor, type HeartbeatMonitor } from './heartbeat-monitor.js';

/** A Sentry `check_in` item as the issues pipeline parses it. */
export interface SentryCheckIn {
  projectId: number;
  slug: string;
  status: 'ok' | 'error' | 'in_progress';
  checkInId?: string;
  duration?: number;
  monitorConfig?: Record<string, unknown>;
  receivedAt: number;
}

/** Checks and heartbeats of one server. */
export interface Checks {
  runner: CheckRunner;
  heartbeats: HeartbeatMonitor;
  /** Counts a Sentry check-in (unknown slugs without `monitor_config` are logged and ignored). */
  sentryCheckIn(c: SentryCheckIn): void;
}

/** Creates and loads the runner and the monitor. */
export async function createChecks(d: CheckRunnerDeps): Promise<Checks> {
  const runner = createCheckRunner(d);
  const heartbeats = createHeartbeatMonitor(d);
  await runner.load();
  await heartbeats.load();
  return {
    runner,
    heartbeats,
    sentryCheckIn(c) {
      const checkIn = {
        status: c.status,
        ts: c.receivedAt,
        ...(c.checkInId ? { checkInId: c.checkInId } : {}),
        ...(c.duration === undefined ? {} : { duration: c.duration }),
      };
      heartbeats.checkIn(c.projectId, c.slug, checkIn, c.monitorConfig).then(
        (r) => {
          if (!r.ok) d.log.info('check-in not counted', { projectId: c.projectId, slug: c.slug, reason: r.reason, message: r.message });
        },
        (err: unknown) => d.log.error('check-in failed', { err }),
      );
    },
  };
}
