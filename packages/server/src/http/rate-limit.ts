/** @module Per-project token buckets for ingest: bursts of up to one second's allowance. */

/** Decides whether a project may send `n` more events now. */
export interface RateLimiter {
  /** True when there is any allowance left (checked before reading the body). */
  open(projectId: number, nowMs: number): boolean;
  /** Takes `n` tokens; returns 0 when allowed, else the seconds to wait. */
  take(projectId: number, n: number, nowMs: number): number;
}

/** Creates a limiter of `perSecond` events per project; 0 disables it. */
export function createRateLimiter(perSecond: number): RateLimiter {
  const buckets = new Map<number, { tokens: number; at: number }>();
  const refill = (id: number, now: number) => {
    let b = buckets.get(id);
    if (!b) buckets.set(id, (b = { tokens: perSecond, at: now }));
    b.tokens = Math.min(perSecond, b.tokens + ((now - b.at) / 1000) * perSecond);
    b.at = now;
    return b;
  };
  return {
    open(id, now) {
      return perSecond === 0 || refill(id, now).tokens > 0;
    },
    take(id, n, now) {
      if (perSecond === 0) return 0;
      const b = refill(id, now);
      // A batch larger than the burst passes when the bucket is full, leaving it in debt.
      if (b.tokens >= n || b.tokens >= perSecond) {
        b.tokens -= n;
        return 0;
      }
      return Math.max(1, Math.ceil((n - b.tokens) / perSecond));
    },
  };
}
