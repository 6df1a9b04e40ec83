/** @module The lane of business events: JSON batches to `POST /api/<id>/events`, compressed when large. */

import { DEBUG_BUILD } from './debug-build.js';
import type { Dsn } from './dsn.js';
import { createLane, type Lane } from './lane.js';
import type { Log } from './log.js';
import type { ResolvedOptions } from './options.js';
import type { Outcomes } from './outcomes.js';
import type { Platform } from './platform.js';
import { createRateLimits } from './rate-limits.js';
import type { Transport, TransportRequest } from './transport.js';
import type { KpiEvent } from './types.js';
import { safeJson } from './util.js';

/** The request for a batch, uncompressed (also what a beacon sends). */
export function kpiRequest(dsn: Dsn, items: KpiEvent[], keyInQuery: boolean | undefined): TransportRequest {
  const body = safeJson(items) ?? '[]';
  return keyInQuery
    ? { url: `${dsn.eventsUrl}?key=${dsn.key}`, body, headers: { 'content-type': 'text/plain' } }
    : { url: dsn.eventsUrl, body, headers: { 'content-type': 'application/json', authorization: `Bearer ${dsn.key}` } };
}

/** Gzips a request body above the threshold when the platform can. */
export async function maybeCompress(req: TransportRequest, o: ResolvedOptions, p: Platform): Promise<TransportRequest> {
  if (!p.compress || typeof req.body !== 'string' || req.body.length <= o.compressAbove) return req;
  const gz = await p.compress(req.body);
  return gz ? { ...req, body: gz, headers: { ...req.headers, 'content-encoding': 'gzip' } } : req;
}

/** Creates the business-event lane. */
export function createKpiLane(
  dsn: Dsn,
  o: ResolvedOptions,
  p: Platform,
  transport: Transport,
  outcomes: Outcomes,
  log: Log,
): Lane<KpiEvent> {
  return createLane<KpiEvent>({
    max: o.maxQueue,
    batch: o.maxBatch,
    maxRetries: o.maxRetries,
    transport,
    outcomes,
    log,
    limits: createRateLimits(),
    hold: true,
    category: () => 'kpi',
    encode: (items) => maybeCompress(kpiRequest(dsn, items, p.keyInQuery), o, p),
    onOk(_items, res) {
      try {
        const rejected = (JSON.parse(res.body) as { rejected?: Array<{ message?: string }> }).rejected ?? [];
        if (rejected.length) {
          outcomes.record('send_error', 'kpi', rejected.length);
          if (DEBUG_BUILD) log(`server rejected ${rejected.length} event(s)`, rejected[0]?.message);
        }
      } catch {
        // A 2xx without the usual body still means the batch was taken.
      }
    },
  });
}
