/** @module A bounded send queue: batches, retries with backoff, back-pressure, and every drop counted. */
import { DEBUG_BUILD } from './debug-build.js';
import type { Log } from './log.js';
import type { DropReason, Outcomes } from './outcomes.js';
import type { RateLimits } from './rate-limits.js';
import type { Transport, TransportRequest, TransportResponse } from './transport.js';
import { later } from './util.js';

/** How a lane sends its items. */
export interface LaneConfig<T> {
  /** Most items waiting; pushes beyond are dropped as `queue_overflow`. */
  max: number;
  /** Most items per request. */
  batch: number;
  maxRetries: number;
  transport: Transport;
  outcomes: Outcomes;
  limits: RateLimits;
  log: Log;
  /** Rate-limit and client-report category of an item. */
  category(item: T): string;
  encode(items: T[]): Promise<TransportRequest>;
  /** Called with a 2xx answer (e.g. to count events the server rejected). */
  onOk?(items: T[], res: TransportResponse): void;
  /** Keep items while rate limited and send them later (KPIs), instead of dropping them (errors). */
  hold?: boolean;
}

/** A queue with its sender. */
export interface Lane<T> {
  /** Queues an item; false when it was dropped (and counted). */
  push(item: T): boolean;
  /** Starts sending what is queued (no-op while a request is in flight or backing off). */
  pump(): Promise<void>;
  /** Sends until the queue is empty or `timeoutMs` passes; true when everything was delivered. */
  flush(timeoutMs: number): Promise<boolean>;
  /** Takes every queued item out, and the batch being encoded (for a last synchronous send such as a beacon). */
  drain(): T[];
  size(): number;
}

const PAUSE_ON_AUTH_MS = 60_000;

/** Backoff before retry `n` (1-based): 1 s, 2 s, 4 s ... at most 30 s, with ±20% jitter. */
export const backoffMs = (n: number): number => Math.min(30_000, 1000 * 2 ** (n - 1)) * (0.8 + Math.random() * 0.4);

/** Creates a lane over a transport. */
export function createLane<T>(c: LaneConfig<T>): Lane<T> {
  let q: T[] = [];
  // The batch being encoded (e.g. gzipped): out of the queue, not yet handed to the transport.
  let encoding: T[] = [];
  let inflight: Promise<void> | undefined;
  let attempt = 0;
  let resumeAt = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const drop = (items: T[], reason: DropReason) => {
    for (const it of items) c.outcomes.record(reason, c.category(it));
  };
  const requeue = (items: T[]) => {
    q = items.concat(q);
    if (q.length > c.max) drop(q.splice(c.max), 'queue_overflow');
  };
  const pauseUntil = (at: number) => {
    resumeAt = at;
    if (timer) clearTimeout(timer);
    // Timers may fire a hair before Date.now() reaches `at`: the pause ends when the timer fires.
    timer = later(
      () => {
        resumeAt = 0;
        void pump();
      },
      Math.max(0, at - Date.now()),
    );
  };
  const limitedUntil = (items: T[], now: number) => Math.max(0, ...items.map((it) => c.limits.until(c.category(it), now)));

  // One request; true when the loop may go on with the next batch.
  const sendOne = async (): Promise<boolean> => {
    const now = Date.now();
    if (q.length === 0 || now < resumeAt) return false;
    const items = q.splice(0, c.batch);
    const blocked = limitedUntil(items, now);
    if (blocked) {
      if (c.hold) {
        requeue(items);
        pauseUntil(blocked);
        return false;
      }
      drop(items, 'ratelimit_backoff');
      return true;
    }
    let req: TransportRequest;
    encoding = items;
    try {
      req = await c.encode(items);
    } catch (e) {
      if (DEBUG_BUILD) c.log('could not encode a batch', e);
      drop(items, 'internal_sdk_error');
      return true;
    }
    // A drain emptied the batch meanwhile (the page is leaving): it went with the beacon.
    if (!items.length) return true;
    encoding = [];
    let res: TransportResponse | undefined;
    try {
      res = await c.transport(req);
    } catch (e) {
      if (DEBUG_BUILD) c.log(`request to ${req.url.split('?')[0]} failed`, e);
    }
    const at = Date.now();
    if (res) c.limits.update(res.status, res.header('retry-after'), res.header('x-sentry-rate-limits'), at);
    const status = res?.status ?? 0;
    if (status >= 200 && status < 300 && res) {
      attempt = 0;
      c.onOk?.(items, res);
      return true;
    }
    if (status === 429) {
      // Not held: gone. Heed counted what it refused (outcome `dropped`), so the client report does not.
      if (!c.hold) return true;
      requeue(items);
      pauseUntil(Math.max(at + 1000, limitedUntil(items, at)));
      return false;
    }
    if (status !== 0 && status < 500 && status !== 408) {
      if (DEBUG_BUILD) c.log(`server refused a batch (${status})`, res?.body);
      drop(items, 'send_error');
      // A wrong key or project will not fix itself soon: stop knocking for a while.
      if (status === 401 || status === 403 || status === 404) pauseUntil(at + PAUSE_ON_AUTH_MS);
      return true;
    }
    if (attempt >= c.maxRetries) {
      attempt = 0;
      drop(items, status ? 'send_error' : 'network_error');
      return true;
    }
    attempt++;
    requeue(items);
    pauseUntil(at + backoffMs(attempt));
    return false;
  };

  const pump = (): Promise<void> => {
    inflight ??= (async () => {
      try {
        while (await sendOne()) {}
      } catch (e) {
        if (DEBUG_BUILD) c.log('send loop failed', e);
      } finally {
        inflight = undefined;
      }
    })();
    return inflight;
  };

  return {
    push(item) {
      const cat = c.category(item);
      if (!c.hold && c.limits.until(cat, Date.now())) {
        c.outcomes.record('ratelimit_backoff', cat);
        return false;
      }
      if (q.length >= c.max) {
        c.outcomes.record('queue_overflow', cat);
        return false;
      }
      q.push(item);
      return true;
    },
    pump,
    async flush(timeoutMs) {
      let t: ReturnType<typeof setTimeout> | undefined;
      const deadline = new Promise<void>((r) => (t = later(r, timeoutMs)));
      const end = Date.now() + timeoutMs;
      // Even a zero timeout starts the send: the request may still make it (e.g. before a beacon-less exit).
      void pump();
      while (Date.now() < end && (q.length > 0 || inflight) && Date.now() >= resumeAt) {
        const before = q.length;
        await Promise.race([pump(), deadline]);
        if (q.length >= before && !inflight) break;
      }
      if (inflight) await Promise.race([inflight, deadline]);
      if (t) clearTimeout(t);
      return q.length === 0 && !inflight;
    },
    drain: () => encoding.splice(0).concat(q.splice(0)),
    size: () => q.length,
  };
}
