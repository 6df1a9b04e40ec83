/** @module The configuration schema: every key with its type, default, env name and doc. */

/** The effective, frozen configuration. */
export interface Config {
  server: { host: string; port: number; publicUrl: string; shutdownTimeoutMs: number };
  store: {
    kind: 'sqlite' | 'memory' | 'clickhouse';
    dataDir: string;
    sync: 'normal' | 'full';
    clickhouseUrl: string;
    clickhouseDatabase: string;
    clickhouseUser: string;
    clickhousePassword: string;
    clickhouseBufferMb: number;
  };
  retention: { rawEventsHours: number; secondsHours: number; minutesDays: number; hoursDays: number };
  ingest: {
    maxBodyBytes: number;
    maxDecompressedBytes: number;
    maxEventsPerBatch: number;
    maxTagsPerEvent: number;
    maxTagValueLength: number;
    maxFutureSeconds: number;
    rateLimitPerSecond: number;
    maxSeriesPerKpi: number;
  };
  auth: { adminToken: string };
  errors: {
    rateLimitPerSecond: number;
    maxEnvelopeBytes: number;
    maxItemBytes: number;
    eventRetentionDays: number;
    scrubFields: string;
    maxSourceMapBytes: number;
    sourceMapCacheBytes: number;
  };
  detect: { graceMs: number };
  alert: { resolveAfterSeconds: number; reopenWindowMinutes: number; repeatMinutes: number };
  notify: { maxAttempts: number; timeoutMs: number };
  checks: { maxConcurrent: number };
  statsd: { port: number; host: string; projectId: number };
  log: { level: 'debug' | 'info' | 'warn' | 'error' | 'silent' };
}

/** One key of the schema. */
export interface ConfigKey {
  path: string;
  type: 'string' | 'int' | 'enum';
  values?: readonly string[];
  min?: number;
  max?: number;
  default: string | number;
  secret?: boolean;
  doc: string;
}

