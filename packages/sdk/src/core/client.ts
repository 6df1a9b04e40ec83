/** @module The client: options, scope, the two lanes (business events, envelopes) and the flush timer. */
import { createAggregator } from './aggregator.js';
import { DEBUG_BUILD } from './debug-build.js';
import { type Dsn, parseDsn } from './dsn.js';
import { CATEGORY, type Envelope, type EnvelopeItem, eventEnvelopeHeader, serializeEnvelope } from './envelope.js';
import { baseEvent, type EventBase, exceptionValues, messageException } from './event.js';
import { createKpiLane, kpiRequest, maybeCompress } from './kpi-lane.js';
import { createLane, type Lane } from './lane.js';
import { createLog, type Log } from './log.js';
import { type Options, type ResolvedOptions, resolveOptions } from './options.js';
import { createOutcomes, type Outcomes } from './outcomes.js';
import type { Platform } from './platform.js';
import { createRateLimits } from './rate-limits.js';
import { createScope, type Scope } from './scope.js';
import { createFetchTransport, type Transport, type TransportRequest } from './transport.js';
import type { ErrorEvent, EventHint, KpiEvent, Level, Mechanism, Tags, User } from './types.js';
import { uuid } from './util.js';
import { SDK_VERSION } from './version.js';

/** Extra data of one capture. */
export interface CaptureContext {
  level?: Level;
  /** The user of this event only (the scope's user is process-wide: in servers, pass the request's user here). */
  user?: User;
  mechanism?: Mechanism;
  tags?: Record<string, string>;
  extra?: Record<string, unknown>;
}

/** A running SDK instance. Every method is safe to call at any time and never throws. */
export interface Client {
  readonly options: ResolvedOptions;
  readonly dsn: Dsn;
  readonly scope: Scope;
  readonly log: Log;
  /** The transport in use (user-given or the runtime's). */
  readonly transport: Transport;
  record(event: KpiEvent): void;
  /** Adds a measurement to the per-second aggregate of a series (HTTP and dependency metrics). */
  measure(name: string, tags: Tags, value: number): void;
  captureException(err: unknown, ctx?: CaptureContext): string;
  captureMessage(message: string, level: Level, stack?: string): string;
  /** Queues one envelope item (e.g. a `check_in`) under the envelope header the client would use. */
  sendItem(item: EnvelopeItem, header?: Record<string, unknown>): void;
  /** Adds a hook that enriches every error event (e.g. the current HTTP request). */
  addDecorator(fn: (event: ErrorEvent) => void): void;
  /** Runs `fn` when the client closes (integrations remove their listeners there). */
  onClose(fn: () => void): void;
  flush(timeoutMs?: number): Promise<boolean>;
  close(timeoutMs?: number): Promise<boolean>;
  /** Hands everything queued to `send` (e.g. `sendBeacon`) at once; what it refuses is counted as lost. */
  sendNow(send: (req: TransportRequest) => boolean): void;
  /** Queued business events and envelopes, and every drop so far by `reason:category`. */
  stats(): { events: number; envelopes: number; dropped: Record<string, number> };
}

const REPORT_EVERY_MS = 60_000;

