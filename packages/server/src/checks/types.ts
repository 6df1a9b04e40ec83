/** @module The checks room's vocabulary: active checks, heartbeats, their state and the signals they raise. */

/** An active check of a dependency: an HTTP(S) request or a TCP connect, every `intervalSeconds`. */
export interface CheckSpec {
  name: string;
  kind: 'http' | 'tcp';
  /** http(s) URL for `http`; `host:port` for `tcp`. */
  target: string;
  intervalSeconds: number;
  timeoutMs: number;
  method: string;
  headers: Record<string, string>;
  /** Accepted status codes, e.g. ['2xx', '301']. */
  expectStatus: string[];
  /** Text the body must contain. */
  expectBody?: string;
  followRedirects: boolean;
  /** Warn this many days before the TLS certificate expires (0: never). */
  tlsWarnDays: number;
  /** Accept certificates that do not verify (self-signed internal services); expiry is still watched. */
  ignoreTlsErrors?: boolean;
  /** A response slower than this (ms) counts as slow (0: only detection on `check.latency_ms` judges). */
  slowMs: number;
  /** Consecutive failures before it is down; failures are re-probed quickly to confirm. */
  failureThreshold: number;
  /** Consecutive successes before it is up again. */
  recoveryThreshold: number;
  severity: 'critical' | 'warning';
  /** Shown on the public status page. */
  public: boolean;
}

/** The outcome of one probe. */
export interface ProbeResult {
  ok: boolean;
  latencyMs: number;
  status?: number;
  /** Why it failed: a short human reason. */
  error?: string;
  /** Days until the TLS certificate expires. */
  tlsDaysLeft?: number;
}

/** One probe, as kept in history. */
export interface ResultEntry {
  ts: number;
  ok: boolean;
  latencyMs: number;
  status?: number;
  error?: string;
}

/** A change of state, as kept in history. */
export interface Transition {
  ts: number;
  state: string;
  text: string;
}

/** A schedule: every N seconds, or a cron expression in a time zone. */
export type Schedule = { kind: 'interval'; seconds: number } | { kind: 'cron'; expr: string; timezone: string };

/** A heartbeat (cron monitor): a job that must check in on schedule. */
export interface HeartbeatSpec {
  name: string;
  /** What the job checks in as (URL path, Sentry `monitor_slug`). */
  slug: string;
  schedule: Schedule;
  /** How long after the scheduled time a check-in may still arrive. */
  graceSeconds: number;
  /** A run still in progress after this long is too long (0: no limit). */
  maxRuntimeSeconds: number;
  severity: 'critical' | 'warning';
  public: boolean;
}

/** One check-in of a job, from the SDK, a Sentry `check_in` item, or the ping URL. */
export interface CheckIn {
  status: 'ok' | 'error' | 'in_progress';
  ts: number;
  checkInId?: string;
  /** Seconds the run took, when the client says. */
  duration?: number;
}

/** Raised to the alert engine: a check or heartbeat started or stopped failing. */
export interface CheckSignal {
  projectId: number;
  /** `check:<id>`, `check:<id>:slow`, `check:<id>:tls`, `heartbeat:<id>`. */
  key: string;
  kind: 'check' | 'heartbeat';
  /** The check's or heartbeat's name. */
  name: string;
  firing: boolean;
  ts: number;
  onsetTs: number;
  severity: 'critical' | 'warning' | 'info';
  title: string;
  explanation: string;
}

/** Current state of a check, for the API and status page. */
export interface CheckStatus {
  state: 'pending' | 'up' | 'down';
  slow: boolean;
  tlsExpiring: boolean;
  since: number;
  lastResult?: ResultEntry;
}

/** Current state of a heartbeat. */
export interface HeartbeatStatus {
  state: 'new' | 'ok' | 'running' | 'missed' | 'failed' | 'too_long';
  since: number;
  lastCheckInAt?: number;
  /** When the next check-in is expected (before grace). */
  nextDueAt?: number;
}
