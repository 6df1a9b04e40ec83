/** @module Opt-in dependency health over `fetch`: latency and status per downstream host, as aggregated KPIs. */
import type { Client } from './client.js';

type Fetch = ((...args: unknown[]) => Promise<{ status: number }>) & { __heed?: true };

/** KPI name of outgoing requests: count = calls, sum = milliseconds to response headers. */
export const HTTP_CLIENT_KPI = 'http.client.requests';

function hostOf(input: unknown): string | undefined {
  try {
    const u = typeof input === 'string' || input instanceof URL ? String(input) : (input as { url?: string }).url;
    const base = (globalThis as unknown as { location?: { href: string } }).location?.href;
    return u ? new URL(u, base).host : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Wraps the global `fetch` so each call records `http.client.requests{host,status}`; returns the undo.
 * The caller gets the very promise `fetch` returned, so its behaviour is unchanged.
 * @example
 * const undo = instrumentFetch(getClient());
 */
export function instrumentFetch(client: Client | undefined): () => void {
  const g = globalThis as unknown as { fetch?: Fetch };
  const orig = g.fetch;
  if (!client || !orig || orig.__heed) return () => {};
  const wrapped: Fetch = function (this: unknown, ...args: unknown[]) {
    const p = orig.apply(this, args);
    try {
      const host = hostOf(args[0]);
      if (host && host !== client.dsn.host) {
        const start = Date.now();
        const done = (status: string) => client.measure(HTTP_CLIENT_KPI, { host, status }, Date.now() - start);
        p.then(
          (res) => done(String(res.status)),
          () => done('error'),
        );
      }
    } catch {
      // Measuring is optional; the request itself already went out.
    }
    return p;
  };
  wrapped.__heed = true;
  g.fetch = wrapped;
  return () => {
    if (g.fetch === wrapped) g.fetch = orig;
  };
}
