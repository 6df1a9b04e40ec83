/** @module A normalised error event as the store keeps it: breakdown values, a user key, the JSON. */
import { createHash } from 'node:crypto';
import { type ErrorEvent, isMessageEvent, majorVersion } from '../normalize/index.js';
import type { BreakdownDim, ErrorRecord } from '../store/index.js';

function nameVersion(x: { name: string; version?: string } | undefined): string | undefined {
  if (!x) return undefined;
  const v = majorVersion(x.version);
  return v ? `${x.name} ${v}` : x.name;
}

/** The breakdown values of an event: "Chrome 156", "Windows 10", "iPhone", "node 20", release, environment. */
export function breakdownValues(ev: ErrorEvent): Partial<Record<BreakdownDim, string>> {
  const dims: Partial<Record<BreakdownDim, string>> = {};
  const c = ev.client;
  const set = (d: BreakdownDim, v: string | undefined) => {
    if (v) dims[d] = v.slice(0, 100);
  };
  set('browser', nameVersion(c.browser));
  set('os', nameVersion(c.os));
  set('device', c.device?.model ?? c.device?.type);
  set('runtime', nameVersion(c.runtime));
  set('release', ev.release);
  set('environment', ev.environment);
  return dims;
}

/** A key per user that does not reveal who it is (for "users affected"). */
export function userKey(ev: ErrorEvent): string | undefined {
  const u = ev.user;
  const id = u?.id
    ? `id:${u.id}`
    : u?.email
      ? `email:${u.email}`
      : u?.username
        ? `name:${u.username}`
        : u?.ipAddress
          ? `ip:${u.ipAddress}`
          : '';
  if (!id) return undefined;
  let key = userKeys.get(id);
  if (key === undefined) {
    key = createHash('sha1').update(id).digest('hex').slice(0, 20);
    if (userKeys.size >= 10_000) userKeys.clear();
    userKeys.set(id, key);
  }
  return key;
}
// The same users come back with every event: their keys are remembered rather than hashed again.
const userKeys = new Map<string, string>();

/** The record to store for an event of a project. */
export function toRecord(projectId: number, ev: ErrorEvent): ErrorRecord {
  const thrown = ev.exceptions[ev.exceptions.length - 1];
  const rec: ErrorRecord = {
    projectId,
    eventId: ev.eventId,
    fingerprint: ev.grouping.hash,
    ts: ev.ts,
    receivedAt: ev.receivedAt,
    level: ev.level,
    type: isMessageEvent(ev) ? 'message' : thrown?.type || 'Error',
    title: ev.title,
    culprit: ev.culprit,
    platform: ev.platform,
    release: ev.release,
    environment: ev.environment,
    dims: breakdownValues(ev),
    data: JSON.stringify(ev),
  };
  const uk = userKey(ev);
  if (uk) rec.userKey = uk;
  return rec;
}
