/** @module Drops counted by reason and category, reported to the server as Sentry `client_report`s. */

/** Why data was not delivered (Sentry's discard reasons). */
export type DropReason =
  | 'queue_overflow'
  | 'ratelimit_backoff'
  | 'network_error'
  | 'send_error'
  | 'sample_rate'
  | 'before_send'
  | 'event_processor'
  | 'internal_sdk_error';

/** One line of a client report. */
export interface Discarded {
  reason: DropReason;
  category: string;
  quantity: number;
}

/** The counter of drops. */
export interface Outcomes {
  record(reason: DropReason, category: string, quantity?: number): void;
  /** Drops since the last call (for the next client report). */
  take(): Discarded[];
  /** Every drop since start, keyed `reason:category` (for `stats()`). */
  totals(): Record<string, number>;
}

/** Creates an empty counter. */
export function createOutcomes(): Outcomes {
  let pending = new Map<string, number>();
  const total = new Map<string, number>();
  const add = (m: Map<string, number>, k: string, n: number) => m.set(k, (m.get(k) ?? 0) + n);
  return {
    record(reason, category, quantity = 1) {
      // Losing a client report is not itself reported, or reports would feed on themselves.
      if (category === 'internal') return;
      const k = `${reason}:${category}`;
      add(pending, k, quantity);
      add(total, k, quantity);
    },
    take() {
      const out: Discarded[] = [];
      for (const [k, quantity] of pending) {
        const [reason, category = ''] = k.split(':');
        out.push({ reason: reason as DropReason, category, quantity });
      }
      pending = new Map();
      return out;
    },
    totals: () => Object.fromEntries(total),
  };
}
