/**
 * @module StatsD datagrams to the writer: every line parsed, mapped and validated (validateEvent),
 * each dropped line counted with its reason, and the events of a short interval appended in one
 * batch, so a busy client does not cost a commit per datagram. UDP has no acknowledgement: events
 * are durable once the batch commits.
 */
import { type EventLimits, isRejection, type NormalizedEvent, validateEvent } from '@heed/protocol';
import type { Clock, Counter, Logger } from '../kernel/index.js';
import type { Writer } from '../store/index.js';
import { parseLine, splitLines } from './parse.js';
import { GaugeMemory, toKpiEvent } from './to-events.js';

/** What the batcher needs. */
export interface BatcherDeps {
  projectId: number;
  writer: Pick<Writer, 'append'>;
  limits: EventLimits;
  clock: Clock;
  log: Logger;
  /** `heed_ingest_dropped_total` by reason, shared with HTTP ingest. */
  drops: Counter;
  /** `heed_ingest_events_total` by outcome, shared with HTTP ingest. */
  events: Counter;
  /** `heed_statsd_lines_total` by outcome (accepted, dropped, ignored) and, for the latter two, reason. */
  lines: Counter;
  /** `ingest.rateLimitPerSecond` per project (the HTTP ingest's limiter): over it, a batch is dropped as `rate_limited`. */
  limiter?: { take(projectId: number, n: number, nowMs: number): number };
  /** Append at most this often (ms) ... */
  flushMs?: number;
  /** ... or as soon as this many events wait. */
  maxBatch?: number;
}

/** Receives datagrams and appends their events in batches. */
export interface StatsdBatcher {
  /** Parses one datagram; never throws. */
  receive(datagram: Buffer | string): void;
  /** Appends what waits now; resolves when it is committed (or failed, which is logged and counted). */
  flush(): Promise<void>;
  /** Events waiting for the next append. */
  pending(): number;
}

/** Creates the batcher of one listener (one project). */
export function createStatsdBatcher(deps: BatcherDeps): StatsdBatcher {
  const { writer, limits, clock, log, drops, events, lines } = deps;
  const flushMs = deps.flushMs ?? 100;
  const maxBatch = deps.maxBatch ?? 1000;
  const gauges = new GaugeMemory();
  let waiting: NormalizedEvent[] = [];
  let timer: NodeJS.Timeout | undefined;

  const drop = (reason: string, n = 1) => {
    drops.inc({ reason }, n);
    lines.inc({ outcome: 'dropped', reason }, n);
  };

  const flush = async (): Promise<void> => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (waiting.length === 0) return;
    const batch = waiting;
    waiting = [];
    const now = clock();
    if (deps.limiter && deps.limiter.take(deps.projectId, batch.length, now) > 0) {
      drop('rate_limited', batch.length); // UDP cannot ask the client to slow down
      return;
    }
    const result = writer.append(deps.projectId, batch, now);
    // Lines the writer refuses (e.g. a KPI name used as count and gauge) are dropped lines too.
    for (const r of result.rejected) {
      drops.inc({ reason: r.code });
      lines.inc({ outcome: 'dropped', reason: r.code });
    }
    lines.inc({ outcome: 'accepted' }, batch.length - result.rejected.length);
    if (result.folded > 0) events.inc({ outcome: 'folded' }, result.folded);
    if (result.rejected.length > 0) events.inc({ outcome: 'rejected' }, result.rejected.length);
    try {
      await result.committed;
      events.inc({ outcome: 'accepted' }, result.accepted);
    } catch (err) {
      log.error('statsd batch not stored', { err, events: result.accepted });
      drops.inc({ reason: 'store_unavailable' }, result.accepted);
    }
  };

  const receive = (datagram: Buffer | string) => {
    const text = typeof datagram === 'string' ? datagram : datagram.toString('utf8');
    const now = clock();
    for (const line of splitLines(text)) {
      let mapped: ReturnType<typeof toKpiEvent>;
      try {
        mapped = toKpiEvent(parseLine(line), gauges);
      } catch (err) {
        // Not expected (the parser never throws); a listener must outlive any line regardless.
        log.warn('statsd line failed', { err });
        drop('statsd.invalid_line');
        continue;
      }
      if (!mapped.ok) {
        if (mapped.outcome === 'dropped') drop(mapped.reason);
        else lines.inc({ outcome: 'ignored', reason: mapped.reason });
        continue;
      }
      const ev = validateEvent(mapped.event, now, limits);
      if (isRejection(ev)) {
        drop(ev.code);
        events.inc({ outcome: 'rejected' });
        continue;
      }
      waiting.push(ev);
    }
    if (waiting.length >= maxBatch) void flush();
    else if (waiting.length > 0 && !timer) {
      timer = setTimeout(() => void flush(), flushMs);
      timer.unref();
    }
  };

  return { receive, flush, pending: () => waiting.length };
}
