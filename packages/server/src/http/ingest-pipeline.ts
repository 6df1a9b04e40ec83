/**
 * @module The steps KPI ingest routes share once they know the project: rate limiting, validation,
 * append to the writer, and waiting for the commit (a 2xx is durable). Used by the native
 * `/api/:projectId/events` and by OTLP `/v1/metrics`.
 */
import type { RawItem } from '../ingest/index.js';
import { ApiError } from '../kernel/index.js';
import { normalizeEvents, type Rejected } from '../normalize/index.js';
import type { Ctx } from './context.js';
import type { Services } from './services.js';

/** Answers 429 before the body is read when the project has no allowance left. */
export function checkRateOpen(s: Services, projectId: number): void {
  if (!s.limiter.open(projectId, s.clock())) {
    throw new ApiError(
      'ingest.rate_limited',
      'This project is over its event rate; retry after 1 s.',
      { retryAfter: 1 },
      { 'retry-after': '1' },
    );
  }
}

/** Takes `n` events from the project's allowance, or answers 429 with Retry-After. */
export function takeRate(s: Services, projectId: number, n: number, now: number): void {
  const wait = s.limiter.take(projectId, n, now);
  if (wait > 0) {
    s.metrics.drops.inc({ reason: 'rate_limited' }, n);
    throw new ApiError(
      'ingest.rate_limited',
      `This project may send ${s.config.ingest.rateLimitPerSecond} events/s; retry after ${wait} s.`,
      { retryAfter: wait },
      { 'retry-after': String(wait) },
    );
  }
}

/** What an append did: rejections carry the index of the item in the batch. */
export interface Appended {
  accepted: number;
  folded: number;
  rejected: Rejected[];
  committed: Promise<void>;
}

/** Validates the items and appends the valid ones (synchronously); rejections are counted as drops. */
export function appendItems(s: Services, projectId: number, items: readonly RawItem[], now: number): Appended {
  const { config, metrics } = s;
  const norm = normalizeEvents(items, now, {
    maxTagsPerEvent: config.ingest.maxTagsPerEvent,
    maxTagValueLength: config.ingest.maxTagValueLength,
    maxFutureSeconds: config.ingest.maxFutureSeconds,
  });
  const result = s.writer.append(projectId, norm.events, now);
  const rejected = norm.rejected.concat(result.rejected.map((r) => ({ ...r, index: norm.indexes[r.index] as number })));
  rejected.sort((a, b) => a.index - b.index);
  for (const r of rejected) metrics.drops.inc({ reason: r.code }, 1);
  if (result.folded > 0) metrics.events.inc({ outcome: 'folded' }, result.folded);
  return { accepted: result.accepted, folded: result.folded, rejected, committed: result.committed };
}

/** Waits for the commit (503 `store.unavailable` if it failed) and records the outcome. */
export async function settle(ctx: Ctx, s: Services, a: Appended, started: number): Promise<void> {
  const { metrics } = s;
  if (a.accepted > 0) {
    try {
      await a.committed;
    } catch (err) {
      ctx.log.error('store commit failed', { err });
      metrics.drops.inc({ reason: 'store_unavailable' }, a.accepted);
      throw new ApiError('store.unavailable', 'The events could not be stored; nothing of this batch was kept. Retry.', undefined, {
        'retry-after': '5',
      });
    }
    metrics.events.inc({ outcome: 'accepted' }, a.accepted);
  }
  if (a.rejected.length > 0) metrics.events.inc({ outcome: 'rejected' }, a.rejected.length);
  metrics.ackLatency.observe((performance.now() - started) / 1000);
}
