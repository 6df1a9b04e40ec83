/** @module The shape of an error event after normalisation: what is stored and shown. */

/** One stack frame, oldest call first in a stack trace. */
export interface ErrorFrame {
  filename?: string;
  absPath?: string;
  function?: string;
  module?: string;
  lineno?: number;
  colno?: number;
  inApp: boolean;
  contextLine?: string;
  preContext?: string[];
  postContext?: string[];
  vars?: Record<string, unknown>;
  /** Where the frame was in the minified file, when a source map gave the fields above. */
  raw?: { filename?: string; absPath?: string; function?: string; lineno?: number; colno?: number };
}

/** One exception of a chain; the last of `exceptions` is the one thrown, earlier ones its causes. */
export interface ErrorException {
  type: string;
  value: string;
  module?: string;
  mechanism?: { type: string; handled?: boolean; synthetic?: boolean };
  frames: ErrorFrame[];
}

/** A breadcrumb: what happened before the error. */
export interface Breadcrumb {
  ts: number;
  category?: string;
  message?: string;
  level?: string;
  type?: string;
  data?: Record<string, unknown>;
}

/** Browser, OS and device, from contexts or the User-Agent. */
export interface ClientInfo {
  browser?: { name: string; version?: string };
  os?: { name: string; version?: string };
  device?: { type?: string; vendor?: string; model?: string; arch?: string };
  runtime?: { name: string; version?: string };
}

/** A `debug_meta.images[]` entry: the file (`code_file`, as frames name it) and its `debug_id`. */
export interface DebugImage {
  type: string;
  codeFile: string;
  debugId: string;
}

/** An error or message event, normalised and scrubbed. Times are epoch milliseconds. */
export interface ErrorEvent {
  eventId: string;
  ts: number;
  receivedAt: number;
  level: 'fatal' | 'error' | 'warning' | 'info' | 'debug';
  platform: string;
  /** The message of a message event (captureMessage), '' otherwise. */
  message: string;
  exceptions: ErrorException[];
  release: string;
  environment: string;
  dist?: string;
  serverName?: string;
  transaction?: string;
  logger?: string;
  tags: Record<string, string>;
  user?: { id?: string; username?: string; email?: string; ipAddress?: string };
  request?: {
    url?: string;
    method?: string;
    query?: string;
    headers?: Record<string, string>;
    data?: unknown;
    cookies?: string;
  };
  contexts: Record<string, Record<string, unknown>>;
  client: ClientInfo;
  breadcrumbs: Breadcrumb[];
  extra: Record<string, unknown>;
  sdk?: { name: string; version: string };
  /** `debug_meta.images` (at most 100): which debug id each file carries, for source maps by debug id. */
  debugImages?: DebugImage[];
  /** The SDK's fingerprint, when it sent one. */
  fingerprint?: string[];
  /** Grouping results: the hash and the parts it was made from (for "why grouped"). */
  grouping: { hash: string; parts: string[] };
  title: string;
  culprit: string;
}