/** Creates a client, or undefined when disabled or without a valid DSN (then every call is a no-op). */
export function createClient(options: Options, platform: Platform): Client | undefined {
  const o = resolveOptions(options);
  const log = createLog(o.debug);
  const dsn = o.dsn ? parseDsn(o.dsn, `${platform.sdkName}/${SDK_VERSION}`) : undefined;
  if (!o.enabled || !dsn) {
    if (DEBUG_BUILD && o.enabled) log('no valid dsn: the SDK stays inert');
    return undefined;
  }
  const transport = o.transport ?? platform.transport?.() ?? createFetchTransport();
  const outcomes: Outcomes = createOutcomes();
  const scope = createScope(o.maxBreadcrumbs);
  const kpi = createKpiLane(dsn, o, platform, transport, outcomes, log);
  const envelopes: Lane<Envelope> = createLane<Envelope>({
    max: o.maxEnvelopes,
    batch: 1,
    maxRetries: o.maxRetries,
    transport,
    outcomes,
    log,
    limits: createRateLimits(),
    category: (e) => e.category,
    encode: (items) =>
      maybeCompress(
        { url: dsn.envelopeUrl, body: items.map((e) => e.body).join(''), headers: { 'content-type': 'text/plain;charset=UTF-8' } },
        o,
        platform,
      ),
  });
  const aggregates = createAggregator(o.maxQueue);
  const decorators: Array<(e: ErrorEvent) => void> = [];
  const closers: Array<() => void> = [];
  const sdk = { name: platform.sdkName, version: SDK_VERSION };
  const base: EventBase = { platform: platform.eventPlatform, sdk, release: o.release, environment: o.environment };
  const traceId = uuid();
  const seen = new WeakSet<object>();
  let open = true;
  let lastReport = Date.now();

  const pushEnvelope = (env: Envelope | undefined, category: string) => {
    if (!env) return outcomes.record('internal_sdk_error', category);
    if (envelopes.push(env)) void envelopes.pump();
  };
  const report = () => {
    const discarded = outcomes.take();
    lastReport = Date.now();
    if (discarded.length) {
      pushEnvelope(
        serializeEnvelope({}, { type: 'client_report', payload: { timestamp: Date.now() / 1000, discarded_events: discarded } }),
        'internal',
      );
    }
  };
  const moveAggregates = () => {
    for (const e of aggregates.take()) kpi.push(e);
  };
  const tick = () => {
    moveAggregates();
    void kpi.pump();
    void envelopes.pump();
    if (Date.now() - lastReport >= REPORT_EVERY_MS) report();
  };
  const interval = setInterval(tick, o.flushIntervalMs);
  (interval as unknown as { unref?: () => void }).unref?.();

  const finish = (ev: ErrorEvent, hint: EventHint, ctx: CaptureContext): string => {
    const tags = { ...stringTags(o.tags), ...scope.tags, ...ctx.tags };
    if (Object.keys(tags).length) ev.tags = tags;
    const user = ctx.user ?? scope.user;
    if (user) ev.user = { ...user };
    ev.contexts = { trace: { trace_id: traceId, span_id: uuid().slice(16) }, ...scope.contexts };
    const extra = { ...scope.extra, ...ctx.extra };
    if (Object.keys(extra).length) ev.extra = extra;
    if (scope.breadcrumbs.length) ev.breadcrumbs = scope.breadcrumbs.slice();
    platform.decorate?.(ev);
    for (const d of decorators) d(ev);
    if (Math.random() >= o.sampleRate) {
      outcomes.record('sample_rate', 'error');
      return '';
    }
    let final: ErrorEvent | null = ev;
    if (o.beforeSend) {
      try {
        final = o.beforeSend(ev, hint);
      } catch (e) {
        if (DEBUG_BUILD) log('beforeSend threw; event dropped', e);
        final = null;
      }
    }
    if (!final) {
      outcomes.record('before_send', 'error');
      return '';
    }
    pushEnvelope(serializeEnvelope(eventEnvelopeHeader(final, dsn.key, traceId), { type: 'event', payload: final }), 'error');
    return final.event_id;
  };

  const client: Client = {
    options: o,
    dsn,
    scope,
    log,
    transport,
    record(event) {
      if (!open) return;
      let e: KpiEvent | null = event;
      if (o.beforeTrack) {
        try {
          e = o.beforeTrack(event);
        } catch {
          e = null;
        }
        if (!e) return outcomes.record('before_send', 'kpi');
      }
      if (kpi.push(e) && kpi.size() >= o.maxBatch) void kpi.pump();
    },
    measure(name, tags, value) {
      if (open && !aggregates.add(name, tags, value)) outcomes.record('queue_overflow', 'kpi');
    },
    captureException(err, ctx = {}) {
      if (!open) return '';
      if (typeof err === 'object' && err !== null) {
        if (seen.has(err)) return '';
        seen.add(err);
      }
      const ev = baseEvent(base, uuid(), ctx.level ?? 'error');
      ev.exception = { values: exceptionValues(err, ctx.mechanism ?? { type: 'generic', handled: true }) };
      return finish(ev, { originalException: err }, ctx);
    },
    captureMessage(message, level, stack) {
      if (!open) return '';
      const ev = baseEvent(base, uuid(), level);
      ev.message = message;
      ev.exception = { values: [messageException(message, stack)] };
      return finish(ev, {}, {});
    },
    sendItem(item, header) {
      if (open) pushEnvelope(serializeEnvelope({ sent_at: new Date().toISOString(), sdk, ...header }, item), CATEGORY[item.type]);
    },
    addDecorator: (fn) => void decorators.push(fn),
    onClose: (fn) => void closers.push(fn),
    async flush(timeoutMs = 2000) {
      const end = Date.now() + timeoutMs;
      moveAggregates();
      const [a, b] = await Promise.all([kpi.flush(timeoutMs), envelopes.flush(timeoutMs)]);
      // Report drops last, so those that happened during this flush are in it.
      report();
      return (await envelopes.flush(Math.max(0, end - Date.now()))) && a && b;
    },
    async close(timeoutMs = 2000) {
      if (!open) return true;
      const ok = await client.flush(timeoutMs);
      open = false;
      clearInterval(interval);
      for (const fn of closers.splice(0)) {
        try {
          fn();
        } catch {
          // An integration failing to detach must not stop the others.
        }
      }
      return ok;
    },
    sendNow(send) {
      moveAggregates();
      report();
      const events = kpi.drain();
      const safeSend = (r: TransportRequest) => {
        try {
          return send(r);
        } catch {
          return false;
        }
      };
      for (let i = 0; i < events.length; i += 100) {
        const chunk = events.slice(i, i + 100);
        if (!safeSend(kpiRequest(dsn, chunk, platform.keyInQuery))) outcomes.record('network_error', 'kpi', chunk.length);
      }
      for (const e of envelopes.drain()) {
        if (!safeSend({ url: dsn.envelopeUrl, body: e.body, headers: {} })) outcomes.record('network_error', e.category);
      }
    },
    stats: () => ({ events: kpi.size(), envelopes: envelopes.size(), dropped: outcomes.totals() }),
  };
  return client;
}

function stringTags(tags: Tags): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k in tags) out[k] = String(tags[k]);
  return out;
}
