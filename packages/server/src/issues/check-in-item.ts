/** @module Sentry `check_in` envelope items (cron monitors), as the SDKs send them. */

/** One check-in of a scheduled job. */
export interface CheckInItem {
  projectId: number;
  slug: string;
  status: 'ok' | 'error' | 'in_progress';
  checkInId?: string;
  /** Seconds the run took. */
  duration?: number;
  /** Sentry's `monitor_config` as sent (creates the monitor on first use). */
  monitorConfig?: Record<string, unknown>;
  environment: string;
  receivedAt: number;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const STATUS: Record<string, CheckInItem['status']> = { ok: 'ok', error: 'error', in_progress: 'in_progress', timeout: 'error' };

/** Parses a `check_in` payload; undefined when it is not one (no slug or unknown status). */
export function checkInItem(projectId: number, payload: Buffer, receivedAt: number): CheckInItem | undefined {
  let v: unknown;
  try {
    v = JSON.parse(payload.toString('utf8'));
  } catch {
    return undefined;
  }
  if (!isObj(v) || typeof v.monitor_slug !== 'string' || v.monitor_slug === '') return undefined;
  const status = STATUS[String(v.status)];
  if (!status) return undefined;
  return {
    projectId,
    slug: v.monitor_slug.slice(0, 64),
    status,
    ...(typeof v.check_in_id === 'string' ? { checkInId: v.check_in_id.slice(0, 64) } : {}),
    ...(typeof v.duration === 'number' && Number.isFinite(v.duration) && v.duration >= 0 ? { duration: v.duration } : {}),
    ...(isObj(v.monitor_config) ? { monitorConfig: v.monitor_config } : {}),
    environment: typeof v.environment === 'string' ? v.environment.slice(0, 64) : '',
    receivedAt,
  };
}