/** Every key, in the order docs/config.md lists them. */
export const CONFIG_KEYS: readonly ConfigKey[] = [
  { path: 'server.host', type: 'string', default: '127.0.0.1', doc: 'Address to listen on. Use 0.0.0.0 to listen on every interface.' },
  { path: 'server.port', type: 'int', min: 0, max: 65535, default: 7600, doc: 'TCP port (0 picks a free one).' },
  {
    path: 'server.publicUrl',
    type: 'string',
    default: '',
    doc: 'URL users and SDKs reach Heed at, used in DSNs and links. Empty: http://host:port.',
  },
  {
    path: 'server.shutdownTimeoutMs',
    type: 'int',
    min: 0,
    max: 600000,
    default: 10000,
    doc: 'On SIGTERM, how long to wait for requests in flight before closing.',
  },
  {
    path: 'store.kind',
    type: 'enum',
    values: ['sqlite', 'memory', 'clickhouse'],
    default: 'sqlite',
    doc: 'Where data lives: embedded SQLite in `store.dataDir`, memory (lost on exit; for tests and trials), or a ClickHouse server shared by several Heed nodes (docs/clickhouse.md).',
  },
  { path: 'store.dataDir', type: 'string', default: './heed-data', doc: 'Folder of the SQLite database (heed.db with its WAL).' },
  {
    path: 'store.sync',
    type: 'enum',
    values: ['normal', 'full'],
    default: 'normal',
    doc: 'SQLite synchronous mode. normal: an acknowledged batch survives a crash of Heed (kill -9); full: it also survives power loss, at a cost in write speed.',
  },
  {
    path: 'store.clickhouseUrl',
    type: 'string',
    default: 'http://127.0.0.1:8123',
    doc: 'HTTP URL of the ClickHouse server (store.kind clickhouse).',
  },
  {
    path: 'store.clickhouseDatabase',
    type: 'string',
    default: 'heed',
    doc: 'ClickHouse database; `heed migrate` creates it and its tables.',
  },
  { path: 'store.clickhouseUser', type: 'string', default: 'default', doc: 'ClickHouse user.' },
  { path: 'store.clickhousePassword', type: 'string', default: '', secret: true, doc: 'ClickHouse password.' },
  {
    path: 'store.clickhouseBufferMb',
    type: 'int',
    min: 1,
    max: 65536,
    default: 256,
    doc: 'Local write-ahead buffer (in `store.dataDir`) for batches acknowledged while ClickHouse is unreachable; when full, ingest answers 503 with Retry-After.',
  },
  { path: 'retention.rawEventsHours', type: 'int', min: 1, max: 87600, default: 168, doc: 'How long raw events are kept for drill-down.' },
  { path: 'retention.secondsHours', type: 'int', min: 1, max: 8760, default: 48, doc: 'How long per-second buckets are kept.' },
  { path: 'retention.minutesDays', type: 'int', min: 1, max: 3650, default: 35, doc: 'How long per-minute rollups are kept.' },
  { path: 'retention.hoursDays', type: 'int', min: 1, max: 36500, default: 800, doc: 'How long per-hour rollups are kept.' },
  {
    path: 'ingest.maxBodyBytes',
    type: 'int',
    min: 1024,
    max: 1073741824,
    default: 5242880,
    doc: 'Largest request body as sent (compressed or not).',
  },
  {
    path: 'ingest.maxDecompressedBytes',
    type: 'int',
    min: 1024,
    max: 1073741824,
    default: 52428800,
    doc: 'Largest body once decompressed (guards against gzip bombs).',
  },
  { path: 'ingest.maxEventsPerBatch', type: 'int', min: 1, max: 1000000, default: 10000, doc: 'Most events in one request.' },
  { path: 'ingest.maxTagsPerEvent', type: 'int', min: 0, max: 256, default: 16, doc: 'Most tags on one event.' },
  { path: 'ingest.maxTagValueLength', type: 'int', min: 1, max: 10000, default: 200, doc: 'Longest tag value, in characters.' },
  {
    path: 'ingest.maxFutureSeconds',
    type: 'int',
    min: 0,
    max: 86400,
    default: 300,
    doc: 'How far in the future an event timestamp may be (clock skew); later ones are rejected per event.',
  },
  {
    path: 'ingest.rateLimitPerSecond',
    type: 'int',
    min: 0,
    max: 1000000000,
    default: 0,
    doc: 'Events per second a project may send (token bucket, bursts up to one second). 0: no limit.',
  },
  {
    path: 'ingest.maxSeriesPerKpi',
    type: 'int',
    min: 1,
    max: 1000000,
    default: 1000,
    doc: 'Tag combinations tracked as series per KPI; the rest are folded into the series `other` and counted.',
  },
  {
    path: 'errors.rateLimitPerSecond',
    type: 'int',
    min: 0,
    max: 1000000000,
    default: 0,
    doc: 'Error events per second a project may send through the Sentry endpoints; beyond it Heed answers 429 with `Retry-After` and `X-Sentry-Rate-Limits`. 0: no limit.',
  },
  {
    path: 'errors.maxEnvelopeBytes',
    type: 'int',
    min: 1024,
    max: 1073741824,
    default: 20971520,
    doc: 'Largest Sentry envelope as sent (compressed or not); once decompressed it is bounded by `ingest.maxDecompressedBytes`.',
  },
  {
    path: 'errors.maxItemBytes',
    type: 'int',
    min: 1024,
    max: 1073741824,
    default: 1048576,
    doc: 'Largest event, span or log item inside an envelope (Sentry: 1 MiB); larger ones are dropped and counted. Attachments are not limited by it.',
  },
  {
    path: 'errors.eventRetentionDays',
    type: 'int',
    min: 1,
    max: 36500,
    default: 30,
    doc: 'How long error events are kept; issues, their counts and breakdowns stay.',
  },
  {
    path: 'errors.scrubFields',
    type: 'string',
    default: '',
    doc: 'Extra field names to scrub from error events, comma-separated (matched as parts of keys, case-insensitive), on top of passwords, tokens, cookies, authorization, card data and the like.',
  },
  {
    path: 'errors.maxSourceMapBytes',
    type: 'int',
    min: 1024,
    max: 1073741824,
    default: 41943040,
    doc: 'Largest source map or minified file accepted per upload (Sentry: 40 MiB); larger ones get 413 `request.body_too_large`.',
  },
  {
    path: 'errors.sourceMapCacheBytes',
    type: 'int',
    min: 0,
    max: 17179869184,
    default: 134217728,
    doc: 'Parsed source maps (and minified files) kept in memory for symbolication, counted by the size of their text; the least recently used go first.',
  },
  {
    path: 'auth.adminToken',
    type: 'string',
    default: '',
    secret: true,
    doc: 'Token for reads and admin calls. Empty: generated on first start and kept in the store. Env alias: HEED_ADMIN_TOKEN.',
  },
  {
    path: 'detect.graceMs',
    type: 'int',
    min: 0,
    max: 60000,
    default: 250,
    doc: 'The least time the present stays open for events in flight before silence counts as evidence of a drop. Each series also learns how late its data arrives (clients that batch send late) and waits that long plus 200 ms, at most 10 s.',
  },
  {
    path: 'alert.resolveAfterSeconds',
    type: 'int',
    min: 0,
    max: 86400,
    default: 60,
    doc: 'A recovered alert must stay recovered this long before its incident resolves (hysteresis against flapping).',
  },
  {
    path: 'alert.reopenWindowMinutes',
    type: 'int',
    min: 0,
    max: 10080,
    default: 30,
    doc: 'An alert that fires again this soon after its incident resolved reopens that incident instead of opening a new one.',
  },
  {
    path: 'alert.repeatMinutes',
    type: 'int',
    min: 0,
    max: 10080,
    default: 60,
    doc: 'Page again while an incident is unacknowledged and still firing, at most this often (also the least time between two pages of a reopened incident). 0: never.',
  },
  {
    path: 'notify.maxAttempts',
    type: 'int',
    min: 1,
    max: 100,
    default: 12,
    doc: 'Delivery attempts per notification before it is given up (backoff 1 s, 2 s, 4 s ... at most 5 min apart: 12 attempts span about 20 min).',
  },
  {
    path: 'notify.timeoutMs',
    type: 'int',
    min: 100,
    max: 120000,
    default: 10000,
    doc: 'Time allowed for one delivery attempt (HTTP request or SMTP session).',
  },
  {
    path: 'checks.maxConcurrent',
    type: 'int',
    min: 1,
    max: 10000,
    default: 100,
    doc: 'Active checks probed at the same time at most; the rest wait their turn (a hung target holds a slot until its timeout).',
  },
  {
    path: 'statsd.port',
    type: 'int',
    min: 0,
    max: 65535,
    default: 0,
    doc: 'UDP port for StatsD/DogStatsD metrics (hot-shots and other clients; the usual one is 8125); 0: off. See docs/statsd.md.',
  },
  {
    path: 'statsd.host',
    type: 'string',
    default: '127.0.0.1',
    doc: 'Address the StatsD listener binds to. Use 0.0.0.0 to take metrics from other hosts.',
  },
  {
    path: 'statsd.projectId',
    type: 'int',
    min: 1,
    max: 2147483647,
    default: 1,
    doc: 'Project the StatsD metrics go to (the default project has id 1); Heed refuses to start if it does not exist.',
  },
  {
    path: 'log.level',
    type: 'enum',
    values: ['debug', 'info', 'warn', 'error', 'silent'],
    default: 'info',
    doc: 'Least important log level written (JSON lines on stderr).',
  },
];

/** The env variable for a key: HEED_<SECTION>_<KEY> in upper snake case. */
export function envName(path: string): string {
  return `HEED_${path
    .replace(/\./g, '_')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toUpperCase()}`;
}
