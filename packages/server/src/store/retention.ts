/**
 * @module Retention: deletes what has outlived its configured age (raw events, per-second, per-minute
 * and per-hour buckets, error events), logging what went and never throwing.
 */
import type { Clock, Logger } from '../kernel/index.js';
import type { Storage } from './types.js';

/** How long each kind of data is kept. */
export interface RetentionSettings {
  rawEventsHours: number;
  secondsHours: number;
  minutesDays: number;
  hoursDays: number;
  /** Error events (issues stay). */
  errorEventDays: number;
}

/** A pruning pass at `clock()`: failures are logged, not thrown (the next pass retries). */
export function createPruner(store: Storage, r: RetentionSettings, clock: Clock, log: Logger): () => Promise<void> {
  return async () => {
    const now = clock();
    try {
      const n = await store.prune({
        rawReceivedBeforeMs: now - r.rawEventsHours * 3600_000,
        bucketsBefore: {
          1: Math.floor(now / 1000) - r.secondsHours * 3600,
          60: Math.floor(now / 1000) - r.minutesDays * 86400,
          3600: Math.floor(now / 1000) - r.hoursDays * 86400,
        },
      });
      if (n > 0) log.info('pruned expired rows', { rows: n });
      const e = await store.errors.prune(now - r.errorEventDays * 86400_000);
      if (e > 0) log.info('pruned expired error events', { rows: e });
    } catch (err) {
      log.error('prune failed', { err });
    }
  };
}
