/** @module Options of `init`, their defaults, and the resolved (frozen) form the client runs on. */
import type { Transport } from './transport.js';
import type { Breadcrumb, ErrorEvent, EventHint, KpiEvent, Tags } from './types.js';

/** Options of `init`. Every field is optional; without a `dsn` the SDK stays inert. */
export interface Options {
  /** `http://<key>@<host>:<port>/<projectId>`, as printed by `heed start`. */
  dsn?: string;
  /** Version of the app, e.g. `shop@1.2.3`. */
  release?: string;
  /** e.g. `production`. */
  environment?: string;
  /** Kill switch: `false` turns every call into a no-op. Default true. */
  enabled?: boolean;
  /** Log what the SDK does and drops (to the console, warnings only). Default false. */
  debug?: boolean;
  /** Share of error events sent, 0..1. Default 1. */
  sampleRate?: number;
  /** Last look at an error event: return it (changed or not), or null to drop it. */
  beforeSend?: (event: ErrorEvent, hint: EventHint) => ErrorEvent | null;
  /** Last look at a business event: return it, or null to drop it. */
  beforeTrack?: (event: KpiEvent) => KpiEvent | null;
  /** Last look at a breadcrumb: return it, or null to drop it. */
  beforeBreadcrumb?: (crumb: Breadcrumb) => Breadcrumb | null;
  /** Tags added to every business event (errors get them too). */
  tags?: Tags;
  /** Capture uncaught errors and unhandled rejections. Default true. */
  autoCapture?: boolean;
  /** Record latency and failures of outgoing requests per downstream host. Default false (opt-in). */
  dependencies?: boolean;
  /** Flush business events this often (ms). Default 5000. */
  flushIntervalMs?: number;
  /** Most business events waiting in memory; further ones are dropped and counted. Default 1000. */
  maxQueue?: number;
  /** Most error/check-in envelopes waiting in memory. Default 30. */
  maxEnvelopes?: number;
  /** Most business events in one request. Default 500. */
  maxBatch?: number;
  /** Breadcrumbs kept for the next error. Default 30. */
  maxBreadcrumbs?: number;
  /** Retries of a failed request (network error, 5xx, 429) before its data is dropped. Default 3. */
  maxRetries?: number;
  /** Compress request bodies above this many bytes when the platform can. Default 16384. */
  compressAbove?: number;
  /** Replaces the HTTP transport (tests, proxies). */
  transport?: Transport;
}

/** Options after defaults. */
export type ResolvedOptions = Required<
  Pick<
    Options,
    | 'enabled'
    | 'debug'
    | 'sampleRate'
    | 'autoCapture'
    | 'dependencies'
    | 'flushIntervalMs'
    | 'maxQueue'
    | 'maxEnvelopes'
    | 'maxBatch'
    | 'maxBreadcrumbs'
    | 'maxRetries'
    | 'compressAbove'
    | 'tags'
  >
> &
  Omit<Options, 'tags'>;

// Numeric options: [default, min, max]. A bad value falls back to the default rather than throwing.
const NUMBERS = {
  sampleRate: [1, 0, 1],
  flushIntervalMs: [5000, 10, 3_600_000],
  maxQueue: [1000, 1, 1e6],
  maxEnvelopes: [30, 1, 1e4],
  maxBatch: [500, 1, 1e4],
  maxBreadcrumbs: [30, 0, 1000],
  maxRetries: [3, 0, 100],
  compressAbove: [16384, 0, 1e9],
} as const;

/** Applies defaults and clamps numbers to sane ranges. */
export function resolveOptions(o: Options): ResolvedOptions {
  const r: Record<string, unknown> = {
    ...o,
    enabled: o.enabled !== false,
    debug: o.debug === true,
    autoCapture: o.autoCapture !== false,
    dependencies: o.dependencies === true,
    tags: { ...o.tags },
  };
  for (const [k, [dflt, min, max]] of Object.entries(NUMBERS)) {
    const v = o[k as keyof typeof NUMBERS];
    r[k] = typeof v === 'number' && v >= min && v <= max ? v : dflt;
  }
  return Object.freeze(r) as ResolvedOptions;
}
