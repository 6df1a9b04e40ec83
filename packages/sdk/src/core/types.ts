/** @module Public types of the SDK: events, breadcrumbs, users, options and the Sentry event shape it sends. */

/** Tag values as the KPI endpoint accepts them. */
export type Tags = Record<string, string | number | boolean>;

/** A business event (KPI) as `POST /api/<projectId>/events` takes it. */
export interface KpiEvent {
  /** KPI name: 1-128 of letters, digits, `_ . : / -`. */
  name: string;
  /** When it happened, epoch ms (the SDK stamps it when tracked). */
  ts?: number;
  /** The amount, or the reading of a gauge. */
  value?: number;
  /** Pre-counted record: how many events this stands for (`value` is then their sum). */
  count?: number;
  /** Segments, e.g. `{ plan: 'pro' }`. */
  tags?: Tags;
  /** `count` (default) or `gauge`. */
  type?: 'count' | 'gauge';
}

/** Severity of an error event or breadcrumb. */
export type Level = 'fatal' | 'error' | 'warning' | 'info' | 'debug' | 'log';

/** A trail entry attached to the next error events. */
export interface Breadcrumb {
  /** Float Unix seconds; set when added. */
  timestamp?: number;
  category?: string;
  message?: string;
  level?: Level;
  type?: string;
  data?: Record<string, unknown>;
}

/** The user an error happened to. */
export interface User {
  id?: string;
  username?: string;
  email?: string;
  [key: string]: unknown;
}

/** One stack frame, oldest call first in a stack trace. */
export interface StackFrame {
  filename?: string;
  function?: string;
  lineno?: number;
  colno?: number;
  in_app?: boolean;
}

/** One exception in `exception.values` (the thrown error is the last one). */
export interface ExceptionValue {
  /** Absent on the synthetic exception of a message event. */
  type?: string;
  value: string;
  stacktrace?: { frames: StackFrame[] };
  mechanism?: Mechanism;
}

/** How an exception was caught (Sentry's `mechanism`). */
export interface Mechanism {
  type: string;
  handled: boolean;
  exception_id?: number;
  parent_id?: number;
  source?: string;
  synthetic?: boolean;
}

/** The Sentry error event the SDK sends in an envelope (the fields it fills). */
export interface ErrorEvent {
  event_id: string;
  timestamp: number;
  platform: 'node' | 'javascript';
  level: Level;
  release?: string;
  environment?: string;
  server_name?: string;
  message?: string;
  transaction?: string;
  exception?: { values: ExceptionValue[] };
  tags?: Record<string, string>;
  user?: User;
  breadcrumbs?: Breadcrumb[];
  contexts?: Record<string, Record<string, unknown>>;
  extra?: Record<string, unknown>;
  request?: { url?: string; method?: string; headers?: Record<string, string> };
  sdk: { name: string; version: string };
}

/** What is known about a capture besides the event itself. */
export interface EventHint {
  /** The original thrown value. */
  originalException?: unknown;
}

/** Status of a heartbeat check-in. */
export type CheckInStatus = 'in_progress' | 'ok' | 'error';

/** Schedule and tolerances of a monitor, sent with its check-ins (Sentry's `monitor_config`). */
export interface MonitorConfig {
  schedule:
    | { type: 'crontab'; value: string }
    | { type: 'interval'; value: number; unit: 'minute' | 'hour' | 'day' | 'week' | 'month' | 'year' };
  checkinMargin?: number;
  maxRuntime?: number;
  timezone?: string;
}
