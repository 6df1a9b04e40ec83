/** @module Server back-pressure: `429`, `Retry-After` and `X-Sentry-Rate-Limits`, kept per data category. */

/** Until when each category is blocked. */
export interface RateLimits {
  /** Reads the headers of any answer (Sentry sets limits on 200s too). */
  update(status: number, retryAfter: string | null, sentryLimits: string | null, now: number): void;
  /** Epoch ms until which `category` may not be sent; 0 or a past time when free. */
  until(category: string, now: number): number;
}

const DEFAULT_RETRY_MS = 60_000;

/** Parses `Retry-After` (seconds or an HTTP date) into ms from now. */
export function parseRetryAfter(v: string | null, now: number): number {
  if (!v) return DEFAULT_RETRY_MS;
  const s = Number(v);
  if (Number.isFinite(s)) return Math.max(0, s * 1000);
  const at = Date.parse(v);
  return Number.isNaN(at) ? DEFAULT_RETRY_MS : Math.max(0, at - now);
}

/** Creates an empty set of limits. Category `''` stands for all categories. */
export function createRateLimits(): RateLimits {
  const limits = new Map<string, number>();
  const set = (cat: string, at: number) => limits.set(cat, Math.max(limits.get(cat) ?? 0, at));
  return {
    update(status, retryAfter, sentryLimits, now) {
      if (sentryLimits) {
        for (const part of sentryLimits.split(',')) {
          const [secs = '', cats = ''] = part.trim().split(':');
          const ms = Number.isFinite(Number(secs)) && secs !== '' ? Number(secs) * 1000 : DEFAULT_RETRY_MS;
          for (const c of cats ? cats.split(';') : ['']) set(c, now + ms);
        }
      } else if (status === 429) {
        set('', now + parseRetryAfter(retryAfter, now));
      }
    },
    until(category, now) {
      // Client reports ('internal') obey only limits on all categories, as in Sentry.
      const at = Math.max(limits.get('') ?? 0, category === 'internal' ? 0 : (limits.get(category) ?? 0));
      return at > now ? at : 0;
    },
  };
}
