/**
 * @module The state of one active check, stepped by each probe result: pure, no clock, no I/O.
 * Down after `failureThreshold` consecutive failures, up after `recoveryThreshold` successes
 * (hysteresis); slow and TLS-expiring are judged the same way, each its own alert.
 */
import type { CheckSpec, CheckStatus, ProbeResult } from './types.js';

/** The explicit state carried between probes. */
export interface CheckState {
  status: CheckStatus;
  failures: number;
  successes: number;
  /** Time of the first failure of the current streak (the onset). */
  failingSince?: number;
  slowStreak: number;
  fastStreak: number;
  slowSince?: number;
}

/** A change to raise: `aspect` '' is up/down, 'slow' and 'tls' are their own alerts. */
export interface CheckChange {
  aspect: '' | 'slow' | 'tls';
  firing: boolean;
  onsetTs: number;
  severity: 'critical' | 'warning';
  title: string;
  explanation: string;
}

/** A fresh check, before its first probe. */
export function initialCheckState(now: number): CheckState {
  return {
    status: { state: 'pending', slow: false, tlsExpiring: false, since: now },
    failures: 0,
    successes: 0,
    slowStreak: 0,
    fastStreak: 0,
  };
}

const where = (spec: CheckSpec) => (spec.kind === 'tcp' ? `tcp ${spec.target}` : `${spec.method} ${spec.target}`);

/** Steps the state by one probe result at `ts`; returns the new state and the changes to raise. */
export function stepCheck(prev: CheckState, spec: CheckSpec, r: ProbeResult, ts: number): { state: CheckState; changes: CheckChange[] } {
  const s: CheckState = {
    ...prev,
    status: { ...prev.status, lastResult: { ts, ok: r.ok, latencyMs: r.latencyMs, status: r.status, error: r.error } },
  };
  const changes: CheckChange[] = [];
  if (r.ok) {
    s.failures = 0;
    s.failingSince = undefined;
    s.successes++;
    if (s.status.state === 'pending' || (s.status.state === 'down' && s.successes >= spec.recoveryThreshold)) {
      if (s.status.state === 'down') {
        changes.push({
          aspect: '',
          firing: false,
          onsetTs: ts,
          severity: spec.severity,
          title: `${spec.name} is up`,
          explanation: `${where(spec)} answered correctly ${s.successes} time(s) in a row (${r.latencyMs} ms).`,
        });
      }
      s.status = { ...s.status, state: 'up', since: ts };
    }
  } else {
    s.successes = 0;
    s.failures++;
    s.failingSince ??= ts;
    if (s.status.state !== 'down' && s.failures >= spec.failureThreshold) {
      s.status = { ...s.status, state: 'down', since: s.failingSince };
      changes.push({
        aspect: '',
        firing: true,
        onsetTs: s.failingSince,
        severity: spec.severity,
        title: `${spec.name} is down`,
        explanation: `${where(spec)} failed ${s.failures} time(s) in a row: ${r.error ?? 'failed'}.`,
      });
    }
  }
  if (spec.slowMs > 0 && r.ok) {
    if (r.latencyMs > spec.slowMs) {
      s.fastStreak = 0;
      s.slowStreak++;
      s.slowSince ??= ts;
      if (!s.status.slow && s.slowStreak >= spec.failureThreshold) {
        s.status = { ...s.status, slow: true };
        changes.push({
          aspect: 'slow',
          firing: true,
          onsetTs: s.slowSince,
          severity: 'warning',
          title: `${spec.name} is slow`,
          explanation: `${where(spec)} took ${r.latencyMs} ms, more than ${spec.slowMs} ms, ${s.slowStreak} time(s) in a row.`,
        });
      }
    } else {
      s.slowStreak = 0;
      s.slowSince = undefined;
      s.fastStreak++;
      if (s.status.slow && s.fastStreak >= spec.recoveryThreshold) {
        s.status = { ...s.status, slow: false };
        changes.push({
          aspect: 'slow',
          firing: false,
          onsetTs: ts,
          severity: 'warning',
          title: `${spec.name} is fast again`,
          explanation: `${where(spec)} answered in ${r.latencyMs} ms (limit ${spec.slowMs} ms).`,
        });
      }
    }
  }
  if (spec.tlsWarnDays > 0 && r.tlsDaysLeft !== undefined) {
    const expiring = r.tlsDaysLeft < spec.tlsWarnDays;
    if (expiring !== s.status.tlsExpiring) {
      s.status = { ...s.status, tlsExpiring: expiring };
      changes.push({
        aspect: 'tls',
        firing: expiring,
        onsetTs: ts,
        severity: 'warning',
        title: expiring ? `${spec.name}: TLS certificate expires in ${r.tlsDaysLeft} days` : `${spec.name}: TLS certificate renewed`,
        explanation: expiring
          ? `The certificate of ${spec.target} expires in ${r.tlsDaysLeft} days (warning at ${spec.tlsWarnDays}).`
          : `The certificate of ${spec.target} is valid for ${r.tlsDaysLeft} more days.`,
      });
    }
  }
  return { state: s, changes };
}
